using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace VisionFlow.Testing;

/// <summary>
/// A small plain-dialect JSON-RPC peer on 127.0.0.1 that a test steers: which agents it lists, whether it pushes
/// telemetry, whether it answers at all (a hung peer accepts and stays silent), and gates that hold an answer until the
/// test lets it go. It has no <c>task.*</c> methods, so "not offered" can be shown. Real sockets, real framing.
/// </summary>
public sealed class TestPeer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<Socket, StreamWriter> _clients = new();
    private readonly CancellationTokenSource _stopping = new();
    private Socket? _listener;
    private int _nextAgent;
    private int _accepted;
    private int _listings;
    private int _spawns;
    private int _pingErrors;

    private TestPeer()
    {
    }

    /// <summary>The port it listens on (kept across <see cref="StopAsync"/>/<see cref="Restart"/>).</summary>
    public int Port { get; private set; }

    /// <summary>Agents it reports: id → type.</summary>
    public ConcurrentDictionary<string, string> Agents { get; } = new(StringComparer.Ordinal);

    /// <summary>Whether <c>telemetry.subscribe</c> is accepted (else the client must poll).</summary>
    public bool AcceptsSubscribe { get; set; } = true;

    /// <summary>Whether a spawn is pushed as <c>agent.spawned</c> at once (false: a peer that sends it with a later frame).</summary>
    public bool PushesSpawned { get; set; } = true;

    /// <summary>A hung peer: connections are accepted, nothing is ever answered.</summary>
    public bool Hung { get; set; }

    /// <summary>When set, <c>system.ping</c> (the handshake of the plain dialect) waits for it.</summary>
    public TaskCompletionSource? HandshakeGate { get; set; }

    /// <summary>When set, <c>agent.spawn</c> waits for it.</summary>
    public TaskCompletionSource? SpawnGate { get; set; }

    /// <summary>How many of the next <c>system.ping</c> requests are answered with an error (an answer, not a silence).</summary>
    public int PingErrors
    {
        get => Volatile.Read(ref _pingErrors);
        set => Volatile.Write(ref _pingErrors, value);
    }

    /// <summary>Connections accepted so far.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary><c>agent.list</c> requests answered so far.</summary>
    public int Listings => Volatile.Read(ref _listings);

    /// <summary><c>agent.spawn</c> requests received so far.</summary>
    public int Spawns => Volatile.Read(ref _spawns);

    public static TestPeer Start(params string[] agents)
    {
        var peer = new TestPeer();
        foreach (var id in agents)
        {
            peer.Agents[id] = "coder";
        }

        peer.Listen(0);
        return peer;
    }

    /// <summary>Closes every connection and stops listening (a crashed peer).</summary>
    public async Task StopAsync()
    {
        _listener?.Dispose();
        _listener = null;
        foreach (var client in _clients.Keys)
        {
            client.Dispose();
        }

        _clients.Clear();
        await Task.Yield();
    }

    /// <summary>Listens again on the same port with a fresh state: <paramref name="agents"/> only (a respawned peer).</summary>
    public void Restart(params string[] agents)
    {
        Agents.Clear();
        foreach (var id in agents)
        {
            Agents[id] = "coder";
        }

        Listen(Port);
    }

    /// <summary>Sends a telemetry line to every connection that subscribed (here: every connection).</summary>
    public void Push(string line)
    {
        foreach (var writer in _clients.Values)
        {
            lock (writer)
            {
                writer.Write(line + "\n");
                writer.Flush();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await StopAsync();
        _stopping.Dispose();
    }

    private void Listen(int port)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        listener.Listen(64);
        Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        _listener = listener;
        _ = AcceptLoopAsync(listener);
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException or OperationCanceledException)
            {
                return;
            }

            Interlocked.Increment(ref _accepted);
            var stream = new NetworkStream(client, ownsSocket: true);
            var writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = false };
            _clients[client] = writer;
            _ = ServeAsync(client, stream, writer);
        }
    }

    private async Task ServeAsync(Socket client, NetworkStream stream, StreamWriter writer)
    {
        using var reader = new StreamReader(stream, new UTF8Encoding(false));
        try
        {
            while (await reader.ReadLineAsync(_stopping.Token) is { } line)
            {
                if (Hung)
                {
                    continue;
                }

                _ = AnswerAsync(line, writer);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or SocketException)
        {
        }
        finally
        {
            _clients.TryRemove(client, out _);
            client.Dispose();
        }
    }

    private bool TakePingError()
    {
        while (true)
        {
            var left = Volatile.Read(ref _pingErrors);
            if (left <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _pingErrors, left - 1, left) == left)
            {
                return true;
            }
        }
    }

    private async Task AnswerAsync(string line, StreamWriter writer)
    {
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        if (!root.TryGetProperty("id", out var idElement))
        {
            return; // a notification
        }

        var id = idElement.GetRawText();
        var method = root.GetProperty("method").GetString();
        var p = root.TryGetProperty("params", out var ps) ? ps : default;
        string? result = null;
        (int Code, string Message)? error = null;
        switch (method)
        {
            case "initialize":
                error = (-32601, "Method not found: initialize");
                break;
            case "system.ping":
                if (HandshakeGate is { } gate)
                {
                    await gate.Task;
                }

                if (TakePingError())
                {
                    error = (-32000, "busy");
                    break;
                }

                result = """{"server":"test-peer","version":"1"}""";
                break;
            case "agent.status":
                var known = p.GetProperty("agent_id").GetString()!;
                if (Agents.TryGetValue(known, out var knownType))
                {
                    result = $"{{\"agent_id\":\"{known}\",\"type\":\"{knownType}\"}}";
                }
                else
                {
                    error = (-32002, $"Agent not found: {known}");
                }

                break;
            case "agent.list":
                Interlocked.Increment(ref _listings);
                result = "{\"agents\":[" + string.Join(",", Agents.Select(a => $"{{\"agent_id\":\"{a.Key}\",\"type\":\"{a.Value}\"}}")) + "]}";
                break;
            case "telemetry.subscribe":
                if (AcceptsSubscribe)
                {
                    result = """{"subscribed":true}""";
                }
                else
                {
                    error = (-32601, "Method not found: telemetry.subscribe");
                }

                break;
            case "agent.spawn":
                Interlocked.Increment(ref _spawns);
                if (SpawnGate is { } spawnGate)
                {
                    await spawnGate.Task;
                }

                var agent = $"agent-{Interlocked.Increment(ref _nextAgent)}";
                var type = p.GetProperty("type").GetString()!;
                Agents[agent] = type;
                result = $"{{\"agent_id\":\"{agent}\",\"status\":\"idle\"}}";
                if (AcceptsSubscribe && PushesSpawned)
                {
                    Push($"{{\"type\":\"agent.spawned\",\"data\":{{\"agent_id\":\"{agent}\",\"type\":\"{type}\"}}}}");
                }

                break;
            default:
                error = (-32601, $"Method not found: {method}");
                break;
        }

        var response = error is { } e
            ? $"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"error\":{{\"code\":{e.Code},\"message\":\"{e.Message}\"}}}}"
            : $"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"result\":{result}}}";
        try
        {
            lock (writer)
            {
                writer.Write(response + "\n");
                writer.Flush();
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
        }
    }
}
