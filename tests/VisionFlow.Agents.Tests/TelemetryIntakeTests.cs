using Microsoft.Extensions.Time.Testing;
using VisionFlow.Agents.Graph;
using VisionFlow.Agents.Intake;

namespace VisionFlow.Agents.Tests;

public sealed class TelemetryIntakeTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);

    private static (TelemetryIntake Intake, PushTelemetrySource Source, FakeTimeProvider Time, Recorder Recorder) Push(AgentTelemetryOptions? options = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var source = new PushTelemetrySource(available: true);
        var intake = new TelemetryIntake(source, options ?? new AgentTelemetryOptions(), time);
        return (intake, source, time, new Recorder(intake));
    }

    [Test]
    public async Task Batches_once_per_interval_on_the_time_provider()
    {
        var (intake, source, time, recorder) = Push();
        using var cts = new CancellationTokenSource();
        var run = intake.RunAsync(cts.Token);
        source.Post(Wire.Spawned("a"));
        source.Post(Wire.Spawned("b"));
        time.Advance(TimeSpan.FromMilliseconds(99));
        await Assert.That(intake.Cache.Count).IsEqualTo(0);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await Assert.That(await recorder.Signal.WaitAsync(Generous)).IsTrue();
        await Assert.That(recorder.Last.Added).IsEquivalentTo(new[] { "a", "b" });
        await Assert.That(intake.Cache.Count).IsEqualTo(2);

        source.Post(Wire.Status("a", 50));
        time.Advance(TimeSpan.FromMilliseconds(100));
        await Assert.That(await recorder.Signal.WaitAsync(Generous)).IsTrue();
        await Assert.That(recorder.Last.Updated).IsEquivalentTo(new[] { "a" });
        await cts.CancelAsync();
        await run;
        await Assert.That(recorder.Changes.Count).IsEqualTo(2);
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
        await Assert.That(intake.Cache.Version).IsEqualTo(2L);
    }

    [Test]
    public async Task Silent_agents_go_stale_then_are_removed()
    {
        var options = new AgentTelemetryOptions { StaleAfterIntervals = 3, RemoveAfterIntervals = 6 };
        var (intake, source, _, recorder) = Push(options);
        source.Post(Wire.Spawned("quiet"));
        source.Post(Wire.Spawned("chatty"));
        await intake.ProcessBatchAsync();
        for (var i = 1; i <= 6; i++)
        {
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
        await Assert.That(intake.AgentGraph.ContainsNode(NodeIds.Agent(0))).IsFalse();
    }

    [Test]
    public async Task A_stale_agent_that_speaks_again_is_fresh()
    {
        var (intake, source, _, recorder) = Push(new AgentTelemetryOptions { StaleAfterIntervals = 1, RemoveAfterIntervals = 10 });
        source.Post(Wire.Spawned("a"));
        await intake.ProcessBatchAsync();
        await intake.ProcessBatchAsync();
        await Assert.That((await GetSnapshot(intake)).Agents[0].IsStale).IsTrue();
        source.Post(Wire.Spawned("a"));
        await Assert.That(await intake.ProcessBatchAsync()).IsTrue();
        await Assert.That(recorder.Last.Updated).IsEquivalentTo(new[] { "a" });
        await Assert.That((await GetSnapshot(intake)).Agents[0].IsStale).IsFalse();
    }

    [Test]
    public async Task Max_agents_is_enforced_and_counted()
    {
        var (intake, source, _, recorder) = Push(new AgentTelemetryOptions { MaxAgents = 3 });
        for (var i = 0; i < 5; i++) source.Post(Wire.Spawned("agent-" + i));
        await intake.ProcessBatchAsync();
        await Assert.That(intake.Cache.Count).IsEqualTo(3);
        await Assert.That(recorder.Last.Added.Length).IsEqualTo(3);
        await Assert.That(intake.Counters.RejectedOverLimit).IsEqualTo(2L);
        var refused = intake.Cache.CheckSpawn();
        await Assert.That(refused.Allowed).IsFalse();
        await Assert.That(refused.Error!).Contains("MCP_MAX_AGENTS is 3");

        source.Post(Wire.Terminated("agent-0"));
        await intake.ProcessBatchAsync();
        await Assert.That(intake.Cache.CheckSpawn().Allowed).IsTrue();
        await Assert.That(intake.Cache.CheckSpawn(2).Allowed).IsFalse();
        // Refused agents left nothing behind: the id table only holds the live ones.
        await Assert.That(intake.Parser.AgentIdCount).IsEqualTo(2);
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
    public async Task Unavailable_source_means_an_empty_graph_marked_unavailable()
    {
        var (intake, source, _, recorder) = Push();
        source.Post(Wire.Spawned("a"));
        source.Post(Wire.Spawned("b"));
        source.Post(Wire.Flow("a", "b"));
        await intake.ProcessBatchAsync();
        await Assert.That(intake.AgentGraph.EdgeCount).IsEqualTo(1);
        source.SetAvailable(false);
        await intake.ProcessBatchAsync();
        await Assert.That(recorder.Last.Removed).IsEquivalentTo(new[] { "a", "b" });
        await Assert.That(recorder.Last.Availability).IsTrue();
        var snapshot = await GetSnapshot(intake);
        await Assert.That(snapshot.Available).IsFalse();
        await Assert.That(snapshot.Agents.Count).IsEqualTo(0);
        await Assert.That(intake.AgentGraph.NodeCount).IsEqualTo(0);
        await Assert.That(intake.Edges.EdgeCount).IsEqualTo(0);
    }

    [Test]
    public async Task Push_and_poll_produce_the_same_change_sets()
    {
        var polls = new Queue<byte[]>();
        var pollIntake = new TelemetryIntake(
            new PollTelemetrySource(_ => ValueTask.FromResult(TelemetryPoll.FromJson(polls.Dequeue()))),
            new AgentTelemetryOptions(), new FakeTimeProvider());
        var pollRecorder = new Recorder(pollIntake);
        polls.Enqueue(Wire.List(("a", "coder", "active", 0), ("b", "tester", "active", 0)));
        polls.Enqueue(Wire.List(("a", "coder", "active", 40), ("b", "tester", "active", 0)));
        polls.Enqueue(Wire.List(("a", "coder", "active", 40), ("b", "tester", "active", 0)));
        polls.Enqueue(Wire.List(("a", "coder", "idle", 40), ("c", "reviewer", "active", 0)));

        // The same history as push lines, interval by interval.
        var (pushIntake, push, _, pushRecorder) = Push();
        byte[][][] intervals =
        [
            [Wire.Spawned("a", "coder"), Wire.Spawned("b", "tester")],
            [Wire.Status("a", 40)],
            [],
            [Wire.Terminated("b"), Wire.Spawned("c", "reviewer"), Wire.Status("a", 40, "idle")],
        ];
        foreach (var lines in intervals)
        {
            foreach (var line in lines) push.Post(line);
            await pushIntake.ProcessBatchAsync();
            await pollIntake.ProcessBatchAsync();
        }

        await Assert.That(pushRecorder.Changes.Count).IsEqualTo(3);
        await Assert.That(pollRecorder.Changes.Count).IsEqualTo(3);
        for (var i = 0; i < 3; i++)
        {
            await Assert.That(pollRecorder.Changes[i].Describe()).IsEqualTo(pushRecorder.Changes[i].Describe());
        }

        await Assert.That(pushRecorder.Changes[2].Describe()).IsEqualTo("+[c] -[b] ~[a] topo=True");
    }

    [Test]
    public async Task Poll_failures_mark_the_source_unavailable()
    {
        var fail = false;
        var intake = new TelemetryIntake(
            new PollTelemetrySource(_ => fail ? throw new IOException("connection reset") : ValueTask.FromResult(TelemetryPoll.FromJson(Wire.List(("a", "coder", "active", 1))))),
            new AgentTelemetryOptions(), new FakeTimeProvider());
        await intake.ProcessBatchAsync();
        await Assert.That(intake.Cache.Count).IsEqualTo(1);
        await Assert.That(intake.Cache.IsAvailable).IsTrue();
        fail = true;
        await intake.ProcessBatchAsync();
        await Assert.That(intake.Cache.Count).IsEqualTo(0);
        await Assert.That(intake.Cache.IsAvailable).IsFalse();
    }

    [Test]
    public async Task A_failed_agent_list_keeps_the_cache_and_is_counted()
    {
        var answers = new Queue<byte[]>([Wire.List(("a", "coder", "active", 1)), Wire.Bytes("""{"success":false,"error":"busy"}""")]);
        var intake = new TelemetryIntake(new PollTelemetrySource(_ => ValueTask.FromResult(TelemetryPoll.FromJson(answers.Dequeue()))), new AgentTelemetryOptions(), new FakeTimeProvider());
        await intake.ProcessBatchAsync();
        await intake.ProcessBatchAsync();
        await Assert.That(intake.Cache.Count).IsEqualTo(1);
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
    public async Task Message_flows_become_agent_graph_edges()
    {
        var (intake, source, time, _) = Push(new AgentTelemetryOptions { EdgeHalfLife = TimeSpan.FromSeconds(1), EdgeWeightFloor = 0.5 });
        source.Post(Wire.Spawned("a"));
        source.Post(Wire.Spawned("b"));
        source.Post(Wire.Flow("a", "b"));
        source.Post(Wire.Flow("b", "a"));
        await intake.ProcessBatchAsync();
        var graph = intake.AgentGraph;
        var a = NodeIds.Agent(intake.Parser.FindAgent("a"u8));
        var b = NodeIds.Agent(intake.Parser.FindAgent("b"u8));
        await Assert.That(graph.EdgeWeight(a, b)).IsEqualTo(2f);
        var snapshot = await GetSnapshot(intake);
        await Assert.That(snapshot.RecentFlows.Select(f => f.FromId + ">" + f.ToId)).IsEquivalentTo(new[] { "a>b", "b>a" });
        await Assert.That(snapshot.Edges.Single().Messages).IsEqualTo(2L);
        var version = graph.TopologyVersion;
        time.Advance(TimeSpan.FromSeconds(1));
        await intake.ProcessBatchAsync();
        await Assert.That(graph.EdgeWeight(a, b)).IsEqualTo(1f);
        await Assert.That(graph.TopologyVersion).IsEqualTo(version);
        time.Advance(TimeSpan.FromSeconds(2));
        await intake.ProcessBatchAsync();
        await Assert.That(graph.EdgeWeight(a, b)).IsNull();
        await Assert.That(graph.TopologyVersion).IsEqualTo(version + 1);
    }

    [Test]
    public async Task Push_buffer_is_bounded_and_drops_are_counted()
    {
        var source = new PushTelemetrySource(bufferBytes: 4096, available: true);
        var line = Wire.Status("a", 1);
        var accepted = 0;
        for (var i = 0; i < 1000; i++) if (source.Post(line)) accepted++;
        await Assert.That(accepted).IsLessThan(1000);
        await Assert.That(source.Dropped).IsEqualTo(1000L - accepted);
        var intake = new TelemetryIntake(source, new AgentTelemetryOptions(), new FakeTimeProvider());
        await intake.ProcessBatchAsync();
        await Assert.That(intake.Counters.Lines).IsEqualTo((long)accepted);
        // Space is free again after the drain, across the wrap-around.
        for (var round = 0; round < 5; round++)
        {
            for (var i = 0; i < accepted; i++) await Assert.That(source.Post(line)).IsTrue();
            await intake.ProcessBatchAsync();
        }

        await Assert.That(intake.Counters.Lines).IsEqualTo(accepted * 6L);
        await Assert.That(intake.Counters.Malformed).IsEqualTo(0L);
    }

    [Test]
    public async Task Snapshot_readers_get_fresh_data_without_locking_the_owner()
    {
        var (intake, source, time, recorder) = Push();
        using var cts = new CancellationTokenSource();
        var run = intake.RunAsync(cts.Token);
        source.Post(Wire.Spawned("a"));
        time.Advance(TimeSpan.FromMilliseconds(100));
        await Assert.That(await recorder.Signal.WaitAsync(Generous)).IsTrue();
        var pending = intake.Cache.GetSnapshotAsync();
        time.Advance(TimeSpan.FromMilliseconds(100));
        var snapshot = await pending.WaitAsync(Generous);
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
        intake.ChangesApplied = _ => throw new InvalidOperationException("consumer bug");
        intake.AgentGraph.Changed += (_, _) => throw new InvalidOperationException("observer bug");
        source.Post(Wire.Spawned("a"));
        await intake.ProcessBatchAsync();
        source.Post(Wire.Terminated("a"));
        source.Post(Wire.Spawned("b"));
        await intake.ProcessBatchAsync();
        await Assert.That(intake.ConsumerFailures).IsEqualTo(4L);
        await Assert.That(intake.Cache.Count).IsEqualTo(1);
        await Assert.That(intake.AgentGraph.NodeCount).IsEqualTo(1);
        await Assert.That(intake.Parser.AgentIdCount).IsEqualTo(1);
    }

    private static Task<VisionFlow.Agents.Cache.AgentSnapshot> GetSnapshot(TelemetryIntake intake) => Task.FromResult(intake.PublishSnapshotNow());
}
