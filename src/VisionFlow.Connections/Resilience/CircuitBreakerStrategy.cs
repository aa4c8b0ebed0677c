using Polly;
using VisionFlow.Connections.Failures;

namespace VisionFlow.Connections.Resilience;

/// <summary>
/// Adapts <see cref="McpCircuitBreaker"/> to a Polly strategy: the only way outcomes reach the breaker. A rejection
/// returns synchronously without allocating.
/// </summary>
/// <param name="breaker">The breaker fed.</param>
/// <param name="isFailure">Which exceptions count against it.</param>
/// <param name="gates">
/// True for requests: an open circuit rejects them. False for the link's connection attempts: they are recorded (five
/// refused attempts open the circuit for requests) but never held back, since an attempt is how the link finds the
/// server back, paced by the reconnector's own backoff, and a session it opens closes the circuit by hand.
/// </param>
internal sealed class CircuitBreakerStrategy(McpCircuitBreaker breaker, Func<Exception, bool> isFailure, bool gates = true) : ResilienceStrategy
{
    protected override ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback,
        ResilienceContext context,
        TState state)
    {
        var isProbe = false;
        if (gates && breaker.TryEnter(out isProbe) is { } rejection)
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
        else if (FailureClassifier.IsAnswer(ex))
        {
            breaker.OnSuccess(isProbe); // the server answered (not found, a refusal…): the link works
        }
        else
        {
            breaker.OnAbandoned(isProbe); // our own refusal or a defect: nothing learnt about the server
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
