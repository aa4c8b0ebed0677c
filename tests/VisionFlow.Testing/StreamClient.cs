using System.Net.WebSockets;
using System.Text.Json;

namespace VisionFlow.Testing;

/// <summary>A <c>/ws</c> client for tests: connects, and reads whole messages, text notices by type, or binary frames.</summary>
public sealed class StreamClient : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly byte[] _buffer = new byte[4 << 20];

    private StreamClient(ClientWebSocket socket) => Socket = socket;

    /// <summary>The underlying socket.</summary>
    public ClientWebSocket Socket { get; }

    /// <summary>Connects to <c>/ws</c> on the server at <paramref name="address"/> (its http base address).</summary>
    public static async Task<StreamClient> ConnectAsync(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var socket = new ClientWebSocket();
        var uri = new UriBuilder(address) { Scheme = address.Scheme == "https" ? "wss" : "ws", Path = "/ws" }.Uri;
        await socket.ConnectAsync(uri, CancellationToken.None).ConfigureAwait(false);
        return new StreamClient(socket);
    }

    /// <summary>The next whole message.</summary>
    public async Task<(WebSocketMessageType Type, byte[] Data)> ReceiveAsync()
    {
        using var cts = new CancellationTokenSource(Patience);
        var length = 0;
        WebSocketReceiveResult result;
        do
        {
            result = await Socket.ReceiveAsync(new ArraySegment<byte>(_buffer, length, _buffer.Length - length), cts.Token).ConfigureAwait(false);
            length += result.Count;
        }
        while (!result.EndOfMessage);
        return (result.MessageType, _buffer[..length]);
    }

    /// <summary>The next text notice whose <c>type</c> is <paramref name="type"/> and that satisfies <paramref name="match"/>, skipping the rest.</summary>
    public async Task<JsonElement> ReceiveTextAsync(string type, Func<JsonElement, bool>? match = null)
    {
        while (true)
        {
            var (kind, data) = await ReceiveAsync().ConfigureAwait(false);
            if (kind != WebSocketMessageType.Text)
            {
                continue;
            }

            var root = JsonDocument.Parse(data).RootElement;
            if (root.GetProperty("type").GetString() == type && (match is null || match(root)))
            {
                return root;
            }
        }
    }

    /// <summary>The next binary frame (28-byte records), skipping text.</summary>
    public async Task<byte[]> ReceiveBinaryAsync()
    {
        while (true)
        {
            var (kind, data) = await ReceiveAsync().ConfigureAwait(false);
            if (kind == WebSocketMessageType.Binary)
            {
                return data;
            }
        }
    }

    /// <summary>The node ids of a binary frame.</summary>
    public static uint[] Ids(byte[] frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var ids = new uint[frame.Length / 28];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = BitConverter.ToUInt32(frame, i * 28);
        }

        return ids;
    }

    public async ValueTask DisposeAsync()
    {
        if (Socket.State == WebSocketState.Open)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", cts.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
            }
        }

        Socket.Dispose();
    }
}
