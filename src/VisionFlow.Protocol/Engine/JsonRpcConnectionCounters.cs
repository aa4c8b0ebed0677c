namespace VisionFlow.Protocol.Engine;

/// <summary>A snapshot of one connection's counters.</summary>
/// <param name="MessagesIn">JSON messages received (each batch element counts once), valid or not.</param>
/// <param name="MessagesOut">Messages written and handed to the transport.</param>
/// <param name="RequestsIn">Requests received from the peer.</param>
/// <param name="NotificationsIn">Notifications received.</param>
/// <param name="PushLinesIn">Non-JSON-RPC push lines received.</param>
/// <param name="BannerLinesSkipped">Non-JSON lines skipped.</param>
/// <param name="InvalidMessages">JSON lines that are not valid JSON-RPC.</param>
/// <param name="UnknownResponseIds">Responses whose id matched no pending request.</param>
/// <param name="OversizeLines">Lines over the maximum (each one closes the connection).</param>
/// <param name="CancelledRequests">Requests abandoned by their caller's cancellation.</param>
/// <param name="PendingRequests">Requests now awaiting a response.</param>
/// <param name="LastMessageAt">When the last JSON line arrived, from the connection's <see cref="TimeProvider"/>.</param>
/// <param name="SocketSends">Socket writes that carried those messages (several per write when they are coalesced); 0 on a transport that is not a socket.</param>
internal readonly record struct JsonRpcConnectionCounters(
    long MessagesIn,
    long MessagesOut,
    long RequestsIn,
    long NotificationsIn,
    long PushLinesIn,
    long BannerLinesSkipped,
    long InvalidMessages,
    long UnknownResponseIds,
    long OversizeLines,
    long CancelledRequests,
    int PendingRequests,
    DateTimeOffset? LastMessageAt,
    long SocketSends);
