namespace VisionFlow.Agents.Intake;

/// <summary>
/// Poll mode for servers without telemetry push: once per interval the delegate returns the current agent list JSON,
/// and the intake diffs it against the cache exactly as it applies push events.
/// </summary>
public sealed class PollTelemetrySource : ITelemetrySource
{
    private readonly Func<CancellationToken, ValueTask<TelemetryPoll>> _poll;
    private long _polls;
    private long _failures;

    /// <summary>Creates a poll source around <paramref name="poll"/>.</summary>
    public PollTelemetrySource(Func<CancellationToken, ValueTask<TelemetryPoll>> poll)
    {
        ArgumentNullException.ThrowIfNull(poll);
        _poll = poll;
    }

    /// <summary>Polls made.</summary>
    public long Polls => Interlocked.Read(ref _polls);

    /// <summary>Polls that threw; each is treated as the upstream being unavailable.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>The last poll exception, for diagnostics.</summary>
    public Exception? LastError { get; private set; }

    /// <inheritdoc />
    public async ValueTask<bool> CollectAsync(ITelemetryBatchSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        Interlocked.Increment(ref _polls);
        TelemetryPoll result;
        try
        {
            result = await _poll(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref _failures);
            LastError = ex;
            return false;
        }

        if (!result.Available) return false;
        sink.OnAgentList(result.Json.Span);
        return true;
    }
}
