using VisionFlow.History.Model;
using VisionFlow.History.Query;

namespace VisionFlow.History.Tests;

/// <summary>What was recorded comes back as it was: the state at any moment, summaries, and the outcome outside the range.</summary>
public sealed class StateAtTests
{
    [Test]
    public async Task State_at_a_moment_between_changes_has_the_agents_link_and_level_of_that_moment()
    {
        await using var h = HistoryFixture.Create();
        var t0 = h.Time.GetUtcNow();
        using (var b = h.Recorder.Begin())
        {
            b.Link("connected", address: "127.0.0.1:9500");
            b.AgentAdded("a1", [new(AgentField.Type, "coder"), new(AgentField.Status, "idle"), new(AgentField.CpuUsage, 5f)]);
            b.AgentAdded("a2", [new(AgentField.Type, "tester"), new(AgentField.Status, "idle")]);
            b.Added(EntityKind.Swarm, "s1", [new(SwarmField.Topology, "mesh")]);
            b.Added(EntityKind.Task, "t1", [new(TaskField.Description, "build"), new(TaskField.AgentIds, FieldValue.Of(new[] { "a1" }))]);
        }

        await h.AdvanceAsync(TimeSpan.FromSeconds(2));
        using (var b = h.Recorder.Begin())
        {
            b.AgentAdded("a3", [new(AgentField.Type, "reviewer")]);
            b.AgentChanged("a1", [new(AgentField.Status, "busy")]);
        }

        await h.AdvanceAsync(TimeSpan.FromSeconds(2));
        using (var b = h.Recorder.Begin())
        {
            b.AgentRemoved("a2");
            b.Link("reconnecting", "refused", "Refused", "127.0.0.1:9500");
            b.Degradation(0, 2, "link lost");
        }

        await h.AdvanceAsync(TimeSpan.FromSeconds(2));
        using (var b = h.Recorder.Begin())
        {
            b.Link("connected", address: "127.0.0.1:9500");
            b.Degradation(2, 0, "recovered");
        }

        await h.TickAsync();
        var reader = h.Recorder.Reader;

        var s1 = reader.StateAt(t0.AddSeconds(1));
        await Assert.That(s1.Outcome).IsEqualTo(StateAtOutcome.Recorded);
        await Assert.That(s1.State!.Agents.Select(a => a.Id)).IsEquivalentTo(new[] { "a1", "a2" });
        await Assert.That(s1.State.Agents[0].Get(AgentField.Status).AsText).IsEqualTo("idle");
        await Assert.That(s1.State.Agents[0].Get(AgentField.CpuUsage).AsFloat).IsEqualTo(5f);
        await Assert.That(s1.State.Agents[1].Get(AgentField.CpuUsage).IsNull).IsTrue();
        await Assert.That(s1.State.Swarms.Single().Get(SwarmField.Topology).AsText).IsEqualTo("mesh");
        await Assert.That(s1.State.Tasks.Single().Get(TaskField.AgentIds).AsTextList).IsEquivalentTo(new[] { "a1" });
        await Assert.That(s1.State.Link!.State).IsEqualTo("connected");
        await Assert.That(s1.State.DegradationLevel).IsEqualTo(0);

        var s3 = reader.StateAt(t0.AddSeconds(3)).State!;
        await Assert.That(s3.Agents.Select(a => a.Id)).IsEquivalentTo(new[] { "a1", "a2", "a3" });
        await Assert.That(s3.Agents[0].Get(AgentField.Status).AsText).IsEqualTo("busy");

        var s5 = reader.StateAt(t0.AddSeconds(5)).State!;
        await Assert.That(s5.Agents.Select(a => a.Id)).IsEquivalentTo(new[] { "a1", "a3" });
        await Assert.That(s5.DegradationLevel).IsEqualTo(2);
        await Assert.That(s5.Link!.State).IsEqualTo("reconnecting");
        await Assert.That(s5.Link.FailureKind).IsEqualTo("Refused");

        var s7 = reader.StateAt(t0.AddSeconds(7));
        await Assert.That(s7.State!.DegradationLevel).IsEqualTo(0);
        await Assert.That(s7.State.Link!.State).IsEqualTo("connected");
    }

    [Test]
    public async Task A_moment_before_the_first_record_or_after_the_last_says_so()
    {
        await using var h = HistoryFixture.Create();
        var t0 = h.Time.GetUtcNow();
        await h.AdvanceAsync(TimeSpan.FromSeconds(1));
        using (var b = h.Recorder.Begin())
        {
            b.AgentAdded("a1", [new(AgentField.Status, "idle")]);
        }

        await h.TickAsync();
        var before = h.Recorder.Reader.StateAt(t0.AddHours(-1));
        await Assert.That(before.Outcome).IsEqualTo(StateAtOutcome.BeforeFirst);
        await Assert.That(before.State).IsNull();
        await Assert.That(before.First).IsEqualTo(t0);

        var after = h.Recorder.Reader.StateAt(t0.AddDays(1));
        await Assert.That(after.Outcome).IsEqualTo(StateAtOutcome.AfterLast);
        await Assert.That(after.State!.Agents.Single().Id).IsEqualTo("a1");
    }

