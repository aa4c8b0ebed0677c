using Polly;

namespace VisionFlow.Connections.Resilience;

/// <summary>What our Polly strategies share: run the inner callback so that a synchronous throw becomes an outcome, not an exception.</summary>
internal static class StrategyCallbacks
{
    /// <summary>Invokes the callback; a synchronous throw becomes a completed failed outcome (so callers keep a no-allocation fast path).</summary>
    public static ValueTask<Outcome<TResult>> Invoke<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback, ResilienceContext context, TState state)
    {
        try
        {
            return callback(context, state);
        }
        catch (Exception ex)
        {
            return new ValueTask<Outcome<TResult>>(Outcome.FromException<TResult>(ex));
        }
    }
}
