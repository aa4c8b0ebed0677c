using System.Net;
using System.Net.Sockets;
using TUnit.Core.Interfaces;
using VisionFlow.Protocol.Dialects;
using VisionFlow.Protocol.Engine;
using VisionFlow.Testing.Interop;

namespace VisionFlow.Interop.Tests;

/// <summary>
/// One real MCP server behind a socat bridge on 127.0.0.1, started with tests/interop/mcp-servers.sh, and one
/// JSON-RPC connection to it (each new connection costs the server a cold start, so tests share it).
/// Fails loudly when the servers are not installed: `./build.sh setup` installs them.
/// </summary>
public abstract class McpBridge(string startCommand) : IAsyncInitializer, IAsyncDisposable
{
    private int? _bridgePid;

    public JsonRpcConnection Connection { get; private set; } = null!;

    public ServerProfile Profile { get; private set; } = null!;

    public ISwarmClient Client => Profile.CreateClient(Connection);

    public int Port { get; private set; }

    public async Task InitializeAsync()
    {
        Port = FreePort();
        _bridgePid = await McpServers.StartAsync(startCommand, Port);
        Connection = await JsonRpcConnection.ConnectAsync(new IPEndPoint(IPAddress.Loopback, Port));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Profile = await ServerProfile.DetectAsync(Connection, "interop-test", cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (Connection is not null)
        {
            await Connection.DisposeAsync();
        }

        if (_bridgePid is { } pid)
        {
            await McpServers.StopAsync(pid);
        }

        GC.SuppressFinalize(this);
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}

/// <summary>npm claude-flow (pinned) over the bridge.</summary>
public sealed class ClaudeFlowBridge() : McpBridge(McpServers.ClaudeFlow);

/// <summary>npm @modelcontextprotocol/server-everything (pinned) over the bridge.</summary>
public sealed class EverythingBridge() : McpBridge(McpServers.Everything);
