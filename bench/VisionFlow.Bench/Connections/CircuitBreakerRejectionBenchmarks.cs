using BenchmarkDotNet.Attributes;
using Polly;
using Polly.CircuitBreaker;
using VisionFlow.Connections.Resilience;

namespace VisionFlow.Bench.Connections;

/// <summary>What a call costs when the circuit is open (it must be rejected without calling), and through a closed pipeline.</summary>
[MemoryDiagnoser]
public class CircuitBreakerRejectionBenchmarks
{
    private static readonly Func<ResilienceContext, int, ValueTask<Outcome<int>>> Succeed =
        static (_, state) => new ValueTask<Outcome<int>>(Outcome.FromResult(state));

    private static readonly Func<ResilienceContext, int, ValueTask<Outcome<int>>> Fail =
        static (_, _) => new ValueTask<Outcome<int>>(Outcome.FromException<int>(new IOException("reset")));

    private ResiliencePipeline _openFull = null!;
    private ResiliencePipeline _openBreakerOnly = null!;
    private ResiliencePipeline _openPollyBreaker = null!;
    private ResiliencePipeline _closedFull = null!;

    [GlobalSetup]
    public void Setup()
    {
        var options = new McpResilienceOptions { FailureThreshold = 1, BreakDuration = TimeSpan.FromHours(1), MaxAttempts = 3 };
        var open = McpResiliencePipelineFactory.Create(options);
        _openFull = open.Pipeline;
        Trip(_openFull);

        var breaker = new McpCircuitBreaker(new ResilienceTuning(new ResilienceTuningValues(TimeSpan.Zero, TimeSpan.Zero, 1)), TimeSpan.FromHours(1));
        _openBreakerOnly = new ResiliencePipelineBuilder().AddStrategy(_ => new CircuitBreakerStrategy(breaker, VisionFlow.Connections.Failures.FailureClassifier.IsTransient)).Build();
        Trip(_openBreakerOnly);

        _openPollyBreaker = new ResiliencePipelineBuilder()
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions { FailureRatio = 1.0, MinimumThroughput = 2, BreakDuration = TimeSpan.FromHours(1) })
            .Build();
        Trip(_openPollyBreaker);
        Trip(_openPollyBreaker);

        _closedFull = McpResiliencePipelineFactory.Create(options).Pipeline;
    }

    [Benchmark(Baseline = true, Description = "Polly built-in breaker, open")]
    public Exception? PollyBuiltInOpen() => Run(_openPollyBreaker, Fail);

    [Benchmark(Description = "McpCircuitBreaker alone, open")]
    public Exception? McpBreakerOpen() => Run(_openBreakerOnly, Fail);

    [Benchmark(Description = "Full MCP pipeline, open")]
    public Exception? FullPipelineOpen() => Run(_openFull, Fail);

    [Benchmark(Description = "Full MCP pipeline, closed, success")]
    public Exception? FullPipelineClosedSuccess() => Run(_closedFull, Succeed);

    private static Exception? Run(ResiliencePipeline pipeline, Func<ResilienceContext, int, ValueTask<Outcome<int>>> callback)
    {
        var context = ResilienceContextPool.Shared.Get();
        var pending = pipeline.ExecuteOutcomeAsync(callback, context, 42);
        var outcome = pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
        ResilienceContextPool.Shared.Return(context);
        return outcome.Exception;
    }

    private static void Trip(ResiliencePipeline pipeline)
    {
        var e = Run(pipeline, Fail);
        if (e is not IOException and not BrokenCircuitException)
        {
            throw new InvalidOperationException("setup: expected the failure to pass through, got " + e);
        }
    }
}
