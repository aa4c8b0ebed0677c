using Polly;

namespace VisionFlow.Connections.Resilience;

/// <summary>The built MCP pipeline and the handles to observe and steer it.</summary>
internal sealed class McpResilience
{
    private readonly ResilienceCounters _counters;

    internal McpResilience(ResiliencePipeline pipeline, ResiliencePipeline attempts, McpCircuitBreaker breaker, ResilienceTuning tuning, McpResilienceOptions options, ResilienceCounters counters)
    {
        Pipeline = pipeline;
        Attempts = attempts;
        CircuitBreaker = breaker;
        Tuning = tuning;
        Options = options;
        _counters = counters;
    }

    /// <summary>metrics → total timeout → retry → circuit breaker → attempt timeout → the call.</summary>
    public ResiliencePipeline Pipeline { get; }

    /// <summary>The bound of one connection attempt, set in the context of each execution of <see cref="Attempts"/>.</summary>
    public static readonly ResiliencePropertyKey<TimeSpan> AttemptBoundKey = new("visionflow.attempt-bound");

    /// <summary>
    /// Connection attempts: the circuit breaker records each (never holding one back) → the attempt's own timeout
    /// (<see cref="AttemptBoundKey"/>) → the attempt.
    /// </summary>
    public ResiliencePipeline Attempts { get; }

    /// <summary>State, counters and manual control of the circuit.</summary>
    public McpCircuitBreaker CircuitBreaker { get; }

    /// <summary>The live retry delays and failure threshold (the adaptive tuner's handle).</summary>
    public ResilienceTuning Tuning { get; }

    /// <summary>The options it was built from.</summary>
    public McpResilienceOptions Options { get; }

    /// <summary>Retry behaviour so far.</summary>
    public RetryStats GetRetryStats() => _counters.GetRetryStats();

    /// <summary>Calls so far.</summary>
    public RequestStats GetRequestStats() => _counters.GetRequestStats();
}
