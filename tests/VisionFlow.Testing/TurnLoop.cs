namespace VisionFlow.Testing;

/// <summary>
/// A single-reader loop as the intake and the <c>/ws</c> sessions run theirs, reduced to its wake: wait, one turn, wait
/// again. It records whether a turn ran inside a <see cref="Call"/> on the test's thread (a wake that runs the turn on
/// the waking thread) and how deep turns nested (a wake must never re-enter a loop that is busy).
/// </summary>
/// <param name="wait">The loop's wait for its next wake (a <c>WakeSignal</c>'s <c>WaitAsync</c>).</param>
public sealed class TurnLoop(Func<CancellationToken, ValueTask> wait)
{
    // True only on the test's thread while it is inside Call: a turn that sees it ran inside that call.
    [ThreadStatic]
    private static bool t_insideCall;

    private int _depth;
    private int _turns;

    /// <summary>Runs within each turn, with the turn's number (from 1).</summary>
    public Action<TurnLoop, int>? DuringTurn { get; init; }

    /// <summary>Turns run so far.</summary>
    public int Turns => Volatile.Read(ref _turns);

    /// <summary>Whether the last turn ran inside a <see cref="Call"/>.</summary>
    public bool LastTurnInsideCall { get; private set; }

    /// <summary>The deepest turns nested (1 when none ran inside another).</summary>
    public int MaxDepth { get; private set; }

    /// <summary>Whether the loop's wait ended in a cancellation inside a <see cref="Call"/>.</summary>
    public bool CancelledInsideCall { get; private set; }

    /// <summary>Runs <paramref name="action"/> (a wake, a publish) as the call the loop's turns are checked against.</summary>
    public static void Call(Action action)
    {
        t_insideCall = true;
        try
        {
            action();
        }
        finally
        {
            t_insideCall = false;
        }
    }

    /// <summary>The loop, until its wait is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await wait(cancellationToken).ConfigureAwait(false);
                MaxDepth = Math.Max(MaxDepth, ++_depth);
                LastTurnInsideCall = t_insideCall;
                var turn = Interlocked.Increment(ref _turns);
                DuringTurn?.Invoke(this, turn);
                _depth--;
            }
        }
        catch (OperationCanceledException)
        {
            CancelledInsideCall = t_insideCall;
            throw;
        }
    }
}
