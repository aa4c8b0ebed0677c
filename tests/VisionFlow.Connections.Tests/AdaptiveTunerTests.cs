using Microsoft.Extensions.Time.Testing;
using VisionFlow.Connections.Adaptive;
using VisionFlow.Connections.Pooling;
using VisionFlow.Connections.Resilience;

namespace VisionFlow.Connections.Tests;

public sealed class AdaptiveTunerTests
{
    private static ResilienceTuning Tuning() =>
        new(new ResilienceTuningValues(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), 5));

    private static readonly AdaptiveInputs Calm = new(50, 0.0, 0.3);

    [Test]
    public async Task High_latency_lengthens_retry_delays_and_reverts_when_latency_recovers()
    {
        var tuning = Tuning();
        var tuner = new AdaptiveTuner(tuning, null, null, new AdaptiveTuningOptions(), new FakeTimeProvider());

        var changes = tuner.Evaluate(Calm with { AverageLatencyMs = 250 });
        await Assert.That(changes.Count).IsEqualTo(1);
        await Assert.That(tuning.Current.InitialDelay).IsEqualTo(TimeSpan.FromMilliseconds(500));
        await Assert.That(tuning.Current.MaxDelay).IsEqualTo(TimeSpan.FromSeconds(30));

        await Assert.That(tuner.Evaluate(Calm with { AverageLatencyMs = 180 }).Count).IsEqualTo(0); // between thresholds: hold
        await Assert.That(tuner.Evaluate(Calm with { AverageLatencyMs = 100 }).Count).IsEqualTo(1);
        await Assert.That(tuning.Current).IsEqualTo(tuning.Baseline);
        await Assert.That(tuner.GetStats().Changes).IsEqualTo(2);
    }

    [Test]
    public async Task High_error_rate_lowers_the_breaker_threshold_to_three_and_reverts()
    {
        var tuning = Tuning();
        var tuner = new AdaptiveTuner(tuning, null, null, new AdaptiveTuningOptions(), new FakeTimeProvider());

        tuner.Evaluate(Calm with { ErrorRate = 0.11 });
        await Assert.That(tuning.Current.FailureThreshold).IsEqualTo(3);
        await Assert.That(tuner.GetStats().HighErrorRateRuleActive).IsTrue();

        tuner.Evaluate(Calm with { ErrorRate = 0.07 });
        await Assert.That(tuning.Current.FailureThreshold).IsEqualTo(3);
        tuner.Evaluate(Calm with { ErrorRate = 0.01 });
        await Assert.That(tuning.Current.FailureThreshold).IsEqualTo(5);
    }

    [Test]
    public async Task High_utilisation_grows_the_pool_up_to_the_hard_limit_and_shrinks_back_when_quiet()
    {
        var factory = new TestFactory();
        await using var pool = new ConnectionPool<TestConnection>(factory.CreateAsync, new ConnectionPoolOptions { MaxConnections = 4, HardMaxConnections = 7, MaintenanceInterval = TimeSpan.Zero }, new FakeTimeProvider());
        var tuner = new AdaptiveTuner(Tuning(), pool, null, new AdaptiveTuningOptions { PoolStep = 2 }, new FakeTimeProvider());

        tuner.Evaluate(Calm with { PoolUtilisation = 0.9 });
        await Assert.That(pool.MaxConnections).IsEqualTo(6);
        tuner.Evaluate(Calm with { PoolUtilisation = 0.9 });
        await Assert.That(pool.MaxConnections).IsEqualTo(7);
        await Assert.That(tuner.Evaluate(Calm with { PoolUtilisation = 0.9 }).Count).IsEqualTo(0);

        tuner.Evaluate(Calm with { PoolUtilisation = 0.6 });
        await Assert.That(pool.MaxConnections).IsEqualTo(7);
        tuner.Evaluate(Calm with { PoolUtilisation = 0.2 });
        await Assert.That(pool.MaxConnections).IsEqualTo(5);
        tuner.Evaluate(Calm with { PoolUtilisation = 0.2 });
        await Assert.That(pool.MaxConnections).IsEqualTo(4);
        await Assert.That(tuner.GetStats().RecentChanges.Count).IsEqualTo(4);
    }

    [Test]
    public async Task The_timer_evaluates_inputs_from_the_live_components()
    {
        var time = new FakeTimeProvider();
        var mcp = McpResiliencePipelineFactory.Create(new McpResilienceOptions { MaxAttempts = 1, AttemptTimeout = null }, time);
        var source = AdaptiveInputSource.Create(mcp, null, null);
        await using var tuner = new AdaptiveTuner(mcp.Tuning, null, source, new AdaptiveTuningOptions { Interval = TimeSpan.FromSeconds(30) }, time);
        var changed = new TaskCompletionSource<AdaptiveChange>(TaskCreationOptions.RunContinuationsAsynchronously);
        tuner.Changed += c => changed.TrySetResult(c);
        tuner.Start();
        for (var i = 0; i < 4; i++)
        {
            await mcp.Pipeline.ExecuteAsync(static _ => default);
        }

        try
        {
            await mcp.Pipeline.ExecuteAsync(static _ => ValueTask.FromException(new IOException("reset")));
        }
        catch (IOException)
        {
        }

        time.Advance(TimeSpan.FromSeconds(30)); // error rate 1/5 over the window

        var change = await changed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await Assert.That(change.Setting).IsEqualTo("failure_threshold");
        await Assert.That(mcp.Tuning.Current.FailureThreshold).IsEqualTo(3);
    }
}
