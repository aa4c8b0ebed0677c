using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using VisionFlow.Protocol.Engine;
using VisionFlow.Testing;

namespace VisionFlow.Protocol.Tests;

/// <summary>Connected socket pairs on 127.0.0.1.</summary>
internal static class Loopback
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    public static async Task<(Socket Client, Socket Server)> ConnectAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var accept = listener.AcceptAsync();
        await client.ConnectAsync(listener.LocalEndPoint!);
        var server = await accept.WaitAsync(Patience);
        return (client, server);
    }

    /// <summary>A JsonRpcConnection client talking to a raw socket peer the test scripts byte by byte.</summary>
    public static async Task<(JsonRpcConnection Client, RawPeer Peer)> ClientWithRawPeerAsync(JsonRpcConnectionOptions? options = null)
    {
        var (c, s) = await ConnectAsync();
        return (JsonRpcConnection.Create(c, options), new RawPeer(s));
    }

    /// <summary>Two JsonRpcConnections connected to each other.</summary>
    public static async Task<(JsonRpcConnection Client, JsonRpcConnection Server)> PairAsync(JsonRpcConnectionOptions clientOptions, JsonRpcConnectionOptions serverOptions)
    {
        var (c, s) = await ConnectAsync();
        return (JsonRpcConnection.Create(c, clientOptions), JsonRpcConnection.Create(s, serverOptions));
    }

    public static async Task<T> CatchAsync<T>(Func<Task> action)
        where T : Exception
    {
        try
        {
            await action().WaitAsync(Patience);
        }
        catch (T e)
        {
            return e;
        }

        throw new InvalidOperationException($"expected {typeof(T).Name}");
    }

    public static Task WaitUntilAsync(Func<bool> condition) => Eventually.UntilAsync(condition, "the condition met in time", Patience);
}

/// <summary>The far end of a socket, driven line by line by a test.</summary>
internal sealed class RawPeer : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly StreamReader _reader;

    public RawPeer(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = new StreamReader(_stream, new UTF8Encoding(false));
    }

    public async Task SendAsync(string text) => await SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    public async Task<string> ReadLineAsync()
        => await _reader.ReadLineAsync().WaitAsync(Loopback.Patience) ?? throw new EndOfStreamException("peer input ended");

    public async Task<JsonElement> ReadJsonAsync()
    {
        using var doc = JsonDocument.Parse(await ReadLineAsync());
        return doc.RootElement.Clone();
    }

    /// <summary>Reads a request and returns its id's raw JSON (for echoing in a scripted response).</summary>
    public async Task<(string IdJson, JsonElement Request)> ReadRequestAsync()
    {
        var request = await ReadJsonAsync();
        return (request.GetProperty("id").GetRawText(), request);
    }

    public void Close()
    {
        _socket.Shutdown(SocketShutdown.Both);
        _socket.Close();
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        await _stream.DisposeAsync();
    }
}
