using Microsoft.Extensions.Time.Testing;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using VisionFlow.Connections.Resilience;
using VisionFlow.Protocol;

namespace VisionFlow.Connections.Tests;

public sealed class ResiliencePipelineTests
{
    private static readonly McpResilienceOptions NoRetry = new()
    {
        MaxAttempts = 1,
        FailureThreshold = 5,
        BreakDuration = TimeSpan.FromSeconds(30),
        AttemptTimeout = null,
        JitterFactor = 0,
    };

    private static async Task<Exception?> CallAsync(ResiliencePipeline pipeline, Func<ValueTask> operation)
    {
        try
        {
            await pipeline.ExecuteAsync(static (op, _) => op(), operation);
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    [Test]
    public async Task Five_failures_open_the_breaker_and_it_then_rejects_without_calling()
    {
        var mcp = McpResiliencePipelineFactory.Create(NoRetry, new FakeTimeProvider());
        var calls = 0;
        ValueTask Failing()
        {
            calls++;
            return ValueTask.FromException(new IOException("connection reset"));
        }

        for (var i = 0; i < 4; i++)
        {
            await Assert.That(await CallAsync(mcp.Pipeline, Failing)).IsTypeOf<IOException>();
        }

        await Assert.That(mcp.CircuitBreaker.State).IsEqualTo(CircuitState.Closed);
        await Assert.That(await CallAsync(mcp.Pipeline, Failing)).IsTypeOf<IOException>();
        await Assert.That(mcp.CircuitBreaker.State).IsEqualTo(CircuitState.Open);

        var rejected = await CallAsync(mcp.Pipeline, Failing);

        await Assert.That(rejected).IsTypeOf<BrokenCircuitException>();
        await Assert.That(calls).IsEqualTo(5);
        var stats = mcp.CircuitBreaker.GetStats();
        await Assert.That(stats.TripCount).IsEqualTo(1);
        await Assert.That(stats.FailureCount).IsEqualTo(5);
        await Assert.That(stats.RejectedCount).IsEqualTo(1);
        var requests = mcp.GetRequestStats();
        await Assert.That(requests.TotalRequests).IsEqualTo(6);
        await Assert.That(requests.FailedRequests).IsEqualTo(6);
        await Assert.That(requests.RejectedRequests).IsEqualTo(1);
    }

    [Test]
    public async Task A_success_resets_the_consecutive_count()
    {
        var mcp = McpResiliencePipelineFactory.Create(NoRetry, new FakeTimeProvider());
        static ValueTask Failing() => ValueTask.FromException(new IOException("reset"));
        for (var i = 0; i < 4; i++)
        {
            await CallAsync(mcp.Pipeline, Failing);
        }

        await CallAsync(mcp.Pipeline, static () => default);
        for (var i = 0; i < 4; i++)
        {
            await CallAsync(mcp.Pipeline, Failing);
        }

        await Assert.That(mcp.CircuitBreaker.State).IsEqualTo(CircuitState.Closed);
        await Assert.That(mcp.CircuitBreaker.GetStats().ConsecutiveFailures).IsEqualTo(4);
        await CallAsync(mcp.Pipeline, Failing);
        await Assert.That(mcp.CircuitBreaker.State).IsEqualTo(CircuitState.Open);
    }

    [Test]
    public async Task Three_attempts_back_off_10_then_20_ms_without_jitter()
    {
        var time = new SignallingTimeProvider();
        var options = NoRetry with { MaxAttempts = 3, InitialDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromSeconds(1), JitterFactor = 0 };
        var mcp = McpResiliencePipelineFactory.Create(options, time);
        var attemptTimes = new List<DateTimeOffset>();
        ValueTask FailTwice()
        {
            lock (attemptTimes)
            {
                attemptTimes.Add(time.GetUtcNow());
                return attemptTimes.Count < 3 ? ValueTask.FromException(new IOException("reset")) : default;
            }
        }

        var call = CallAsync(mcp.Pipeline, FailTwice);
        var first = await time.NextTimerAsync(d => d < TimeSpan.FromSeconds(1));
        time.Advance(first);
        var second = await time.NextTimerAsync(d => d < TimeSpan.FromSeconds(1));
        time.Advance(second);
        var result = await call.WaitAsync(TimeSpan.FromSeconds(10));

        await Assert.That(result).IsNull();
        await Assert.That(first).IsEqualTo(TimeSpan.FromMilliseconds(10));
        await Assert.That(second).IsEqualTo(TimeSpan.FromMilliseconds(20));
        await Assert.That(attemptTimes.Count).IsEqualTo(3);
        await Assert.That(attemptTimes[1] - attemptTimes[0]).IsEqualTo(TimeSpan.FromMilliseconds(10));
        await Assert.That(attemptTimes[2] - attemptTimes[1]).IsEqualTo(TimeSpan.FromMilliseconds(20));
        var retry = mcp.GetRetryStats();
        await Assert.That(retry.TotalRetries).IsEqualTo(2);
        await Assert.That(retry.SuccessfulRetries).IsEqualTo(1);
        await Assert.That(retry.FailedRetries).IsEqualTo(0);
        await Assert.That(retry.AverageAttempts).IsEqualTo(3.0);
    }

    [Test]
    public async Task Exhausting_every_attempt_is_counted_as_max_attempts_reached()
    {
        var time = new SignallingTimeProvider();
        var mcp = McpResiliencePipelineFactory.Create(NoRetry with { MaxAttempts = 2, InitialDelay = TimeSpan.FromMilliseconds(10) }, time);
        var call = CallAsync(mcp.Pipeline, static () => ValueTask.FromException(new IOException("reset")));
        time.Advance(await time.NextTimerAsync(d => d == TimeSpan.FromMilliseconds(10)));

        await Assert.That(await call.WaitAsync(TimeSpan.FromSeconds(10))).IsTypeOf<IOException>();
        var retry = mcp.GetRetryStats();
        await Assert.That(retry.MaxAttemptsReached).IsEqualTo(1);
        await Assert.That(retry.FailedRetries).IsEqualTo(1);
        await Assert.That(retry.TotalRetries).IsEqualTo(1);
    }

    [Test]
    [Arguments(0, 0.0, 100.0)]
    [Arguments(0, 1.0, 150.0)]
    [Arguments(1, 0.5, 250.0)]
    [Arguments(2, 0.0, 400.0)]
    [Arguments(6, 1.0, 5000.0)]
    public async Task Delay_is_exponential_plus_bounded_jitter_capped_at_the_maximum(int attempt, double random, double expectedMs)
    {
        var tuning = new ResilienceTuningValues(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), 5);
        var delay = McpResiliencePipelineFactory.ComputeDelay(tuning, 2.0, 0.5, attempt, random);
        await Assert.That(delay.TotalMilliseconds).IsEqualTo(expectedMs).Within(1e-9);
    }

    [Test]
    public async Task Jittered_delays_observed_by_the_pipeline_stay_within_bounds()
    {
        var time = new SignallingTimeProvider();
        var options = NoRetry with { MaxAttempts = 3, InitialDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromSeconds(1), JitterFactor = 0.5 };
        var seen = new List<TimeSpan>();
        for (var run = 0; run < 20; run++)
        {
            var mcp = McpResiliencePipelineFactory.Create(options, time);
            var call = CallAsync(mcp.Pipeline, static () => ValueTask.FromException(new IOException("reset")));
            var first = await time.NextTimerAsync(d => d < TimeSpan.FromSeconds(1));
            time.Advance(first);
            var second = await time.NextTimerAsync(d => d < TimeSpan.FromSeconds(1));
            time.Advance(second);
            await call.WaitAsync(TimeSpan.FromSeconds(10));
            await Assert.That(first).IsBetween(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(15));
            await Assert.That(second).IsBetween(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(30));
            seen.Add(first);
        }

        // Jitter is real: twenty runs do not all draw the same delay.
        await Assert.That(seen.Distinct().Count()).IsGreaterThan(1);
    }

    [Test]
    public async Task After_the_break_one_probe_is_let_through_and_its_success_closes_the_circuit()
    {
        var time = new FakeTimeProvider();
        var mcp = McpResiliencePipelineFactory.Create(NoRetry with { FailureThreshold = 2 }, time);
        static ValueTask Failing() => ValueTask.FromException(new IOException("reset"));
        await CallAsync(mcp.Pipeline, Failing);
        await CallAsync(mcp.Pipeline, Failing);
        await Assert.That(mcp.CircuitBreaker.State).IsEqualTo(CircuitState.Open);

        time.Advance(TimeSpan.FromSeconds(29));
        await Assert.That(await CallAsync(mcp.Pipeline, static () => default)).IsTypeOf<BrokenCircuitException>();
        time.Advance(TimeSpan.FromSeconds(1));
        await Assert.That(mcp.CircuitBreaker.State).IsEqualTo(CircuitState.HalfOpen);

        var probeGate = new TaskCompletionSource();
        var probe = CallAsync(mcp.Pipeline, () => new ValueTask(probeGate.Task));
        var concurrent = await CallAsync(mcp.Pipeline, static () => default);
        probeGate.SetResult();

        await Assert.That(concurrent).IsTypeOf<BrokenCircuitException>();
        await Assert.That(await probe.WaitAsync(TimeSpan.FromSeconds(10))).IsNull();
        await Assert.That(mcp.CircuitBreaker.State).IsEqualTo(CircuitState.Closed);
        await Assert.That(mcp.CircuitBreaker.GetStats().RecoveryCount).IsEqualTo(1);
    }

    [Test]
    public async Task A_failed_probe_reopens_the_circuit_for_another_break()
    {
        var time = new FakeTimeProvider();
        var mcp = McpResiliencePipelineFactory.Create(NoRetry with { FailureThreshold = 1 }, time);
        static ValueTask Failing() => ValueTask.FromException(new IOException("reset"));
        await CallAsync(mcp.Pipeline, Failing);
        time.Advance(TimeSpan.FromSeconds(30));

        await Assert.That(await CallAsync(mcp.Pipeline, Failing)).IsTypeOf<IOException>();

        await Assert.That(mcp.CircuitBreaker.State).IsEqualTo(CircuitState.Open);
        await Assert.That(mcp.CircuitBreaker.GetStats().TripCount).IsEqualTo(2);
        await Assert.That(await CallAsync(mcp.Pipeline, static () => default)).IsTypeOf<BrokenCircuitException>();
    }

    [Test]
    public async Task Application_errors_are_not_retried_and_do_not_count_against_the_breaker()
    {
        var mcp = McpResiliencePipelineFactory.Create(NoRetry with { MaxAttempts = 3, FailureThreshold = 1 }, new FakeTimeProvider());
        var calls = 0;
        ValueTask MethodNotFound()
        {
            calls++;
            return ValueTask.FromException(new JsonRpcException(JsonRpcErrorCodes.MethodNotFound, "no such method"));
        }

        await Assert.That(await CallAsync(mcp.Pipeline, MethodNotFound)).IsTypeOf<JsonRpcException>();

        await Assert.That(calls).IsEqualTo(1);
        await Assert.That(mcp.CircuitBreaker.State).IsEqualTo(CircuitState.Closed);
        await Assert.That(mcp.GetRequestStats().ApplicationErrors).IsEqualTo(1);
        await Assert.That(mcp.GetRetryStats().TotalRetries).IsEqualTo(0);
    }

    [Test]
    public async Task Additional_transient_predicate_is_honoured()
    {
        var time = new SignallingTimeProvider();
        var mcp = McpResiliencePipelineFactory.Create(NoRetry with { MaxAttempts = 2, InitialDelay = TimeSpan.FromMilliseconds(10), AdditionalTransient = static e => e is ObjectDisposedException }, time);
        var calls = 0;
        var call = CallAsync(mcp.Pipeline, () => ++calls == 1 ? ValueTask.FromException(new ObjectDisposedException("conn")) : default);
        time.Advance(await time.NextTimerAsync(d => d == TimeSpan.FromMilliseconds(10)));

        await Assert.That(await call.WaitAsync(TimeSpan.FromSeconds(10))).IsNull();
        await Assert.That(calls).IsEqualTo(2);
    }

    [Test]
    public async Task A_hung_attempt_times_out_and_counts_as_a_breaker_failure()
    {
        var time = new SignallingTimeProvider();
        var mcp = McpResiliencePipelineFactory.Create(NoRetry with { FailureThreshold = 1, AttemptTimeout = TimeSpan.FromSeconds(2) }, time);
        var call = Task.Run(async () =>
        {
            try
            {
                await mcp.Pipeline.ExecuteAsync(static async ct => await Task.Delay(Timeout.Infinite, ct));
                return null;
            }
            catch (Exception ex)
            {
                return ex;
            }
        });
        time.Advance(await time.NextTimerAsync(d => d == TimeSpan.FromSeconds(2)));

        await Assert.That(await call.WaitAsync(TimeSpan.FromSeconds(10))).IsTypeOf<TimeoutRejectedException>();
        await Assert.That(mcp.CircuitBreaker.State).IsEqualTo(CircuitState.Open);
    }

    [Test]
    public async Task Manual_isolate_rejects_until_closed()
    {
        var mcp = McpResiliencePipelineFactory.Create(NoRetry, new FakeTimeProvider());
        var states = new List<CircuitState>();
        mcp.CircuitBreaker.StateChanged += states.Add;
        await mcp.CircuitBreaker.IsolateAsync();
        await Assert.That(await CallAsync(mcp.Pipeline, static () => default)).IsTypeOf<IsolatedCircuitException>();
        await mcp.CircuitBreaker.CloseAsync();
        await Assert.That(await CallAsync(mcp.Pipeline, static () => default)).IsNull();
        await Assert.That(string.Join(",", states)).IsEqualTo(string.Join(",", new[] { CircuitState.Isolated, CircuitState.Closed }));
    }

    [Test]
    public async Task A_lowered_threshold_applies_at_once()
    {
        var mcp = McpResiliencePipelineFactory.Create(NoRetry, new FakeTimeProvider());
        mcp.Tuning.Set(mcp.Tuning.Current with { FailureThreshold = 3 });
        for (var i = 0; i < 3; i++)
        {
            await CallAsync(mcp.Pipeline, static () => ValueTask.FromException(new IOException("reset")));
        }

        await Assert.That(mcp.CircuitBreaker.State).IsEqualTo(CircuitState.Open);
    }

    [Test]
    public async Task Invalid_options_are_rejected_up_front()
    {
        await Assert.That(() => McpResiliencePipelineFactory.Create(NoRetry with { MaxAttempts = 0 })).Throws<ArgumentException>();
        await Assert.That(() => McpResiliencePipelineFactory.Create(NoRetry with { FailureThreshold = 0 })).Throws<ArgumentException>();
        await Assert.That(() => McpResiliencePipelineFactory.Create(NoRetry with { MaxDelay = TimeSpan.Zero, InitialDelay = TimeSpan.FromSeconds(1) })).Throws<ArgumentException>();
    }
}
