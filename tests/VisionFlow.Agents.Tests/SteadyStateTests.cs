using VisionFlow.Agents.Intake;

namespace VisionFlow.Agents.Tests;

public sealed class SteadyStateTests
{
    [Test]
    public async Task Concurrent_producers_never_corrupt_the_ring()
    {
        var intake = new TelemetryIntake(new AgentTelemetryOptions { MaxAgents = 100, PushBufferBytes = 64 * 1024 }, TimeProvider.System);
        var source = await Session.OpenAsync(intake);
        const int producers = 4;
        const int perProducer = 20_000;
        var lines = Enumerable.Range(0, 16).Select(i => Wire.Status("agent-" + i, i * 1.5)).Append(Wire.Flow("agent-1", "agent-2")).ToArray();
        var done = 0;
        var tasks = Enumerable.Range(0, producers).Select(p => Task.Run(() =>
        {
            for (var i = 0; i < perProducer; i++) source.Post(lines[(i + p) % lines.Length]);
            Interlocked.Increment(ref done);
        })).ToArray();
        while (Volatile.Read(ref done) < producers) await intake.ProcessBatchAsync();
        await Task.WhenAll(tasks);
        await intake.ProcessBatchAsync();
        var counters = intake.Counters;
        await Assert.That(counters.Lines + intake.PushDropped).IsEqualTo((long)producers * perProducer);
        await Assert.That(counters.Lines).IsGreaterThan(0L);
        await Assert.That(counters.Malformed).IsEqualTo(0L);
        await Assert.That(intake.Cache.Count).IsEqualTo(16);
    }

    [Test]
    public async Task Steady_state_batches_allocate_nothing()
    {
        var intake = new TelemetryIntake(new AgentTelemetryOptions { MaxAgents = 64 }, TimeProvider.System);
        var source = await Session.OpenAsync(intake);
        byte[][][] batches =
        [
            [.. Enumerable.Range(0, 32).Select(i => Wire.Status("agent-" + i, 10)), Wire.Flow("agent-1", "agent-2"), Wire.Bytes("""{"type":"metrics.x","data":{"value":1}}""")],
            [.. Enumerable.Range(0, 32).Select(i => Wire.Status("agent-" + i, 20)), Wire.Flow("agent-2", "agent-3"), Wire.Bytes("garbage")],
        ];
        var changed = 0;
        intake.ChangesApplied = _ => changed++;
        for (var i = 0; i < 20; i++) Run(intake, source, batches[i & 1]);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 20; i++) Run(intake, source, batches[i & 1]);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        await Assert.That(allocated).IsEqualTo(0L);
        await Assert.That(changed).IsEqualTo(40);
    }

    private static void Run(TelemetryIntake intake, Session source, byte[][] lines)
    {
        foreach (var line in lines) source.Post(line);
        var pending = intake.ProcessBatchAsync();
        if (!pending.IsCompletedSuccessfully) throw new InvalidOperationException("push batches complete synchronously");
        pending.GetAwaiter().GetResult();
    }
}
