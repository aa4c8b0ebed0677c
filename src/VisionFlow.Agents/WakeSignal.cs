using System.Threading.Tasks.Sources;

namespace VisionFlow.Agents;

/// <summary>
/// Wakes one single-reader loop (the telemetry intake, the graph rebuild, a stream session's send loop): an auto-reset
/// event, so a wake that arrives while the loop is busy is kept for its next wait, and any number of wakes while it works
/// make one. Setting it costs one read when already set; awaiting it allocates nothing.
/// </summary>
public sealed class WakeSignal : IValueTaskSource
{
    private const int Idle = 0;
    private const int Signaled = 1;
    private const int Waiting = 2;

    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private CancellationTokenRegistration _registration;
    private int _state;

    /// <summary>Wakes the waiter, or the next wait when nobody waits now. The waiter resumes on the thread pool.</summary>
    public void Set() => Set(inline: false);

    /// <summary>
    /// Wakes the waiter like <see cref="Set()"/>, but a loop parked in its wait resumes on this thread, before this call
    /// returns, and runs until its next wait that does not complete at once (or its next other await that does not).
    /// </summary>
    /// <remarks>
    /// For a producer whose consumer's turn is short and must follow anyway (a socket read's lines into the telemetry
    /// intake; a batch's topics into a <c>/ws</c> session's send): each thread-pool hand-off from an idle pool costs a
    /// worker wake-up and, as the pool asks for a second worker whenever one takes an item, another; at ten agents those
    /// hand-offs, not the work, were most of the service's CPU (issue 23). Call it only where the caller holds no lock
    /// the loop could need and can afford the loop's turn; a loop that is busy (not parked) is only flagged, as by
    /// <see cref="Set()"/>, and picks the wake up itself, so a loop never runs on two threads and never re-enters.
    /// </remarks>
    public void SetInline() => Set(inline: true);

    private void Set(bool inline)
    {
        while (true)
        {
            var state = Volatile.Read(ref _state);
            if (state == Signaled)
            {
                return;
            }

            var next = state == Waiting ? Idle : Signaled;
            if (Interlocked.CompareExchange(ref _state, next, state) == state)
            {
                if (state == Waiting)
                {
                    // Only the caller that moved the state out of Waiting completes the wait, so the flag it sets here
                    // is the one this completion reads (the next completion's caller sets its own).
                    _core.RunContinuationsAsynchronously = !inline;
                    _core.SetResult(true);
                }

                return;
            }
        }
    }

    /// <summary>Completes at the next <see cref="Set"/> (at once if one came since the last wait). One waiter at a time.</summary>
    public ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, Idle, Signaled) == Signaled)
        {
            return ValueTask.CompletedTask;
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        _core.Reset();
        if (Interlocked.CompareExchange(ref _state, Waiting, Idle) != Idle)
        {
            // Set in between: consume it.
            Volatile.Write(ref _state, Idle);
            return ValueTask.CompletedTask;
        }

        if (cancellationToken.CanBeCanceled)
        {
            _registration = cancellationToken.UnsafeRegister(static (s, token) => ((WakeSignal)s!).Cancel(token), this);
        }

        return new ValueTask(this, _core.Version);
    }

    void IValueTaskSource.GetResult(short token)
    {
        _registration.Dispose();
        _registration = default;
        _core.GetResult(token);
    }

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);

    private void Cancel(CancellationToken token)
    {
        // Only the party that moves the state out of Waiting completes the wait.
        if (Interlocked.CompareExchange(ref _state, Idle, Waiting) == Waiting)
        {
            // Never on the cancelling thread, whatever the last wake was.
            _core.RunContinuationsAsynchronously = true;
            _core.SetException(new OperationCanceledException(token));
        }
    }
}
