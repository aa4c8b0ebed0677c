using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using VisionFlow.Protocol.Contracts.Mcp;
using StreamJsonRpc;
using VisionFlow.Protocol.Dialects;
using VisionFlow.Protocol.Engine;

namespace VisionFlow.Bench.Goals;

/// <summary>
/// One initialized MCP session per client under comparison (ours, StreamJsonRpc, the MCP C# SDK), each on its own socket
/// to the same simulator in a <see cref="PeerProcess"/>, plus a connection to the peer's line echo.
/// </summary>
internal sealed class ClientSessions : IAsyncDisposable
{
    private ClientSessions(PeerProcess peers, LineEcho echo, JsonRpcConnection ours, JsonRpc streamJsonRpc, McpClient sdk)
    {
        Peers = peers;
        Echo = echo;
        Ours = ours;
        OursMcp = new McpDialectClient(ours);
        StreamJsonRpc = streamJsonRpc;
        Sdk = sdk;
    }

    public static readonly Dictionary<string, object?> EmptyParams = [];

    public PeerProcess Peers { get; }

    public LineEcho Echo { get; }

    public JsonRpcConnection Ours { get; }

    public McpDialectClient OursMcp { get; }

    public JsonRpc StreamJsonRpc { get; }

    public McpClient Sdk { get; }

    public static async Task<ClientSessions> StartAsync()
    {
        var peers = await PeerProcess.StartAsync();
        var echo = await LineEcho.ConnectAsync(peers.Echo);

        var ours = await JsonRpcConnection.ConnectAsync(peers.Simulator, new JsonRpcConnectionOptions { Name = "bench-ours" });
        await ServerProfile.HandshakeAsync(ours, "bench", CancellationToken.None);

        var sjr = await ConnectStreamAsync(peers.Simulator);
        var streamJsonRpc = new JsonRpc(new NewLineDelimitedMessageHandler(sjr, sjr, new SystemTextJsonFormatter()));
        streamJsonRpc.StartListening();
        await streamJsonRpc.InvokeWithParameterObjectAsync<JsonElement>("initialize", new Dictionary<string, object?>
        {
            ["protocolVersion"] = "2025-06-18",
            ["capabilities"] = new Dictionary<string, object?>(),
            ["clientInfo"] = new Dictionary<string, object?> { ["name"] = "bench-streamjsonrpc", ["version"] = "1" },
        });
        await streamJsonRpc.NotifyWithParameterObjectAsync("notifications/initialized", EmptyParams);

        var sdkStream = await ConnectStreamAsync(peers.Simulator);
        var sdk = await McpClient.CreateAsync(new StreamClientTransport(sdkStream, sdkStream));
        return new ClientSessions(peers, echo, ours, streamJsonRpc, sdk);
    }

    private static async Task<NetworkStream> ConnectStreamAsync(IPEndPoint endPoint)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endPoint);
        return new NetworkStream(socket, ownsSocket: true);
    }

    public async ValueTask DisposeAsync()
    {
        await Sdk.DisposeAsync();
        StreamJsonRpc.Dispose();
        await Ours.DisposeAsync();
        await Echo.DisposeAsync();
        await Peers.DisposeAsync();
    }
}
