namespace VisionFlow.Connections.Link;

/// <summary>
/// Where the link delivers agent telemetry, one session at a time (list, then watch). Every (re)connect opens a new
/// session whose first delivery is the server's full agent listing, which replaces everything known before; then lines
/// pushed by the server, or further listings when the server is polled. Deliveries of any other session are dropped.
/// </summary>
public interface IMcpTelemetrySink
{
    /// <summary>
    /// A full agent listing (UTF-8 JSON as the server sent it) for <paramref name="session"/>: the first one starts the
    /// session and replaces the agents of any earlier one; agents a listing does not name are gone. Completes once the
    /// listing is applied, with whether it changed the agents (the poller slows down while nothing changes).
    /// </summary>
    ValueTask<bool> ApplyListingAsync(long session, byte[] json, CancellationToken cancellationToken);

    /// <summary>A line the server pushed during <paramref name="session"/> (called on the connection's reader; must not block).</summary>
    void OnPushLine(long session, ReadOnlySpan<byte> line);

    /// <summary><paramref name="session"/> ended (the link was lost or stopped): no agents are known until the next listing.</summary>
    void EndSession(long session);
}
