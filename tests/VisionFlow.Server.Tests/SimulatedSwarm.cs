using System.Net;
using VisionFlow.Simulator;

namespace VisionFlow.Server.Tests;

/// <summary>The project's simulator as a real TCP JSON-RPC server on 127.0.0.1, which tests can kill and restart on the same port.</summary>
internal sealed class SimulatedSwarm : IAsyncDisposable
{
    private SimulatorServer? _server;

    private SimulatedSwarm(int port) => Port = port;

    public int Port { get; private set; }

    public SwarmSimulator? Simulator { get; private set; }

    public string? Token { get; private set; }

    public static async Task<SimulatedSwarm> StartAsync(int agents = 0, int port = 0, string? token = null)
    {
        var swarm = new SimulatedSwarm(port) { Token = token };
        await swarm.StartServerAsync(agents);
        return swarm;
    }

    public async Task StartServerAsync(int agents = 0)
    {
        Simulator = new SwarmSimulator(new SimulatorOptions { Seed = 7 }, TimeProvider.System);
        if (agents > 0)
        {
            var result = new System.Buffers.ArrayBufferWriter<byte>();
            var ok = Simulator.TryHandlePlain(PlainMethods.MultiAgentInitialize, System.Text.Encoding.UTF8.GetBytes($"{{\"topology\":\"mesh\",\"agents\":{agents}}}"), result, out var error);
            if (!ok)
            {
                throw new InvalidOperationException(error.Message);
            }
        }

        // Restarts reuse the first port, as a respawned MCP server behind the same bridge would.
        _server = new SimulatorServer(Simulator, new IPEndPoint(IPAddress.Loopback, Port), TimeProvider.System, authToken: Token);
        _server.Start();
        Port = _server.LocalEndPoint.Port;
        await Task.CompletedTask;
    }

    /// <summary>Kills the peer: every client connection is closed and the port stops accepting.</summary>
    public async Task KillAsync()
    {
        if (_server is { } server)
        {
            _server = null;
            await server.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync() => await KillAsync();
}
