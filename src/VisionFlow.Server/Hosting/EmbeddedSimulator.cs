using VisionFlow.Server.Cli;
using VisionFlow.Server.Configuration;
using VisionFlow.Simulator;

namespace VisionFlow.Server.Hosting;

/// <summary>
/// The built-in simulator run in-process by <c>visionflow --simulator</c>, so the single-file binary can be tried
/// without an MCP server or <c>build.sh</c>: a real TCP JSON-RPC server on a free 127.0.0.1 port, reached by the MCP
/// link exactly as a remote peer would be, so everything it serves is labelled simulated by the same code as always.
/// </summary>
internal sealed class EmbeddedSimulator : IAsyncDisposable
{
    private readonly SimulatorServer _server;

    private EmbeddedSimulator(SimulatorServer server, int agents)
    {
        _server = server;
        Agents = agents;
    }

    /// <summary>The loopback port it listens on.</summary>
    public int Port => _server.LocalEndPoint.Port;

    /// <summary>Agents it started with.</summary>
    public int Agents { get; }

    /// <summary>Starts it with <see cref="ServerOptions.SimulatorAgents"/> busy agents (autonomous work, as <c>build.sh run</c> does).</summary>
    /// <exception cref="System.Net.Sockets.SocketException">No loopback port could be bound.</exception>
    /// <exception cref="InvalidOperationException">The agents could not be created.</exception>
    public static EmbeddedSimulator Start(ServerOptions options)
    {
        // MCP_API_KEY, when set, is required by the simulator too, so the authenticate path is the one a real bridge gets.
        var server = SimulateCommand.CreateServer(new SimulateInvocation
        {
            Port = 0,
            Agents = options.SimulatorAgents,
            Autonomous = true,
            Token = options.McpApiKey,
        });
        server.Start();
        return new EmbeddedSimulator(server, options.SimulatorAgents);
    }

    /// <summary>The options with the MCP link pointed at this simulator.</summary>
    public ServerOptions Redirect(ServerOptions options) => options with { McpHost = "127.0.0.1", McpPort = Port, McpCommand = null, EnableMcp = true };

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
