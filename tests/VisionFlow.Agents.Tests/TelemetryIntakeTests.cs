using Microsoft.Extensions.Time.Testing;
using VisionFlow.Agents.Graph;
using VisionFlow.Agents.Intake;
using VisionFlow.Protocol.Dialects;

namespace VisionFlow.Agents.Tests;

public sealed class TelemetryIntakeTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);

    /// <summary>An intake with session 1 open (no agents listed), and a recorder of what follows.</summary>
    private static (TelemetryIntake Intake, Session Source, FakeTimeProvider Time, Recorder Recorder) Push(AgentTelemetryOptions? options = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var intake = Session.NewIntake(options ?? new AgentTelemetryOptions(), time);
        var source = Session.OpenAsync(intake).GetAwaiter().GetResult();
        return (intake, source, time, new Recorder(intake));
    }

    [Test]
    public async Task Pushed_lines_are_applied_as_they_arrive_with_no_timer_in_between()
    {
        var (intake, source, _, recorder) = Push();
        using var cts = new CancellationTokenSource();
        var run = intake.RunAsync(cts.Token);
        source.Post(Wire.Spawned("a"));
        source.Post(Wire.Spawned("b"));
        // The clock does not move: the wake is the delivery itself.
        await Assert.That(await recorder.Signal.WaitAsync(Generous)).IsTrue();
        var added = recorder.Changes.SelectMany(c => c.Added).ToList();
        if (added.Count < 2)
        {
            await Assert.That(await recorder.Signal.WaitAsync(Generous)).IsTrue(); // a and b landed in two wakes
            added = recorder.Changes.SelectMany(c => c.Added).ToList();
        }

        await Assert.That(added).IsEquivalentTo(new[] { "a", "b" });
        await Assert.That(intake.Cache.Count).IsEqualTo(2);

        var changes = recorder.Changes.Count;
        source.Post(Wire.Status("a", 50));
        await Assert.That(await recorder.Signal.WaitAsync(Generous)).IsTrue();
        await Assert.That(recorder.Changes[changes].Updated).IsEquivalentTo(new[] { "a" });
        await cts.CancelAsync();
        await run;
    }

    [Test]
    public async Task An_agent_our_spawn_created_is_applied_at_once_and_only_in_its_session()
    {
        var (intake, source, _, recorder) = Push();
        var created = new DateTimeOffset(2026, 12, 7, 4, 43, 22, 760, TimeSpan.Zero);
        intake.OnAgentSpawned(source.Id, new AgentSummary("ours-1", "coder", "idle", "swarm-1", null, null, null, null, created, Model: "haiku"));
        intake.OnAgentSpawned(source.Id + 1, new AgentSummary("other-session", "coder", null, null, null, null, null, null, null));
        await intake.ProcessBatchAsync();
        await Assert.That(recorder.Last.Added).IsEquivalentTo(new[] { "ours-1" });
        var agent = (await GetSnapshot(intake)).Agents.Single();
        await Assert.That(agent.Type).IsEqualTo("coder");
        await Assert.That(agent.SwarmId).IsEqualTo("swarm-1");
        await Assert.That(agent.Status).IsEqualTo("idle");
        await Assert.That(agent.Model).IsEqualTo("haiku");
        await Assert.That(agent.CreatedAt).IsEqualTo(created);
        await Assert.That(agent.TasksActive).IsNull(); // the answer did not say
        await Assert.That(intake.Counters.Lines).IsEqualTo(0L); // our answer is not telemetry the server sent

        // The server's own event for it, when it comes, is the same agent.
        var changes = recorder.Changes.Count;
        source.Post(Wire.Spawned("ours-1"));
        await intake.ProcessBatchAsync();
        await Assert.That(intake.Cache.Count).IsEqualTo(1);
        await Assert.That(recorder.Changes.Skip(changes).SelectMany(c => c.Added)).IsEmpty();
    }

    [Test]
    public async Task A_burst_that_arrives_while_the_loop_works_is_one_batch()
    {
        var (intake, source, _, recorder) = Push();
        for (var i = 0; i < 50; i++) source.Post(Wire.Spawned("agent-" + i));
        await intake.ProcessBatchAsync();
        await Assert.That(recorder.Changes.Count).IsEqualTo(1);
        await Assert.That(recorder.Last.Added.Length).IsEqualTo(50);
    }

    [Test]
    public async Task Coalesces_per_agent_last_write_wins_per_field()
    {
        var (intake, source, _, recorder) = Push();
        source.Post(Wire.Spawned("a", "coder"));
        source.Post(Wire.Status("a", 10));
        source.Post(Wire.Status("a", 20, "busy"));
        source.Post(Wire.Bytes("""{"type":"agent.status","data":{"agent_id":"a","tokens_used":7}}"""));
        await intake.ProcessBatchAsync();
        await Assert.That(recorder.Changes.Count).IsEqualTo(1);
        await Assert.That(recorder.Last.Added).IsEquivalentTo(new[] { "a" });
        var snapshot = await GetSnapshot(intake);
        var agent = snapshot.Agents.Single();
        await Assert.That(agent.CpuUsage).IsEqualTo(20f);
        await Assert.That(agent.Status).IsEqualTo("busy");
        await Assert.That(agent.Type).IsEqualTo("coder");
        await Assert.That(agent.TokensUsed).IsEqualTo(7L);
        await Assert.That(agent.NodeId & NodeIds.AgentFlag).IsEqualTo(NodeIds.AgentFlag);
    }

    [Test]
    public async Task Publishes_only_when_something_changed()
    {
        var (intake, source, _, recorder) = Push();
        source.Post(Wire.Spawned("a"));
        await Assert.That(await intake.ProcessBatchAsync()).IsTrue();
        await Assert.That(await intake.ProcessBatchAsync()).IsFalse();
        source.Post(Wire.Spawned("a"));
        await Assert.That(await intake.ProcessBatchAsync()).IsFalse();
        source.Post(Wire.Status("a", 1));
        await Assert.That(await intake.ProcessBatchAsync()).IsTrue();
        source.Post(Wire.Status("a", 1));
        await Assert.That(await intake.ProcessBatchAsync()).IsFalse();
        await Assert.That(recorder.Changes.Count).IsEqualTo(2);
        await Assert.That(recorder.Changes[0].Topology).IsTrue();
        await Assert.That(recorder.Changes[1].Topology).IsFalse();
        await Assert.That(intake.Cache.Version).IsEqualTo(3L); // the session's start was the first change
    }

    [Test]
    public async Task Silent_agents_go_stale_then_are_removed_by_time_not_by_batches()
    {
        var options = new AgentTelemetryOptions { StaleAfterIntervals = 3, RemoveAfterIntervals = 6 };
        var (intake, source, time, recorder) = Push(options);
        source.Post(Wire.Spawned("quiet"));
        source.Post(Wire.Spawned("chatty"));
        await intake.ProcessBatchAsync();
        for (var i = 0; i < 10; i++) await intake.ProcessBatchAsync(); // many batches, no time: nobody is stale
        await Assert.That((await GetSnapshot(intake)).Agents.Any(a => a.IsStale)).IsFalse();
        for (var i = 1; i <= 6; i++)
        {
            time.Advance(options.Interval);
            source.Post(Wire.Status("chatty", i));
            await intake.ProcessBatchAsync();
            var snapshot = await GetSnapshot(intake);
            var quiet = snapshot.Agents.SingleOrDefault(a => a.Id == "quiet");
            if (i < 3) await Assert.That(quiet!.IsStale).IsFalse();
            else if (i < 6) await Assert.That(quiet!.IsStale).IsTrue();
            else await Assert.That(quiet).IsNull();
        }

        await Assert.That(recorder.Changes.Any(c => c.Updated.Contains("quiet"))).IsTrue();
        await Assert.That(recorder.Last.Removed).IsEquivalentTo(new[] { "quiet" });
        await Assert.That((await GetSnapshot(intake)).Agents.Select(a => a.Id)).IsEquivalentTo(new[] { "chatty" });
    }

    [Test]
    public async Task A_stale_agent_that_speaks_again_is_fresh()
    {
        var options = new AgentTelemetryOptions { StaleAfterIntervals = 1, RemoveAfterIntervals = 10 };
        var (intake, source, time, recorder) = Push(options);
        source.Post(Wire.Spawned("a"));
        await intake.ProcessBatchAsync();
        time.Advance(options.Interval);
        await intake.ProcessBatchAsync();
        await Assert.That((await GetSnapshot(intake)).Agents[0].IsStale).IsTrue();
        source.Post(Wire.Spawned("a"));
        await Assert.That(await intake.ProcessBatchAsync()).IsTrue();
        await Assert.That(recorder.Last.Updated).IsEquivalentTo(new[] { "a" });
        await Assert.That((await GetSnapshot(intake)).Agents[0].IsStale).IsFalse();
    }

    [Test]
    public async Task Values_the_peer_never_reported_are_null_not_zero()
    {
        var (intake, source, _, _) = Push();
        source.Post(Wire.Bytes("""{"type":"agent.spawned","data":{"agent_id":"bare"}}"""));
        source.Post(Wire.Spawned("typed", "coder"));
        source.Post(Wire.Status("typed", 0));
        await intake.ProcessBatchAsync();
        var agents = (await GetSnapshot(intake)).Agents.ToDictionary(a => a.Id);
        var bare = agents["bare"];
        await Assert.That(bare.Type).IsNull();
        await Assert.That(bare.Status).IsNull();
        await Assert.That(bare.SwarmId).IsNull();
        await Assert.That(bare.CpuUsage).IsNull();
        await Assert.That(bare.MemoryUsage).IsNull();
        await Assert.That(bare.TokensUsed).IsNull();
        await Assert.That(bare.TasksActive).IsNull();
        var typed = agents["typed"];
        await Assert.That(typed.Type).IsEqualTo("coder");
        await Assert.That(typed.CpuUsage).IsEqualTo(0f); // a reported zero stays zero
        await Assert.That(typed.MemoryUsage).IsNull();
    }

    [Test]
    public async Task Agents_beyond_the_limit_are_counted_not_hidden_and_taken_in_when_room_frees()
    {
        var (intake, source, _, recorder) = Push(new AgentTelemetryOptions { MaxAgents = 3 });
        for (var i = 0; i < 5; i++) source.Post(Wire.Spawned("agent-" + i));
        await intake.ProcessBatchAsync();
        await Assert.That(intake.Cache.Count).IsEqualTo(3);
        await Assert.That(intake.Cache.Untracked).IsEqualTo(2);
        await Assert.That((await GetSnapshot(intake)).Untracked).IsEqualTo(2);
        await Assert.That(recorder.Last.Added.Length).IsEqualTo(3);
        await Assert.That(intake.Counters.RejectedOverLimit).IsEqualTo(2L);
        // The peer has five agents: no spawn fits under a limit of three.
        await Assert.That(intake.Cache.Admission.TryReserve(1, out _, out var refusal)).IsFalse();
        await Assert.That(refusal!).Contains("MCP_MAX_AGENTS is 3");
        await Assert.That(refusal!).Contains("2 more reported by the server beyond the limit");

        var shown = (await GetSnapshot(intake)).Agents.Select(a => a.Id).ToHashSet();
        var hidden = Enumerable.Range(0, 5).Select(i => "agent-" + i).First(id => !shown.Contains(id));
        source.Post(Wire.Terminated(shown.First()));
        source.Post(Wire.Status(hidden, 5));
        await intake.ProcessBatchAsync();
        await Assert.That(intake.Cache.Count).IsEqualTo(3);
        await Assert.That(intake.Cache.Untracked).IsEqualTo(1);
        await Assert.That((await GetSnapshot(intake)).Agents.Select(a => a.Id)).Contains(hidden);

        // A listing without the hidden ones removes them for good: nothing is left behind in the id table.
        await source.ListAsync(Wire.List(("agent-x", "coder", "active", 0)));
        await Assert.That(intake.Cache.Count).IsEqualTo(1);
        await Assert.That(intake.Cache.Untracked).IsEqualTo(0);
        await Assert.That(intake.Parser.AgentIdCount).IsEqualTo(1);
    }

    [Test]
    public async Task Admission_holds_under_concurrency_and_counts_spawns_until_telemetry_shows_them()
    {
        var (intake, source, time, _) = Push(new AgentTelemetryOptions { MaxAgents = 2 });
        var admission = intake.Cache.Admission;
        var granted = 0;
        var tickets = new System.Collections.Concurrent.ConcurrentBag<VisionFlow.Agents.Cache.AdmissionTicket>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
        {
            if (admission.TryReserve(1, out var ticket, out _))
            {
                Interlocked.Increment(ref granted);
                tickets.Add(ticket);
            }
        })));
        await Assert.That(granted).IsEqualTo(2);

        // One spawn failed, one made agent "s1" — which telemetry has not shown yet: it still counts.
        var all = tickets.ToArray();
        all[0].Release();
        all[1].Commit(["s1"], time, TimeSpan.FromSeconds(10));
        await Assert.That(admission.TryReserve(1, out var third, out _)).IsTrue();
        await Assert.That(admission.TryReserve(1, out _, out _)).IsFalse();
        third.Release();

        source.Post(Wire.Spawned("s1"));
        await intake.ProcessBatchAsync();
        await Assert.That(admission.Pending).IsEqualTo(0); // seen: counted once, as a cache agent
        await Assert.That(admission.TryReserve(1, out var fourth, out _)).IsTrue();
        fourth.Commit(["never-shows"], time, TimeSpan.FromSeconds(10));
        await Assert.That(admission.TryReserve(1, out _, out _)).IsFalse();
        time.Advance(TimeSpan.FromSeconds(10));
        await intake.ProcessBatchAsync();
        await Assert.That(admission.TryReserve(1, out _, out _)).IsTrue(); // its grace ran out
    }

    [Test]
    public async Task Bad_input_is_counted_and_never_thrown()
    {
        var (intake, source, _, _) = Push();
        source.Post(Wire.Bytes("garbage"));
        source.Post(Wire.Bytes("""{"type":"unknown.thing","data":{}}"""));
        source.Post(Wire.Bytes("""{"type":"agent.status","data":{}}"""));
        source.Post(Wire.Flow("nobody", "nowhere"));
        source.Post(Wire.Bytes("""{"type":"metrics.latency","data":{"value":5}}"""));
        source.Post(Wire.Spawned("ok"));
        await intake.ProcessBatchAsync();
        var c = intake.Counters;
        await Assert.That(c.Lines).IsEqualTo(6L);
        await Assert.That(c.Malformed).IsEqualTo(1L);
        await Assert.That(c.UnknownType).IsEqualTo(1L);
        await Assert.That(c.MissingField).IsEqualTo(1L);
        await Assert.That(c.UnknownAgent).IsEqualTo(1L);
        await Assert.That(c.MetricsEvents).IsEqualTo(1L);
        await Assert.That(c.Refused).IsEqualTo(4L);
        await Assert.That((await GetSnapshot(intake)).Metrics["latency"]).IsEqualTo(5.0);
        await Assert.That(intake.Cache.Count).IsEqualTo(1);
    }

    [Test]
    public async Task An_ended_session_means_an_empty_graph_marked_unavailable()
    {
        var (intake, source, _, recorder) = Push();
        source.Post(Wire.Spawned("a"));
        source.Post(Wire.Spawned("b"));
        source.Post(Wire.Flow("a", "b"));
        await intake.ProcessBatchAsync();
        await Assert.That(intake.Edges.EdgeCount).IsEqualTo(1);
        source.End();
        source.Post(Wire.Spawned("late")); // from the dead connection: refused at the door
        await intake.ProcessBatchAsync();
        await Assert.That(recorder.Last.Removed).IsEquivalentTo(new[] { "a", "b" });
        await Assert.That(recorder.Last.Availability).IsTrue();
        var snapshot = await GetSnapshot(intake);
        await Assert.That(snapshot.Available).IsFalse();
        await Assert.That(snapshot.Agents.Count).IsEqualTo(0);
        await Assert.That(intake.Edges.EdgeCount).IsEqualTo(0);
        await Assert.That(intake.PushDropped).IsEqualTo(1L);
    }

    [Test]
    public async Task A_new_session_listing_replaces_the_old_agents_at_once_and_old_lines_are_dropped()
    {
        var (intake, first, _, recorder) = Push();
        first.Post(Wire.Spawned("old-1"));
        first.Post(Wire.Spawned("old-2"));
        await intake.ProcessBatchAsync();
        // The peer restarts: the link opens session 2 before the intake has seen session 1 end, and a late line of
        // session 1 is still buffered. The new listing wins, whole.
        first.Post(Wire.Status("old-1", 99));
        var second = intake.Feed.PublishListingAsync(2, Wire.List(("new-1", "coder", "active", 0)), CancellationToken.None);
        intake.Feed.PublishEnd(1);
        await intake.ProcessBatchAsync();
        await Assert.That(await second).IsTrue();
        var snapshot = await GetSnapshot(intake);
        await Assert.That(snapshot.Agents.Select(a => a.Id)).IsEquivalentTo(new[] { "new-1" });
        await Assert.That(snapshot.Available).IsTrue();
        await Assert.That(intake.Session).IsEqualTo(2L);
        await Assert.That(recorder.Last.Removed).IsEquivalentTo(new[] { "old-1", "old-2" });
        await Assert.That(recorder.Last.Added).IsEquivalentTo(new[] { "new-1" });

        // A listing of the old session arriving now is ignored.
        var stale = intake.Feed.PublishListingAsync(1, Wire.List(("old-1", "coder", "active", 0)), CancellationToken.None);
        await intake.ProcessBatchAsync();
        await Assert.That(await stale).IsFalse();
        await Assert.That((await GetSnapshot(intake)).Agents.Select(a => a.Id)).IsEquivalentTo(new[] { "new-1" });
    }

    [Test]
    public async Task Pushed_and_polled_histories_produce_the_same_change_sets()
    {
        var pollIntake = Session.NewIntake(new AgentTelemetryOptions(), new FakeTimeProvider());
        var poll = await Session.OpenAsync(pollIntake);
        var pollRecorder = new Recorder(pollIntake);
        byte[][] listings =
        [
            Wire.List(("a", "coder", "active", 0), ("b", "tester", "active", 0)),
            Wire.List(("a", "coder", "active", 40), ("b", "tester", "active", 0)),
            Wire.List(("a", "coder", "active", 40), ("b", "tester", "active", 0)),
            Wire.List(("a", "coder", "idle", 40), ("c", "reviewer", "active", 0)),
        ];

        // The same history as push lines, interval by interval.
        var (pushIntake, push, _, pushRecorder) = Push();
        byte[][][] intervals =
        [
            [Wire.Spawned("a", "coder"), Wire.Status("a", 0), Wire.Spawned("b", "tester"), Wire.Status("b", 0)],
            [Wire.Status("a", 40)],
            [],
            [Wire.Terminated("b"), Wire.Spawned("c", "reviewer"), Wire.Status("c", 0), Wire.Status("a", 40, "idle")],
        ];
        var changed = new List<bool>();
        for (var i = 0; i < intervals.Length; i++)
        {
            foreach (var line in intervals[i]) push.Post(line);
            await pushIntake.ProcessBatchAsync();
            changed.Add(await poll.ListAsync(listings[i]));
        }

        await Assert.That(changed).IsEquivalentTo(new[] { true, true, false, true });
        await Assert.That(pushRecorder.Changes.Count).IsEqualTo(3);
        await Assert.That(pollRecorder.Changes.Count).IsEqualTo(3);
        for (var i = 0; i < 3; i++)
        {
            await Assert.That(pollRecorder.Changes[i].Describe()).IsEqualTo(pushRecorder.Changes[i].Describe());
        }

        await Assert.That(pushRecorder.Changes[2].Describe()).IsEqualTo("+[c] -[b] ~[a] topo=True");
    }

    [Test]
    public async Task A_failed_agent_list_keeps_the_cache_and_is_counted()
    {
        var (intake, source, _, _) = Push();
        await source.ListAsync(Wire.List(("a", "coder", "active", 1)));
        await Assert.That(await source.ListAsync(Wire.Bytes("""{"success":false,"error":"busy","agents":[{"agentId":"ghost"}]}"""))).IsFalse();
        await Assert.That(intake.Cache.Count).IsEqualTo(1);
        await Assert.That((await GetSnapshot(intake)).Agents.Single().Id).IsEqualTo("a");
        await Assert.That(intake.Counters.AgentListsFailed).IsEqualTo(1L);
    }

    [Test]
    public async Task Snapshots_reuse_published_flows_and_rebuild_those_of_a_removed_agent()
    {
        var (intake, source, _, _) = Push(new AgentTelemetryOptions { FlowHistoryCapacity = 4 });
        source.Post(Wire.Spawned("a"));
        source.Post(Wire.Spawned("b"));
        source.Post(Wire.Spawned("c"));
        source.Post(Wire.Flow("a", "b"));
        source.Post(Wire.Flow("b", "c"));
        await intake.ProcessBatchAsync();
        var first = await GetSnapshot(intake);

        // Three more flows: the ring of four keeps b>c and the new ones; b>c is the same object as before.
        source.Post(Wire.Flow("c", "a"));
        source.Post(Wire.Flow("a", "c"));
        source.Post(Wire.Flow("c", "b"));
        await intake.ProcessBatchAsync();
        var second = await GetSnapshot(intake);
        await Assert.That(second.RecentFlows.Select(f => f.FromId + ">" + f.ToId)).IsEquivalentTo(new[] { "b>c", "c>a", "a>c", "c>b" });
        await Assert.That(ReferenceEquals(second.RecentFlows[0], first.RecentFlows[1])).IsTrue();

        // Removing c rewrites its flows in the history: they are rebuilt without it, the others are kept.
        source.Post(Wire.Terminated("c"));
        await intake.ProcessBatchAsync();
        var third = await GetSnapshot(intake);
        await Assert.That(third.RecentFlows.Select(f => f.FromId + ">" + f.ToId)).IsEquivalentTo(new[] { "b>", ">a", "a>", ">b" });
        await Assert.That(third.RecentFlows.Any(f => ReferenceEquals(f, second.RecentFlows[0]))).IsFalse();
    }

    [Test]
    public async Task Message_flows_become_agent_edges_that_fade_and_count_as_changes()
    {
        var (intake, source, time, recorder) = Push(new AgentTelemetryOptions { EdgeHalfLife = TimeSpan.FromSeconds(1), EdgeWeightFloor = 0.5 });
        source.Post(Wire.Spawned("a"));
        source.Post(Wire.Spawned("b"));
        source.Post(Wire.Flow("a", "b"));
        source.Post(Wire.Flow("b", "a"));
        await intake.ProcessBatchAsync();
        var snapshot = await GetSnapshot(intake);
        await Assert.That(snapshot.RecentFlows.Select(f => f.FromId + ">" + f.ToId)).IsEquivalentTo(new[] { "a>b", "b>a" });
        var edge = snapshot.Edges.Single();
        await Assert.That(edge.Messages).IsEqualTo(2L);
        await Assert.That(edge.Weight).IsEqualTo(2.0);

        // A fading edge is a change (the graph re-weights it) without any agent changing.
        var changes = recorder.Changes.Count;
        time.Advance(TimeSpan.FromSeconds(1));
        await Assert.That(await intake.ProcessBatchAsync()).IsTrue();
        await Assert.That(recorder.Changes.Count).IsEqualTo(changes + 1);
        await Assert.That((await GetSnapshot(intake)).Edges.Single().Weight).IsEqualTo(1.0);
        time.Advance(TimeSpan.FromSeconds(2));
        await intake.ProcessBatchAsync();
        await Assert.That((await GetSnapshot(intake)).Edges.Count).IsEqualTo(0);
    }

    [Test]
    public async Task Push_buffer_is_bounded_and_drops_are_counted()
    {
        var intake = Session.NewIntake(new AgentTelemetryOptions(), new FakeTimeProvider(), pushBufferBytes: 4096);
        var source = await Session.OpenAsync(intake);
        var line = Wire.Status("a", 1);
        for (var i = 0; i < 1000; i++) source.Post(line);
        var accepted = 1000 - intake.PushDropped;
        await Assert.That(accepted).IsLessThan(1000L);
        await intake.ProcessBatchAsync();
        await Assert.That(intake.Counters.Lines).IsEqualTo(accepted);
        // Space is free again after the drain, across the wrap-around.
        for (var round = 0; round < 5; round++)
        {
            var dropped = intake.PushDropped;
            for (var i = 0; i < accepted; i++) source.Post(line);
            await Assert.That(intake.PushDropped).IsEqualTo(dropped);
            await intake.ProcessBatchAsync();
        }

        await Assert.That(intake.Counters.Lines).IsEqualTo(accepted * 6L);
        await Assert.That(intake.Counters.Malformed).IsEqualTo(0L);
    }

    [Test]
    public async Task Snapshot_readers_get_fresh_data_without_locking_the_owner()
    {
        var (intake, source, _, recorder) = Push();
        using var cts = new CancellationTokenSource();
        var run = intake.RunAsync(cts.Token);
        source.Post(Wire.Spawned("a"));
        await Assert.That(await recorder.Signal.WaitAsync(Generous)).IsTrue();
        // A reader asking for a fresh snapshot wakes the owner itself; the clock never moves.
        var snapshot = await intake.Cache.GetSnapshotAsync().WaitAsync(Generous);
        await Assert.That(snapshot.Available).IsTrue();
        await Assert.That(snapshot.Agents.Select(x => x.Id)).IsEquivalentTo(new[] { "a" });
        await Assert.That(intake.Cache.Snapshot).IsSameReferenceAs(snapshot);
        await cts.CancelAsync();
        await run;
    }

    [Test]
    public async Task Throwing_consumers_are_counted_and_the_intake_goes_on()
    {
        var (intake, source, _, _) = Push();
        intake.ChangesApplied += _ => throw new InvalidOperationException("consumer bug");
        source.Post(Wire.Spawned("a"));
        await intake.ProcessBatchAsync();
        source.Post(Wire.Terminated("a"));
        source.Post(Wire.Spawned("b"));
        await intake.ProcessBatchAsync();
        await Assert.That(intake.ConsumerFailures).IsEqualTo(2L);
        await Assert.That(intake.Cache.Count).IsEqualTo(1);
        await Assert.That(intake.Parser.AgentIdCount).IsEqualTo(1);
    }

    private static Task<VisionFlow.Agents.Cache.AgentSnapshot> GetSnapshot(TelemetryIntake intake) => Task.FromResult(intake.PublishSnapshotNow());
}
