using VisionFlow.Connections.Failures;
using VisionFlow.Protocol.Dialects;

namespace VisionFlow.Connections.Link;

/// <summary>One immutable reading of the link, replaced as a whole on every change, so readers never see half a change.</summary>
/// <param name="State">Where the link stands.</param>
/// <param name="Address">The configured server, <c>host:port</c>.</param>
/// <param name="Detail">One line for people: what the link is doing and why.</param>
/// <param name="Profile">The connected server's dialect and tools; null unless connected.</param>
/// <param name="Telemetry">How telemetry arrives in this session.</param>
/// <param name="Session">The open session's number; 0 when none is open.</param>
/// <param name="ConnectedSince">When the open session started.</param>
/// <param name="LastFailure">Why the link is (or last was) down; null when it never failed.</param>
/// <param name="LastFailureAt">When <paramref name="LastFailure"/> happened.</param>
/// <param name="RetryInterval">While unavailable, the wait before the next attempt.</param>
/// <param name="NextAttemptAt">While unavailable, when the next attempt starts.</param>
public sealed record McpLinkStatus(
    McpLinkState State,
    string Address,
    string Detail,
    ServerProfile? Profile,
    TelemetryMode Telemetry,
    long Session,
    DateTimeOffset? ConnectedSince,
    McpFailure? LastFailure,
    DateTimeOffset? LastFailureAt,
    TimeSpan? RetryInterval,
    DateTimeOffset? NextAttemptAt)
{
    /// <summary>snake_case name of <see cref="State"/>, as the API writes it.</summary>
    public string StateName => State switch
    {
        McpLinkState.Disabled => "disabled",
        McpLinkState.Connecting => "connecting",
        McpLinkState.Connected => "connected",
        McpLinkState.Reconnecting => "reconnecting",
        _ => "unavailable",
    };

    /// <summary>snake_case name of <see cref="Telemetry"/>.</summary>
    public string TelemetryName => Telemetry switch
    {
        TelemetryMode.Disabled => "disabled",
        TelemetryMode.Push => "push",
        TelemetryMode.Poll => "poll",
        TelemetryMode.Unsupported => "unsupported",
        _ => "unavailable",
    };
}
