using System.Net;

namespace VisionFlow.Server.Cli;

/// <summary>A parsed <c>visionflow simulate</c> command line (or the in-process simulator of <c>--simulator</c>).</summary>
internal sealed record SimulateInvocation
{
    /// <summary>TCP port; 0 picks a free one.</summary>
    public int Port { get; init; } = 9500;

    /// <summary>Address to listen on.</summary>
    public IPAddress Bind { get; init; } = IPAddress.Loopback;

    /// <summary>Seed of the simulation.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Telemetry frames per second.</summary>
    public double RateHz { get; init; } = 10;

    /// <summary>Agents created at start, in one mesh swarm.</summary>
    public int Agents { get; init; }

    /// <summary>Coordinators hand out subtasks so the swarm stays busy without a driver.</summary>
    public bool Autonomous { get; init; }

    /// <summary>Token the bridge's <c>authenticate</c> must carry, when set.</summary>
    public string? Token { get; init; }
}
