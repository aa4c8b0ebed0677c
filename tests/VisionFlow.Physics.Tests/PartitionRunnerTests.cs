namespace VisionFlow.Physics.Tests;

public sealed class PartitionRunnerTests
{
    [Test]
    public async Task Every_partition_runs_exactly_once_per_run()
    {
        using var runner = new PartitionRunner(3);
        var hits = new int[16];
        for (var run = 0; run < 500; run++) runner.Run(hits.Length, p => Interlocked.Increment(ref hits[p]));
        await Assert.That(hits.All(h => h == 500)).IsTrue();
    }

    [Test]
    public async Task A_failing_partition_surfaces_and_the_runner_stays_usable()
    {
        using var runner = new PartitionRunner(2);
        await Assert.That(() => runner.Run(8, p => { if (p == 5) throw new InvalidOperationException("boom"); }))
            .Throws<Exception>();
        var count = 0;
        runner.Run(8, _ => Interlocked.Increment(ref count));
        await Assert.That(count).IsEqualTo(8);
    }
}
