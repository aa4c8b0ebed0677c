using VisionFlow.Testing;

namespace VisionFlow.Agents.Tests;

public sealed class WakeSignalTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Test]
    public async Task A_set_before_the_wait_is_kept_and_several_sets_wake_once()
    {
        var signal = new WakeSignal();
        signal.Set();
        signal.Set();
        var first = signal.WaitAsync(CancellationToken.None);
        await Assert.That(first.IsCompletedSuccessfully).IsTrue();
        await first;

        var second = signal.WaitAsync(CancellationToken.None);
        await Assert.That(second.IsCompleted).IsFalse();
        signal.Set();
        await second.AsTask().WaitAsync(Patience);
    }

    [Test]
    public async Task A_wait_ends_with_cancellation_and_the_signal_keeps_working()
    {
        var signal = new WakeSignal();
        using var cts = new CancellationTokenSource();
        var wait = signal.WaitAsync(cts.Token).AsTask();
        await cts.CancelAsync();
        await Assert.That(async () => await wait.WaitAsync(Patience)).Throws<OperationCanceledException>();

        var next = signal.WaitAsync(CancellationToken.None);
        signal.Set();
        await next.AsTask().WaitAsync(Patience);
    }

    [Test]
    public async Task Sets_from_other_threads_never_lose_a_wake()
    {
        var signal = new WakeSignal();
        var produced = 0;
        using var stop = new CancellationTokenSource();
        var producer = Task.Run(async () =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                Interlocked.Increment(ref produced);
                signal.Set();
                if (i % 1000 == 0)
                {
                    await Task.Yield();
                }
            }
        });

        // The consumer sees every increment eventually: after the producer's last Set, one more wait must complete.
        var seen = 0;
        while (seen < 20_000)
        {
            await signal.WaitAsync(CancellationToken.None).AsTask().WaitAsync(Patience);
            seen = Volatile.Read(ref produced);
        }

        await producer;
        await Assert.That(seen).IsEqualTo(20_000);
    }
    [Test]
    public async Task SetInline_runs_a_parked_loop_s_turn_on_the_calling_thread_before_it_returns()
    {
        var signal = new WakeSignal();
        var loop = new TurnLoop(signal.WaitAsync);
        using var stop = new CancellationTokenSource();
        var run = loop.RunAsync(stop.Token); // parks at once: nothing set yet

        TurnLoop.Call(signal.SetInline);

        await Assert.That(loop.Turns).IsEqualTo(1);
        await Assert.That(loop.LastTurnInsideCall).IsTrue();
        await stop.CancelAsync();
        await Assert.That(async () => await run.WaitAsync(Patience)).Throws<OperationCanceledException>();
    }

    [Test]
    public async Task SetInline_on_a_loop_that_is_busy_only_flags_it_and_never_re_enters()
    {
        var signal = new WakeSignal();
        var loop = new TurnLoop(signal.WaitAsync) { DuringTurn = (_, turn) => { if (turn == 1) signal.SetInline(); } };
        using var stop = new CancellationTokenSource();
        var run = loop.RunAsync(stop.Token);

        TurnLoop.Call(signal.SetInline);

        // The wake set inside turn 1 ran no turn inside it: the loop took it as its next wait's, still within the call.
        await Assert.That(loop.Turns).IsEqualTo(2);
        await Assert.That(loop.LastTurnInsideCall).IsTrue();
        await Assert.That(loop.MaxDepth).IsEqualTo(1);
        await stop.CancelAsync();
        await Assert.That(async () => await run.WaitAsync(Patience)).Throws<OperationCanceledException>();
    }

    [Test]
    public async Task After_an_inline_wake_Set_and_cancellation_still_resume_the_loop_off_the_caller_s_thread()
    {
        var signal = new WakeSignal();
        var loop = new TurnLoop(signal.WaitAsync);
        using var stop = new CancellationTokenSource();
        var run = loop.RunAsync(stop.Token);
        TurnLoop.Call(signal.SetInline);
        await Assert.That(loop.LastTurnInsideCall).IsTrue();

        TurnLoop.Call(signal.Set);
        await Eventually.UntilAsync(() => loop.Turns == 2, "the turn Set woke", Patience);
        await Assert.That(loop.LastTurnInsideCall).IsFalse();

        TurnLoop.Call(signal.SetInline); // the last wake before the cancellation is an inline one
        await Assert.That(loop.Turns).IsEqualTo(3);
        TurnLoop.Call(stop.Cancel);
        await Assert.That(async () => await run.WaitAsync(Patience)).Throws<OperationCanceledException>();
        await Assert.That(loop.CancelledInsideCall).IsFalse();
    }
}
