using Microsoft.Extensions.Logging;
using VisionFlow.Protocol.Dispatch;
using VisionFlow.Protocol.Framing;

namespace VisionFlow.Protocol.Engine;

/// <summary>Settings and sinks of one <see cref="JsonRpcConnection"/>.</summary>
public sealed class JsonRpcConnectionOptions
{
    /// <summary>The largest accepted incoming line in bytes; a longer one closes the connection.</summary>
    public int MaxLineLength { get; init; } = LineFramer.DefaultMaxLineLength;

    /// <summary>Handlers for incoming requests; without one every request is answered with -32601.</summary>
    public JsonRpcDispatchTable? Dispatch { get; init; }

    /// <summary>Receives notifications from the peer.</summary>
    internal JsonRpcNotificationHandler? OnNotification { get; init; }

    /// <summary>Receives non-JSON-RPC push lines (telemetry).</summary>
    public JsonRpcPushHandler? OnPush { get; init; }

    /// <summary>
    /// Called on the read loop after the push lines one transport read brought have all gone to <see cref="OnPush"/>
    /// (never after a read that brought none): where a sink that buffers lines wakes its reader, once for the lot rather
    /// than once a line, so a burst is taken as one batch.
    /// </summary>
    public Action? OnPushesDelivered { get; init; }

    /// <summary>
    /// Hands the peer's notifications to <see cref="OnPush"/> too, as the whole message: Claude Flow's container bridge
    /// broadcasts its events as JSON-RPC notifications (<c>agent/status</c>, <c>swarm/update</c>), and the telemetry reader
    /// reads them like any pushed line. MCP's own housekeeping (<c>notifications/*</c>: progress, list changes, log
    /// messages) is not telemetry and is not handed on.
    /// </summary>
    public bool NotificationsAsPush { get; init; }

    /// <summary>Where protocol problems and the close reason are logged.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>Clock for the last-message timestamp.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>A name for logs, e.g. the remote endpoint.</summary>
    public string Name { get; init; } = "json-rpc";
}
