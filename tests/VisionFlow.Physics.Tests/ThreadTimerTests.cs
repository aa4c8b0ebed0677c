using VisionFlow.Physics.Loop;

namespace VisionFlow.Physics.Tests;

/// <summary>
/// The physics loop's clock on the system clock: a thread of its own that runs the ticks in turn, parks with no timeout
/// and wakes on a change (one thread wake-up a tick instead of the runtime timer's three hand-offs).
/// </summary>
public sealed class ThreadTimerTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60); // a bound on failure only: a passing run takes milliseconds

    [Test]
    public async Task Ticks_run_in_turn_on_its_own_thread_park_and_resume_on_a_change()
    {
        var ticks = new SemaphoreSlim(0);
        var running = 0;
        var overlapped = false;
        string? thread = null;
        using var timer = new ThreadTimer(
            _ =>
            {
                if (Interlocked.Increment(ref running) > 1) overlapped = true;
                thread = Thread.CurrentThread.Name;
                Interlocked.Decrement(ref running);
                ticks.Release();
            },
            null,
            TimeSpan.FromMilliseconds(1),
            TimeSpan.FromMilliseconds(2),
            "test tick");

        for (var k = 0; k < 5; k++) await Assert.That(await ticks.WaitAsync(Bound)).IsTrue();
        await Assert.That(thread).IsEqualTo("test tick");
        await Assert.That(overlapped).IsFalse();

        // Parked: the count stops moving (a tick already under way may still land), then a change ticks again.
        await Assert.That(timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan)).IsTrue();
        while (ticks.CurrentCount > 0) await ticks.WaitAsync(Bound);
        await Assert.That(timer.Change(TimeSpan.Zero, TimeSpan.FromMilliseconds(2))).IsTrue();
        await Assert.That(await ticks.WaitAsync(Bound)).IsTrue();

        // One-shot: a due time and no period ticks once.
        await Assert.That(timer.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan)).IsTrue();
        await Assert.That(await ticks.WaitAsync(Bound)).IsTrue();
        timer.Dispose();
        await Assert.That(timer.Change(TimeSpan.Zero, TimeSpan.Zero)).IsFalse();
    }

    [Test]
    public async Task A_loop_on_the_system_clock_lays_out_rests_and_wakes_for_a_change()
    {
        using var loop = new PhysicsLoop(new PhysicsLoopOptions { Backend = BackendPreference.Cpu, LocalBurstSteps = 30, FullLayoutSteps = 600 }, TimeProvider.System);
        var g = TestGraphs.Swarm(20, seed: 3, radius: 40);
        var edges = new List<(int, int, float)>();
        for (var i = 0; i < g.NodeCount; i++)
        {
            for (var e = g.EdgeOffsets[i]; e < g.EdgeOffsets[i + 1]; e++)
            {
                if (g.EdgeTargets[e] > i) edges.Add((i, g.EdgeTargets[e], g.EdgeWeights[e]));
            }
        }

        var ids = g.Ids.ToArray();
        loop.SubmitTopology(ids, [.. edges]);
        loop.Start();
        await UntilAsync(() => loop.Status.Steps > 0 && loop.Status.Settled);
        var rested = loop.Status;
        await Assert.That(rested.Running).IsTrue();

        // A conversation starts: the parked clock wakes, a burst is stepped, and the layout rests again.
        loop.SubmitTopology(ids, [.. edges, (1, 20, 4f)]);
        await UntilAsync(() => loop.Status.Steps > rested.Steps && loop.Status.Settled);
        await Assert.That(loop.Status.Errors).IsEqualTo(0);
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the condition did not hold within the bound");
            await Task.Delay(10);
        }
    }
}
