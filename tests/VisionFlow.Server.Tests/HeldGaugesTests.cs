using Microsoft.Extensions.Time.Testing;
using VisionFlow.Agents.Cache;
using VisionFlow.Server.Mcp;

namespace VisionFlow.Server.Tests;

/// <summary>
/// The gauge hold shared by the <c>/ws</c> agents topic and the history tap: each agent at most once an interval, due an
/// interval after it was held and in that order, the first reading after a quiet spell at once, and nothing lost when an
/// agent is passed on with another change or goes.
/// </summary>
public sealed class HeldGaugesTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private static List<int> TakeAll(HeldGauges held)
    {
        var taken = new List<int>();
        while (held.TryTakeDue(Interval, out var key)) taken.Add(key);
        return taken;
    }

    [Test]
    public async Task Only_gauge_updates_may_be_held()
    {
        await Assert.That(HeldGauges.OnlyGauges(AgentFields.CpuUsage | AgentFields.TokensUsed)).IsTrue();
        await Assert.That(HeldGauges.OnlyGauges(AgentFields.None)).IsTrue();
        await Assert.That(HeldGauges.OnlyGauges(AgentFields.CpuUsage | AgentFields.Status)).IsFalse();
        await Assert.That(HeldGauges.OnlyGauges(AgentFields.Stale)).IsFalse();
    }

    [Test]
    public async Task The_first_reading_after_a_quiet_spell_goes_at_once_and_the_next_waits_its_interval()
    {
        var time = new FakeTimeProvider();
        var held = new HeldGauges(time);
        await Assert.That(held.Hold(1, Interval)).IsFalse(); // never passed on: now
        await Assert.That(held.Hold(1, Interval)).IsTrue();  // passed on just now: held
        await Assert.That(held.Hold(1, Interval)).IsTrue();  // still held, once
        await Assert.That(held.Count).IsEqualTo(1);
        time.Advance(TimeSpan.FromMilliseconds(999));
        await Assert.That(TakeAll(held)).IsEmpty();
        time.Advance(TimeSpan.FromMilliseconds(1));
        await Assert.That(TakeAll(held)).IsEquivalentTo(new[] { 1 });
        await Assert.That(held.Count).IsEqualTo(0);

        // Taken counts as passed on: the next reading is held again.
        await Assert.That(held.Hold(1, Interval)).IsTrue();
        time.Advance(Interval);
        await Assert.That(TakeAll(held)).IsEquivalentTo(new[] { 1 });
        time.Advance(TimeSpan.FromSeconds(5));
        await Assert.That(held.Hold(1, Interval)).IsFalse(); // quiet for longer than the interval: at once
    }

    [Test]
    public async Task Agents_held_at_different_moments_fall_due_in_slices_in_the_order_they_were_held()
    {
        var time = new FakeTimeProvider();
        var held = new HeldGauges(time);
        for (var key = 0; key < 30; key++) held.Release(key); // all passed on (added) at t0
        for (var tick = 0; tick < 3; tick++)
        {
            for (var key = tick * 10; key < (tick + 1) * 10; key++) await Assert.That(held.Hold(key, Interval)).IsTrue();
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        time.Advance(TimeSpan.FromMilliseconds(700)); // 1.0 s after the first slice was held
        await Assert.That(TakeAll(held)).IsEquivalentTo(Enumerable.Range(0, 10));
        time.Advance(TimeSpan.FromMilliseconds(100));
        await Assert.That(TakeAll(held)).IsEquivalentTo(Enumerable.Range(10, 10));
        time.Advance(TimeSpan.FromMilliseconds(100));
        await Assert.That(TakeAll(held)).IsEquivalentTo(Enumerable.Range(20, 10));
        await Assert.That(held.Count).IsEqualTo(0);
    }

    [Test]
    public async Task A_release_says_the_gauges_were_held_and_a_gone_agent_is_never_taken()
    {
        var time = new FakeTimeProvider();
        var held = new HeldGauges(time);
        held.Release(1);
        held.Release(2);
        await Assert.That(held.Hold(1, Interval)).IsTrue();
        await Assert.That(held.Hold(2, Interval)).IsTrue();
        await Assert.That(held.Release(1)).IsTrue();   // passed on with a status change: its gauges go too
        await Assert.That(held.Release(1)).IsFalse();  // nothing held any more
        held.Forget(2);                                 // terminated
        time.Advance(TimeSpan.FromSeconds(2));
        await Assert.That(TakeAll(held)).IsEmpty();

        // Held again after a release: its own, newer entry decides, not the stale one.
        await Assert.That(held.Hold(1, Interval)).IsFalse(); // quiet since the release 2 s ago: at once
        await Assert.That(held.Hold(1, Interval)).IsTrue();
        time.Advance(TimeSpan.FromMilliseconds(500));
        await Assert.That(TakeAll(held)).IsEmpty();
        time.Advance(TimeSpan.FromMilliseconds(500));
        await Assert.That(TakeAll(held)).IsEquivalentTo(new[] { 1 });
    }

    [Test]
    public async Task A_big_swarm_held_on_one_tick_is_passed_on_spread_over_the_interval_and_stays_spread()
    {
        var time = new FakeTimeProvider();
        var held = new HeldGauges(time);
        const int agents = 10_000;
        for (var key = 0; key < agents; key++) held.Release(key);
        time.Advance(TimeSpan.FromMilliseconds(100));
        for (var key = 0; key < agents; key++) await Assert.That(held.Hold(key, Interval)).IsTrue();

        // Every agent reports every 100 ms; every 10 ms the intake wakes and takes what is due.
        var perWake = new List<int>();
        var takenAt = new Dictionary<int, TimeSpan>();
        var clock = TimeSpan.FromMilliseconds(100);
        for (var wake = 0; wake < 400; wake++)
        {
            time.Advance(TimeSpan.FromMilliseconds(10));
            clock += TimeSpan.FromMilliseconds(10);
            var n = 0;
            while (held.TryTakeDue(Interval, out var key))
            {
                n++;
                takenAt[key] = clock;
            }

            perWake.Add(n);
            if (wake % 10 == 9)
            {
                for (var key = 0; key < agents; key++) held.Hold(key, Interval); // the next telemetry tick
            }
        }

        // Holds happen on telemetry ticks, so agents fall due on a 100 ms grid: the best spread is a tenth of the swarm
        // per tick. No wake passes on more than that (the burst allowed), no tick window much more, and every agent is
        // still passed on about once a second.
        await Assert.That(perWake.Max()).IsLessThanOrEqualTo(agents / 10);
        for (var window = 200; window < 400; window += 10)
        {
            await Assert.That(perWake.Skip(window).Take(10).Sum()).IsLessThanOrEqualTo(agents * 15 / 100);
        }

        await Assert.That(perWake.Skip(300).Sum()).IsBetween(agents * 8 / 10, agents);
        // Every agent was still passed on within two intervals of the first due moment, and again since.
        await Assert.That(takenAt.Count).IsEqualTo(agents);
        await Assert.That(takenAt.Values.Min()).IsGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(1100));
        await Assert.That(takenAt.Values.Max()).IsGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(3000));
    }
}
