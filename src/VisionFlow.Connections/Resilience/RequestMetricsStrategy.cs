using Polly;

namespace VisionFlow.Connections.Resilience;

/// <summary>Outermost strategy: counts each call once (not each attempt), its attempts, outcome and duration.</summary>
internal sealed class RequestMetricsStrategy(ResilienceCounters counters) : ResilienceStrategy
{
    protected override ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback,
        ResilienceContext context,
        TState state)
    {
        var start = counters.Time.GetTimestamp();
        var pending = StrategyCallbacks.Invoke(callback, context, state);
        if (pending.IsCompletedSuccessfully)
        {
            counters.Record(pending.Result.Exception, context, start);
            return pending;
        }

        return AwaitAsync(pending, context, start);
    }

    private async ValueTask<Outcome<TResult>> AwaitAsync<TResult>(ValueTask<Outcome<TResult>> pending, ResilienceContext context, long start)
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

        counters.Record(outcome.Exception, context, start);
        return outcome;
    }
}
