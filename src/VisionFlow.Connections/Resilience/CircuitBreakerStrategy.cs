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
            return new ValueTask<Outcome<TResult>>(RejectionOutcome<TResult>.For(rejection));
        }

        var pending = StrategyCallbacks.Invoke(callback, context, state);
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

    /// <summary>
    /// Caches the rejection outcome per result type: <see cref="Outcome.FromException{TResult}"/> captures an
    /// ExceptionDispatchInfo (an allocation) every time, and the rejection exception only changes once per open period.
    /// </summary>
    private static class RejectionOutcome<TResult>
    {
        private static Entry? _last;

        public static Outcome<TResult> For(Exception rejection)
        {
            var entry = Volatile.Read(ref _last);
            if (entry is null || !ReferenceEquals(entry.Exception, rejection))
            {
                entry = new Entry(rejection, Outcome.FromException<TResult>(rejection));
                Volatile.Write(ref _last, entry);
            }

            return entry.Outcome;
        }

        private sealed record Entry(Exception Exception, Outcome<TResult> Outcome);
    }
}
