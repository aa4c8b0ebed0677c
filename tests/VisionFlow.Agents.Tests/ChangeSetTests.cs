using Microsoft.Extensions.Time.Testing;
using VisionFlow.Agents.Cache;
using VisionFlow.Agents.Graph;
using VisionFlow.Agents.Intake;
using VisionFlow.Testing;

namespace VisionFlow.Agents.Tests;

/// <summary>
/// Change sets say exactly what changed — which fields of which agent, which edges came, moved or went — so consumers
/// apply them without a snapshot; and an intake with nothing to age does not wake.
/// </summary>
public sealed class ChangeSetTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);

    private static (TelemetryIntake Intake, Session Source, FakeTimeProvider Time) Open()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var intake = Session.NewIntake(new AgentTelemetryOptions(), time);
        var source = Session.OpenAsync(intake).GetAwaiter().GetResult();
        return (intake, source, time);
    }

    /// <summary>Copies what a change set says (it is reused) into plain data.</summary>
    private sealed class Seen
    {
        public List<(string Id, AgentFields Fields)> Updated { get; } = [];

        public List<(string A, string B, float Weight)> Edges { get; } = [];

        public List<AgentInfo> Described { get; } = [];

        public void Attach(TelemetryIntake intake) => intake.ChangesApplied += set =>
        {
            for (var i = 0; i < set.Updated.Length; i++)
            {
                Updated.Add((intake.AgentId(set.Updated[i]), set.UpdatedFields[i]));
                Described.Add(intake.DescribeAgent(set.Updated[i]));
            }

            foreach (var (a, b, w) in set.EdgeChanges) Edges.Add((intake.AgentId(a), intake.AgentId(b), w));
        };
    }

    [Test]
    public async Task An_update_names_only_the_fields_whose_value_changed()
    {
        var (intake, source, _) = Open();
        var seen = new Seen();
        seen.Attach(intake);
        source.Post(Wire.Status("a", 10, "idle"));
        await intake.ProcessBatchAsync();
        await Assert.That(seen.Updated).IsEmpty(); // an addition, not an update

        source.Post(Wire.Status("a", 10, "busy")); // the same CPU, another status
        await intake.ProcessBatchAsync();
        source.Post(Wire.Status("a", 25, "busy")); // the same status, another CPU
        await intake.ProcessBatchAsync();
        source.Post(Wire.Status("a", 25, "busy")); // nothing new: no change set at all
        var published = await intake.ProcessBatchAsync();

        await Assert.That(published).IsFalse();
        await Assert.That(seen.Updated).IsEquivalentTo(new[] { ("a", AgentFields.Status), ("a", AgentFields.CpuUsage) });
        await Assert.That(seen.Described.Select(d => (d.Status, d.CpuUsage))).IsEquivalentTo(new (string?, float?)[] { ("busy", 10f), ("busy", 25f) });
    }

    [Test]
    public async Task Falling_silent_and_being_heard_again_is_a_change_of_stale_alone()
    {
        var (intake, source, time) = Open();
        var seen = new Seen();
        seen.Attach(intake);
        source.Post(Wire.Status("a", 10));
        await intake.ProcessBatchAsync();
        time.Advance(new AgentTelemetryOptions().Interval * 51);
        await intake.ProcessBatchAsync();
        source.Post(Wire.Status("a", 10));
        await intake.ProcessBatchAsync();
        await Assert.That(seen.Updated).IsEquivalentTo(new[] { ("a", AgentFields.Stale), ("a", AgentFields.Stale) });
        await Assert.That(seen.Described.Select(d => d.IsStale)).IsEquivalentTo(new[] { true, false });
    }

    [Test]
    public async Task Edges_are_reported_when_new_when_their_weight_moves_and_when_they_go()
    {
        var (intake, source, time) = Open();
        var seen = new Seen();
        seen.Attach(intake);
        source.Post(Wire.Spawned("a"));
        source.Post(Wire.Spawned("b"));
        source.Post(Wire.Flow("a", "b"));
        await intake.ProcessBatchAsync();
        await Assert.That(seen.Edges).IsEquivalentTo(new[] { ("a", "b", 1f) });

        source.Post(Wire.Flow("b", "a"));
        await intake.ProcessBatchAsync();
        await Assert.That(seen.Edges.Count).IsEqualTo(2);
        await Assert.That(seen.Edges[1].Weight).IsEqualTo(2f);

        // Decay is reported once it has moved the weight by more than a quarter: not every batch (a tenth of a second
        // moves a 5 s half-life weight by 1.4 %, and 2 s by 24 %), but after 2.5 s (29 %).
        for (var batch = 0; batch < 20; batch++)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            await intake.ProcessBatchAsync();
        }

        await Assert.That(seen.Edges.Count).IsEqualTo(2);
        time.Advance(TimeSpan.FromMilliseconds(500));
        await intake.ProcessBatchAsync();
        await Assert.That(seen.Edges.Count).IsEqualTo(3);
        await Assert.That(seen.Edges[2].Weight).IsLessThan(1.5f);

        source.Post(Wire.Terminated("b"));
        await intake.ProcessBatchAsync();
        await Assert.That(seen.Edges[^1]).IsEqualTo(("a", "b", 0f));
    }

    [Test]
    public async Task With_nothing_to_age_the_loop_does_not_wake_and_with_agents_it_keeps_time()
    {
        var (intake, source, time) = Open();
        using var cts = new CancellationTokenSource();
        var run = intake.RunAsync(cts.Token);
        var interval = new AgentTelemetryOptions().Interval;
        await Eventually.UntilAsync(() => intake.Counters.Batches > 0, "the session's listing applied", Generous);
        var batches = intake.Counters.Batches;
        for (var i = 0; i < 50; i++) time.Advance(interval);
        await Assert.That(intake.Counters.Batches).IsEqualTo(batches); // parked: no housekeeping tick

        source.Post(Wire.Status("a", 10));
        await Eventually.UntilAsync(() => intake.Cache.Count == 1, "agent a applied", Generous);
        batches = intake.Counters.Batches;

        // Ticking again: the silent agent goes stale with no delivery at all, only the clock moving.
        await Eventually.UntilAsync(
            () =>
            {
                time.Advance(interval);
                return intake.PublishSnapshotNowSafe().Agents is [{ IsStale: true }];
            },
            "agent a stale after 50 silent intervals",
            Generous);
        await Assert.That(intake.Counters.Batches).IsGreaterThan(batches);
        await cts.CancelAsync();
        await run;
    }

    [Test]
    public async Task While_deliveries_come_the_housekeeping_timer_does_not_wake_the_loop_and_once_they_stop_it_does()
    {
        // Every wake ages what the cache holds, so a peer pushing each interval needs no timer besides: the timer waits
        // three intervals after the last delivery, then ticks once an interval (each firing is three thread wake-ups).
        var (intake, source, time) = Open();
        long wokeAt = -1; // the batch count when the loop last finished a wake (after it set the timer)
        intake.Woke += () => Volatile.Write(ref wokeAt, intake.Counters.Batches);
        using var cts = new CancellationTokenSource();
        var run = intake.RunAsync(cts.Token);
        var interval = new AgentTelemetryOptions().Interval;
        bool Settled(long after) => intake.Counters.Batches > after && Volatile.Read(ref wokeAt) == intake.Counters.Batches;

        source.Post(Wire.Status("a", 1));
        await Eventually.UntilAsync(() => intake.Cache.Count == 1 && Settled(0), "agent a applied", Generous);
        var start = intake.Counters.Batches;
        for (var i = 0; i < 30; i++)
        {
            var before = intake.Counters.Batches;
            source.Post(Wire.Status("a", 2 + i));
            await Eventually.UntilAsync(() => Settled(before), "a delivery's wake", Generous);
            time.Advance(interval);
        }

        // One wake per delivery over three seconds: the timer never came due (a timer ticking each interval adds 30).
        var quiet = intake.Counters.Batches;
        await Assert.That(quiet - start).IsEqualTo(30);

        // Silent now: the first housekeeping wake three intervals after the last delivery (one has passed), then each interval.
        time.Advance(interval);
        time.Advance(interval);
        await Eventually.UntilAsync(() => Settled(quiet), "the housekeeping wake three intervals after the last delivery", Generous);
        await Assert.That(intake.Counters.Batches).IsEqualTo(quiet + 1);
        time.Advance(interval);
        await Eventually.UntilAsync(() => Settled(quiet + 1), "the next housekeeping wake one interval on", Generous);
        await Assert.That(intake.Counters.Batches).IsEqualTo(quiet + 2);
        await cts.CancelAsync();
        await run;
    }
}

file static class IntakeTestExtensions
{
    /// <summary>The snapshot, from a test thread while the loop runs: asked of the loop, not built beside it.</summary>
    public static AgentSnapshot PublishSnapshotNowSafe(this TelemetryIntake intake) =>
        intake.Cache.GetSnapshotAsync().WaitAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
}
