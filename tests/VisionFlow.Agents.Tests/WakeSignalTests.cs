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
}
