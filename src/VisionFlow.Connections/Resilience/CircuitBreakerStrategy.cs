using Polly;

namespace VisionFlow.Connections.Resilience;

/// <summary>Adapts <see cref="McpCircuitBreaker"/> to a Polly strategy; a rejection returns synchronously without allocating.</summary>
internal sealed class CircuitBreakerStrategy(McpCircuitBreaker breaker, Func<Exception, bool> isFailure) : ResilienceStrategy
{
    protected override ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback,
        ResilienceContext context,
        TState state)
    {
        var rejection = breaker.TryEnter(out var isProbe);
        if (rejection is not null)
        {
            return new ValueTask<Outcome<TResult>>(Outcome.FromException<TResult>(rejection));
        }

        ValueTask<Outcome<TResult>> pending;
        try
        {
            pending = callback(context, state);
        }
        catch (Exception ex)
        {
            pending = new ValueTask<Outcome<TResult>>(Outcome.FromException<TResult>(ex));
        }

        if (pending.IsCompletedSuccessfully)
        {
            Record(pending.Result, context, isProbe);
            return pending;
        }

        return AwaitAsync(pending, context, isProbe);
    }

    private async ValueTask<Outcome<TResult>> AwaitAsync<TResult>(ValueTask<Outcome<TResult>> pending, ResilienceContext context, bool isProbe)
    {
        Outcome<TResult> outcome;
        try
        {
            outcome = await pending.ConfigureAwait(context.ContinueOnCapturedContext);
        }
        catch (Exception ex)
        {
            outcome = Outcome.FromException<TResult>(ex);
        }

        Record(outcome, context, isProbe);
        return outcome;
    }

    private void Record<TResult>(Outcome<TResult> outcome, ResilienceContext context, bool isProbe)
    {
        if (outcome.Exception is not { } ex)
        {
            breaker.OnSuccess(isProbe);
        }
        else if (isFailure(ex))
        {
            breaker.OnFailure(isProbe, ex);
        }
        else if (ex is OperationCanceledException && context.CancellationToken.IsCancellationRequested)
        {
            breaker.OnAbandoned(isProbe);
        }
        else
        {
            breaker.OnSuccess(isProbe); // the server answered (an application error): the link works
        }
    }
}
