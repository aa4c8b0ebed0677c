using Polly;

namespace VisionFlow.Connections.Resilience;

/// <summary>The built MCP pipeline and the handles to observe and steer it.</summary>
internal sealed class McpResilience
{
    private readonly ResilienceCounters _counters;

    internal McpResilience(ResiliencePipeline pipeline, McpCircuitBreaker breaker, ResilienceTuning tuning, McpResilienceOptions options, ResilienceCounters counters)
    {
        Pipeline = pipeline;
        CircuitBreaker = breaker;
        Tuning = tuning;
        Options = options;
        _counters = counters;
    }

    /// <summary>metrics → total timeout → retry → circuit breaker → attempt timeout → the call.</summary>
    public ResiliencePipeline Pipeline { get; }

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
