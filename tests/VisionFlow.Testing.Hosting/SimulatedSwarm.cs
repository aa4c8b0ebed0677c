using System.Buffers;
using System.Net;
using System.Text;
using VisionFlow.Protocol.Contracts.Plain;
using VisionFlow.Simulator;
using VisionFlow.Simulator.Model;

namespace VisionFlow.Testing.Hosting;

/// <summary>
/// The project's swarm simulator as a real TCP JSON-RPC server on 127.0.0.1 (seed 7), optionally pre-populated with
/// agents, which a test can kill and restart on the same port.
/// </summary>
public sealed class SimulatedSwarm : IAsyncDisposable
{
    private SimulatorServer? _server;

    private SimulatedSwarm(int port, string? token)
    {
        Port = port;
        Token = token;
    }

    /// <summary>The port it listens on; restarts reuse it, as a respawned MCP server behind the same bridge would.</summary>
    public int Port { get; private set; }

    /// <summary>Where clients connect.</summary>
    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    /// <summary>The simulator behind the current server; a restart replaces it (its state is lost, as after a crash).</summary>
    public SwarmSimulator? Simulator { get; private set; }

    /// <summary>The token the server demands as a first <c>authenticate</c> request, or null for none.</summary>
    public string? Token { get; }

    /// <summary>Starts a simulator with <paramref name="agents"/> agents on <paramref name="port"/> (0: OS-chosen).</summary>
    public static SimulatedSwarm Start(int agents = 0, int port = 0, string? token = null)
    {
        var swarm = new SimulatedSwarm(port, token);
        swarm.StartServer(agents);
        return swarm;
    }

    /// <summary>Starts a fresh simulator with <paramref name="agents"/> agents on <see cref="Port"/> (after <see cref="KillAsync"/>).</summary>
    public void StartServer(int agents = 0)
    {
        if (_server is not null)
        {
            throw new InvalidOperationException("the simulator is running; kill it first");
        }

        Simulator = new SwarmSimulator(new SimulatorOptions { Seed = 7 }, TimeProvider.System);
        if (agents > 0)
        {
            var result = new ArrayBufferWriter<byte>();
            if (!Simulator.TryHandlePlain(PlainDialectMethods.InitializeMultiAgent, Encoding.UTF8.GetBytes($"{{\"topology\":\"mesh\",\"agents\":{agents}}}"), result, out var error))
            {
                throw new InvalidOperationException(error.Message);
            }
        }

        var server = new SimulatorServer(Simulator, new IPEndPoint(IPAddress.Loopback, Port), TimeProvider.System, authToken: Token);
        server.Start();
        _server = server;
        Port = server.LocalEndPoint.Port;
    }

    /// <summary>Kills the peer: every client connection is closed and the port stops accepting.</summary>
    public async Task KillAsync()
    {
        if (_server is { } server)
        {
            _server = null;
            await server.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Kills the peer if it runs.</summary>
    public async ValueTask DisposeAsync() => await KillAsync().ConfigureAwait(false);
}
