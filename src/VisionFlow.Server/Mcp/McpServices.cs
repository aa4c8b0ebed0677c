using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using VisionFlow.Agents.Diagnostics;
using VisionFlow.Agents.Intake;
using VisionFlow.Connections.Link;
using VisionFlow.Connections.Metrics;
using VisionFlow.Server.Configuration;
using VisionFlow.Server.Structure;

namespace VisionFlow.Server.Mcp;

/// <summary>
/// Composes the MCP link and the telemetry intake that reads what its sessions deliver (the link knows no reader; the
/// intake reads the link's feed), and runs the intake's loop for the service's lifetime. Every decision about the link
/// lives in <see cref="McpLink"/>; the server only reads its status and maps it to HTTP.
/// </summary>
internal sealed class McpServices : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _intakeLoop = Task.CompletedTask;
    private int _state; // 0 created, 1 started, 2 disposed

    /// <summary>Makes the link and the intake, with their instruments on <paramref name="connections"/> and <paramref name="agents"/>.</summary>
    public McpServices(ServerOptions options, string clientVersion, TimeProvider time, ILoggerFactory loggers, Meter connections, Meter agents)
    {
        Link = new McpLink(options.ToLinkOptions(clientVersion), time, loggers, connections);
        Intake = new TelemetryIntake(options.ToTelemetryOptions(), time, Link.Sessions);
        var cache = Intake.Cache;
        Structure = new StructureTracker(
            Link, () => cache.Snapshot.Agents.Select(a => a.SwarmId).OfType<string>(), options.StructurePollInterval, time,
            loggers.CreateLogger("VisionFlow.Structure"));
        McpLinkInstruments.Observe(connections, Link);
        TelemetryIntakeInstruments.Observe(agents, Intake);
    }

    /// <summary>The link: status, commands, degradation, resilience.</summary>
    public McpLink Link { get; }

    /// <summary>The agent state, read from the link's sessions.</summary>
    public TelemetryIntake Intake { get; }

    /// <summary>The server's swarms and tasks, read through the link (one owner; REST and the graph read it).</summary>
    public StructureTracker Structure { get; }

    /// <summary>Starts the intake's loop, the structure tracker, then the link's first connection attempt.</summary>
    public void Start()
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            return;
        }

        _intakeLoop = Task.Run(() => Intake.RunAsync(_stopping.Token));
        Structure.Start();
        Link.Start();
    }

    public async ValueTask DisposeAsync()
    {
        // The host stops it explicitly (ordered shutdown) and the container disposes it again: only the first counts.
        if (Interlocked.Exchange(ref _state, 2) == 2)
        {
            return;
        }

        await Structure.DisposeAsync().ConfigureAwait(false);
        await Link.DisposeAsync().ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _intakeLoop.ConfigureAwait(false);
        _stopping.Dispose();
    }
}
