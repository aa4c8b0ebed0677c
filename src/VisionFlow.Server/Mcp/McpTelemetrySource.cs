using VisionFlow.Agents.Intake;

namespace VisionFlow.Server.Mcp;

/// <summary>
/// The intake's one telemetry source, switching between push (a server that accepted <c>telemetry.subscribe</c>) and
/// poll (Claude Flow's MCP tools push nothing) as the link changes; unavailable while no server is connected, which
/// empties the agent graph instead of showing stale or invented agents.
/// </summary>
internal sealed class McpTelemetrySource(PushTelemetrySource push, PollTelemetrySource poll) : ITelemetrySource
{
    private volatile int _mode; // 0 = unavailable, 1 = push, 2 = poll

    public PushTelemetrySource Push { get; } = push;

    public PollTelemetrySource Poll { get; } = poll;

    public string Mode => _mode switch { 1 => "push", 2 => "poll", _ => "unavailable" };

    public void UsePush()
    {
        Push.SetAvailable(true);
        _mode = 1;
    }

    public void UsePoll()
    {
        Push.SetAvailable(false);
        _mode = 2;
    }

    public void SetUnavailable()
    {
        Push.SetAvailable(false);
        _mode = 0;
    }

    public ValueTask<bool> CollectAsync(ITelemetryBatchSink sink, CancellationToken cancellationToken) => _mode switch
    {
        1 => Push.CollectAsync(sink, cancellationToken),
        2 => Poll.CollectAsync(sink, cancellationToken),
        _ => ValueTask.FromResult(false),
    };
}