    [Test]
    public async Task Summary_gives_first_and_last_moment_size_and_events()
    {
        await using var h = HistoryFixture.Create();
        var t0 = h.Time.GetUtcNow();
        for (var i = 0; i < 5; i++)
        {
            await h.AdvanceAsync(TimeSpan.FromSeconds(1));
            using var b = h.Recorder.Begin();
            b.AgentAdded($"a{i}", [new(AgentField.Status, "idle")]);
        }

        h.Recorder.Command("127.0.0.1", "POST /api/bots/agents", null, "{\"type\":\"coder\"}", 201, "{\"id\":\"a9\"}", TimeSpan.FromMilliseconds(12));
        await h.TickAsync();
        var summary = h.Recorder.Reader.Summary();
        await Assert.That(summary.First).IsEqualTo(t0);
        await Assert.That(summary.Last).IsEqualTo(t0.AddSeconds(5));
        await Assert.That(summary.Events).IsEqualTo(6);
        await Assert.That(summary.Bytes).IsEqualTo(h.Segments().Sum(f => new FileInfo(f).Length));
        await Assert.That(summary.Segments).IsEqualTo(1);
    }

    [Test]
    public async Task Gauges_are_written_once_per_interval_with_the_latest_value_and_other_fields_at_once()
    {
        await using var h = HistoryFixture.Create();
        var t0 = h.Time.GetUtcNow();
        using (var b = h.Recorder.Begin())
        {
            b.AgentAdded("a1", [new(AgentField.Status, "idle"), new(AgentField.CpuUsage, 1f)]);
        }

        // Ten CPU readings at 10 Hz, then a status change in the middle of the next second.
        for (var i = 0; i < 10; i++)
        {
            await h.AdvanceAsync(TimeSpan.FromMilliseconds(100));
            using var b = h.Recorder.Begin();
            b.AgentChanged("a1", [new(AgentField.CpuUsage, 10f + i)]);
        }

        await h.AdvanceAsync(TimeSpan.FromMilliseconds(50));
        using (var b = h.Recorder.Begin())
        {
            b.AgentChanged("a1", [new(AgentField.Status, "busy")]);
        }

        await h.TickAsync();
        var events = h.Recorder.Reader.Events(t0, h.Time.GetUtcNow()).Events.OfType<EntityRecord>().ToList();
        var cpuWrites = events.Count(e => e.Fields.Any(f => f.Field == (byte)AgentField.CpuUsage));
        await Assert.That(cpuWrites).IsLessThanOrEqualTo(3).Because("ten readings in a second are sampled at 1 s");
        var status = events.Single(e => e.Fields.Any(f => f.Field == (byte)AgentField.Status && f.Value.AsText == "busy"));
        await Assert.That(status.At).IsEqualTo(t0.AddMilliseconds(1050));
        var last = h.Recorder.Reader.StateAt(h.Time.GetUtcNow()).State!.Agents.Single();
        await Assert.That(last.Get(AgentField.CpuUsage).AsFloat).IsEqualTo(19f);
        await Assert.That(last.Get(AgentField.Status).AsText).IsEqualTo("busy");
    }

    [Test]
    public async Task Unchanged_values_are_not_recorded_again()
    {
        await using var h = HistoryFixture.Create();
        var t0 = h.Time.GetUtcNow();
        using (var b = h.Recorder.Begin())
        {
            b.AgentAdded("a1", [new(AgentField.Status, "idle")]);
        }

        for (var i = 0; i < 5; i++)
        {
            await h.AdvanceAsync(TimeSpan.FromSeconds(1));
            using var b = h.Recorder.Begin();
            b.AgentChanged("a1", [new(AgentField.Status, "idle")]);
        }

        await h.TickAsync();
        await Assert.That(h.Recorder.Reader.Summary().Events).IsEqualTo(1);
    }

    [Test]
    public async Task Keyframes_keep_state_at_equal_to_replaying_every_change()
    {
        await using var h = HistoryFixture.Create(o => new() { Directory = o.Directory, KeyframeMinBytes = 1024, GaugeInterval = TimeSpan.Zero });
        var expected = new List<(DateTimeOffset At, Dictionary<string, string> Status)>();
        var live = new Dictionary<string, string>();
        var random = new Random(7);
        for (var step = 0; step < 1500; step++)
        {
            await h.AdvanceAsync(TimeSpan.FromMilliseconds(250));
            using (var b = h.Recorder.Begin())
            {
                var id = $"agent-{random.Next(40)}";
                if (live.ContainsKey(id) && random.Next(6) == 0)
                {
                    live.Remove(id);
                    b.AgentRemoved(id);
                }
                else
                {
                    var status = random.Next(3) switch { 0 => "idle", 1 => "busy", _ => "active" };
                    if (live.TryAdd(id, status))
                    {
                        b.AgentAdded(id, [new(AgentField.Status, status), new(AgentField.CpuUsage, (float)random.NextDouble())]);
                    }
                    else
                    {
                        live[id] = status;
                        b.AgentChanged(id, [new(AgentField.Status, status)]);
                    }
                }
            }

            expected.Add((h.Time.GetUtcNow(), new Dictionary<string, string>(live)));
            if (step % 4 == 3)
            {
                await h.TickAsync(0);
            }
        }

        await h.Recorder.FlushAsync();
        var keyframes = h.Segments().Select(p => Store.SegmentScanner.Scan(p, true).Index!).Sum(i => i.Chunks.Count(c => c.StartsWithKeyframe));
        await Assert.That(keyframes).IsGreaterThanOrEqualTo(3);
        foreach (var (at, status) in expected.Where((_, i) => i % 97 == 0).Append(expected[^1]))
        {
            var state = h.Recorder.Reader.StateAt(at).State!;
            var got = state.Agents.ToDictionary(a => a.Id, a => a.Get(AgentField.Status).AsText!);
            await Assert.That(got).IsEquivalentTo(status);
        }
    }
}
