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

    public async ValueTask<bool> CollectAsync(ITelemetryBatchSink sink, CancellationToken cancellationToken)
    {
        switch (_mode)
        {
            case 1:
                return await Push.CollectAsync(sink, cancellationToken).ConfigureAwait(false);
            case 2:
                await Push.CollectAsync(Discard.Instance, cancellationToken).ConfigureAwait(false);
                return await Poll.CollectAsync(sink, cancellationToken).ConfigureAwait(false);
            default:
                // Lines a dead connection pushed must not resurrect its agents after a reconnect to a fresh server.
                await Push.CollectAsync(Discard.Instance, cancellationToken).ConfigureAwait(false);
                return false;
        }
    }

    private sealed class Discard : ITelemetryBatchSink
    {
        public static readonly Discard Instance = new();

        public void OnLine(ReadOnlySpan<byte> line)
        {
        }

        public void OnAgentList(ReadOnlySpan<byte> json)
        {
        }
    }
}
