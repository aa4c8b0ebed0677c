using VisionFlow.Connections.Pooling;
using VisionFlow.Protocol.Engine;

namespace VisionFlow.Connections.Transport;

/// <summary>MCP over TCP (<c>CLAUDE_FLOW_HOST</c>:<c>MCP_TCP_PORT</c>): every connection is a new socket.</summary>
internal sealed class TcpTransport(string host, int port, TimeSpan connectTimeout, TimeProvider time) : IMcpTransport
{
    private readonly TcpConnector _connector = new(new TcpConnectorOptions { ConnectTimeout = connectTimeout }, time);

    public string Address { get; } = $"{host}:{port}";

    public string NetworkTransport => "tcp";

    public bool Multiplexed => false;

    public bool ViaBridge => true;

    public async ValueTask<JsonRpcConnection> ConnectAsync(JsonRpcConnectionOptions options, CancellationToken cancellationToken)
    {
        var socket = await _connector.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
        return JsonRpcConnection.Create(socket, options);
    }
}
