using VisionFlow.Connections.Failures;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace VisionFlow.Connections.Resilience;

/// <summary>The one place the MCP resilience pipeline is composed.</summary>
internal static partial class McpResiliencePipelineFactory
{
    /// <summary>
    /// Builds metrics → total timeout → retry (exponential backoff + jitter, transient failures only) →
    /// consecutive-failure circuit breaker → per-attempt timeout. The breaker sits inside the retry so each attempt is
    /// one breaker sample and a rejection is never retried; the attempt timeout sits inside the breaker so a hung
    /// attempt counts as a failure. All time flows from <paramref name="timeProvider"/>.
    /// </summary>
    public static McpResilience Create(McpResilienceOptions options, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var time = timeProvider ?? TimeProvider.System;
        var log = logger ?? NullLogger.Instance;
        var tuning = new ResilienceTuning(new ResilienceTuningValues(options.InitialDelay, options.MaxDelay, options.FailureThreshold));
        var extra = options.AdditionalTransient;
        Func<Exception, bool> isTransient = extra is null
            ? FailureClassifier.IsTransient
            : ex => FailureClassifier.IsTransient(ex) || extra(ex);
        var random = options.Random ?? Random.Shared.NextDouble;
        var jitter = options.JitterFactor;
        var multiplier = options.BackoffMultiplier;
        var breaker = new McpCircuitBreaker(tuning, options.BreakDuration, time, log);
        var counters = new ResilienceCounters(options.MaxAttempts, time);

        var builder = new ResiliencePipelineBuilder { TimeProvider = time, Name = "mcp" };
        builder.AddStrategy(_ => new RequestMetricsStrategy(counters));
        builder.AddTimeout(new TimeoutStrategyOptions { Timeout = options.TotalTimeout, Name = "mcp-total-timeout" });
        if (options.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                Name = "mcp-retry",
                MaxRetryAttempts = options.MaxAttempts - 1,
                ShouldHandle = args => new ValueTask<bool>(args.Outcome.Exception is { } ex && isTransient(ex)),
                DelayGenerator = args => new ValueTask<TimeSpan?>(ComputeDelay(tuning.Current, multiplier, jitter, args.AttemptNumber, random())),
                OnRetry = args =>
                {
                    args.Context.Properties.Set(ResilienceCounters.AttemptsKey, args.AttemptNumber + 2);
                    LogRetrying(log, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds, args.Outcome.Exception is { } ex ? FailureClassifier.Classify(ex).Message : "");
                    return default;
                },
            });
        }

        builder.AddStrategy(_ => new CircuitBreakerStrategy(breaker, isTransient));
        if (options.AttemptTimeout is { } attemptTimeout)
        {
            builder.AddTimeout(new TimeoutStrategyOptions { Timeout = attemptTimeout, Name = "mcp-attempt-timeout" });
        }

        // The link's connection attempts: each is recorded by the same breaker (without being held back by it) and bounded
        // by the reconnector's bound for that attempt, read from the context.
        var attempts = new ResiliencePipelineBuilder { TimeProvider = time, Name = "mcp-connect" }
            .AddStrategy(_ => new CircuitBreakerStrategy(breaker, static ex => ex is not OperationCanceledException, gates: false))
            .AddTimeout(new TimeoutStrategyOptions
            {
                Name = "mcp-connect-attempt-timeout",
                TimeoutGenerator = args => new ValueTask<TimeSpan>(args.Context.Properties.GetValue(McpResilience.AttemptBoundKey, options.TotalTimeout)),
            })
            .Build();
        return new McpResilience(builder.Build(), attempts, breaker, tuning, options, counters);
    }

    /// <summary>
    /// Delay before retry number <paramref name="attempt"/> + 1 (0-based): initial × multiplier^attempt, capped, plus
    /// jitter of up to <paramref name="jitterFactor"/> of that, capped again at the maximum.
    /// </summary>
    public static TimeSpan ComputeDelay(ResilienceTuningValues tuning, double multiplier, double jitterFactor, int attempt, double unitRandom)
    {
        ArgumentNullException.ThrowIfNull(tuning);
        var maxMs = tuning.MaxDelay.TotalMilliseconds;
        var baseMs = Math.Min(tuning.InitialDelay.TotalMilliseconds * Math.Pow(multiplier, attempt), maxMs);
        var withJitter = Math.Min(baseMs + (baseMs * jitterFactor * Math.Clamp(unitRandom, 0, 1)), maxMs);
        return TimeSpan.FromMilliseconds(withJitter);
    }

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "MCP call failed, retry {Retry} in {DelayMs} ms: {Error}")]
    private static partial void LogRetrying(ILogger logger, int retry, double delayMs, string error);
}
