using System.Net;
using System.Net.Sockets;
using VisionFlow.Testing;

namespace VisionFlow.Bench.Goals;

/// <summary>A client of a <see cref="EchoServer"/>: the floor for any request/response line.</summary>
internal sealed class LineEcho : IAsyncDisposable
{
    private readonly Socket _client;
    private readonly EchoServer? _ownedServer;
    private readonly byte[] _buffer = new byte[8192];

    private LineEcho(Socket client, EchoServer? ownedServer)
    {
        _client = client;
        _ownedServer = ownedServer;
    }

    /// <summary>Starts an in-process echo server and connects to it.</summary>
    public static async Task<LineEcho> StartAsync()
    {
        var server = new EchoServer();
        return await ConnectAsync(server.EndPoint, server);
    }

    /// <summary>Connects to an echo server elsewhere (e.g. in a <see cref="PeerProcess"/>).</summary>
    public static async Task<LineEcho> ConnectAsync(IPEndPoint endPoint, EchoServer? ownedServer = null)
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await client.ConnectAsync(endPoint);
        return new LineEcho(client, ownedServer);
    }

    /// <summary>Sends <paramref name="line"/> (newline-terminated) and reads until the echoed newline.</summary>
    public async Task<int> RoundTripAsync(ReadOnlyMemory<byte> line)
    {
        await _client.SendAsync(line, SocketFlags.None);
        var total = 0;
        do
        {
            total += await _client.ReceiveAsync(_buffer.AsMemory(total), SocketFlags.None);
        }
        while (_buffer[total - 1] != (byte)'\n');

        return total;
    }

    /// <summary>Sends <paramref name="lines"/> (<paramref name="count"/> newline-terminated lines) and reads until as many newlines came back.</summary>
    public async Task<int> RoundTripManyAsync(ReadOnlyMemory<byte> lines, int count)
    {
        await _client.SendAsync(lines, SocketFlags.None);
        var seen = 0;
        while (seen < count)
        {
            var n = await _client.ReceiveAsync(_buffer, SocketFlags.None);
            seen += _buffer.AsSpan(0, n).Count((byte)'\n');
        }

        return seen;
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        if (_ownedServer is not null)
        {
            await _ownedServer.DisposeAsync();
        }
    }
}
