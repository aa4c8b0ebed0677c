namespace VisionFlow.Agents.Intake;

/// <summary>
/// Push mode: the JSON-RPC engine hands every non-JSON-RPC line (<c>{"type":"agent.status",…}</c>) to <see cref="Post"/>
/// from its reader loop(s); lines wait in a bounded ring until the intake's next interval.
/// </summary>
public sealed class PushTelemetrySource : ITelemetrySource
{
    private readonly LineRing _ring;
    private volatile bool _available;
    private long _posted;
    private long _dropped;

    /// <summary>Creates a push source buffering at most <paramref name="bufferBytes"/> between intervals.</summary>
    public PushTelemetrySource(int bufferBytes = 4 * 1024 * 1024, bool available = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferBytes, 4096);
        _ring = new LineRing(bufferBytes);
        _available = available;
    }

    /// <summary>Lines accepted.</summary>
    public long Posted => Interlocked.Read(ref _posted);

    /// <summary>Lines refused because the buffer was full (the intake fell behind) or the line was too large.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Whether the upstream is connected and subscribed.</summary>
    public bool IsAvailable => _available;

    /// <summary>Called by the connection layer when the telemetry subscription comes up or goes down.</summary>
    public void SetAvailable(bool available) => _available = available;

    /// <summary>Buffers one line (its bytes are copied); false when it was dropped (counted).</summary>
    public bool Post(ReadOnlySpan<byte> line)
    {
        if (_ring.TryWrite(line))
        {
            Interlocked.Increment(ref _posted);
            return true;
        }

        Interlocked.Increment(ref _dropped);
        return false;
    }

    /// <inheritdoc />
    public ValueTask<bool> CollectAsync(ITelemetryBatchSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        _ring.Drain(sink);
        return ValueTask.FromResult(_available);
    }
}
