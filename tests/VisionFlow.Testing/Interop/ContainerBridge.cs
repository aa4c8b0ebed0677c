using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace VisionFlow.Testing.Interop;

/// <summary>
/// A test peer that behaves like Claude Flow's container bridge on port 9500: it answers <c>initialize</c> itself (as
/// <c>claude-flow 2.0.0-alpha.101</c>), keeps ONE backend session (one connection to the MCP server behind it) for every
/// client, routes each reply back to the client whose request carried its id (ids are not rewritten, so they must be
/// unique across clients, as with the real bridge), broadcasts id-less lines (notifications) to every client, refuses a
/// client beyond its limit with a JSON error line and a close, and, with a token, requires <c>authenticate</c> first
/// (error -32000 and close on failure).
/// </summary>
public sealed class ContainerBridge : IAsyncDisposable
{
    /// <summary>What the real bridge answers <c>initialize</c> with.</summary>
    public const string InitializeResult = """{"protocolVersion":"2024-11-05","serverInfo":{"name":"claude-flow","version":"2.0.0-alpha.101"},"capabilities":{"tools":{"listChanged":true}}}""";

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentDictionary<Client, byte> _clients = new();
    private readonly ConcurrentDictionary<string, Client> _pending = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _backendWrite = new(1, 1);
    private readonly int _maxConnections;
    private readonly string? _token;
    private TcpClient _backend = null!;
    private StreamWriter _backendWriter = null!;
    private Task _accept = Task.CompletedTask;
    private Task _backendRead = Task.CompletedTask;
    private int _refused;
    private long _forwarded;

    private ContainerBridge(int maxConnections, string? token)
    {
        _maxConnections = maxConnections;
        _token = token;
    }

    /// <summary>The port clients connect to.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Clients connected now.</summary>
    public int ClientCount => _clients.Count;

    /// <summary>Clients refused at the limit so far.</summary>
    public int Refused => Volatile.Read(ref _refused);

    /// <summary>Requests forwarded to the backend so far.</summary>
    public long Forwarded => Interlocked.Read(ref _forwarded);

    /// <summary>Starts the bridge in front of the MCP server at 127.0.0.1:<paramref name="backendPort"/>, over one connection to it.</summary>
    public static async Task<ContainerBridge> StartAsync(int backendPort, int maxConnections = 10, string? token = null)
    {
        var bridge = new ContainerBridge(maxConnections, token);
        bridge._backend = new TcpClient();
        await bridge._backend.ConnectAsync(IPAddress.Loopback, backendPort).ConfigureAwait(false);
        var stream = bridge._backend.GetStream();
        bridge._backendWriter = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
        bridge._backendRead = bridge.ReadBackendAsync(new StreamReader(stream, Encoding.UTF8));
        bridge._listener.Start();
        bridge._accept = bridge.AcceptAsync();
        return bridge;
    }

    /// <summary>Sends a notification line to every client, as the bridge does with the server's id-less lines.</summary>
    public Task BroadcastAsync(string line) => Task.WhenAll(_clients.Keys.Select(c => c.WriteAsync(line)));

    /// <summary>Stops accepting, closes every client and the backend session.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        foreach (var c in _clients.Keys)
        {
            c.Close();
        }

        _backend.Dispose();
        await Task.WhenAll(_accept, _backendRead).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        _stop.Dispose();
        _backendWrite.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient socket;
            try
            {
                socket = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var client = new Client(socket);
            if (_clients.Count >= _maxConnections)
            {
                Interlocked.Increment(ref _refused);
                await client.WriteAsync($"{{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{{\"code\":-32000,\"message\":\"Connection limit reached: {_maxConnections} connections\"}}}}").ConfigureAwait(false);
                client.Close();
                continue;
            }

            _clients.TryAdd(client, 0);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(Client client)
    {
        var authenticated = _token is null;
        try
        {
            while (await client.Reader.ReadLineAsync(_stop.Token).ConfigureAwait(false) is { } line)
            {
                string? method = null;
                string? id = null;
                JsonElement parameters = default;
                try
                {
                    using var doc = JsonDocument.Parse(line);
                    var m = doc.RootElement;
                    method = m.TryGetProperty("method", out var mm) ? mm.GetString() : null;
                    id = m.TryGetProperty("id", out var i) && i.ValueKind != JsonValueKind.Null ? i.GetRawText() : null;
                    parameters = m.TryGetProperty("params", out var p) ? p.Clone() : default;
                }
                catch (JsonException)
                {
                    await client.WriteAsync("""{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}""").ConfigureAwait(false);
                    continue;
                }

                if (method == "authenticate")
                {
                    var ok = _token is not null && parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty("token", out var t) && t.GetString() == _token;
                    if (!ok && _token is not null)
                    {
                        await client.WriteAsync($"{{\"jsonrpc\":\"2.0\",\"id\":{id ?? "null"},\"error\":{{\"code\":-32000,\"message\":\"Authentication failed\"}}}}").ConfigureAwait(false);
                        return;
                    }

                    authenticated = true;
                    await client.WriteAsync($"{{\"jsonrpc\":\"2.0\",\"id\":{id ?? "null"},\"result\":{{\"authenticated\":true}}}}").ConfigureAwait(false);
                    continue;
                }

                if (!authenticated)
                {
                    await client.WriteAsync($"{{\"jsonrpc\":\"2.0\",\"id\":{id ?? "null"},\"error\":{{\"code\":-32000,\"message\":\"Authentication required\"}}}}").ConfigureAwait(false);
                    return;
                }

                if (method == "initialize" && id is not null)
                {
                    await client.WriteAsync($"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"result\":{InitializeResult}}}").ConfigureAwait(false);
                    continue;
                }

                if (method == "notifications/initialized")
                {
                    continue; // the one backend session was initialized by the bridge itself
                }

                if (id is not null)
                {
                    _pending[id] = client;
                }

                Interlocked.Increment(ref _forwarded);
                await _backendWrite.WaitAsync(_stop.Token).ConfigureAwait(false);
                try
                {
                    await _backendWriter.WriteLineAsync(line).ConfigureAwait(false);
                }
                finally
                {
                    _backendWrite.Release();
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            _clients.TryRemove(client, out _);
            client.Close();
        }
    }

    private async Task ReadBackendAsync(StreamReader reader)
    {
        // The bridge opens the backend's MCP session once, for everyone.
        await _backendWriter.WriteLineAsync("""{"jsonrpc":"2.0","id":"bridge-init","method":"initialize","params":{"protocolVersion":"2024-11-05","capabilities":{},"clientInfo":{"name":"claude-flow-bridge","version":"2.0.0-alpha.101"}}}""").ConfigureAwait(false);
        await _backendWriter.WriteLineAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""").ConfigureAwait(false);
        try
        {
            while (await reader.ReadLineAsync(_stop.Token).ConfigureAwait(false) is { } line)
            {
                string? id = null;
                try
                {
                    using var doc = JsonDocument.Parse(line);
                    id = doc.RootElement.TryGetProperty("id", out var i) && i.ValueKind != JsonValueKind.Null ? i.GetRawText() : null;
                }
                catch (JsonException)
                {
                    continue;
                }

                if (id is null)
                {
                    await BroadcastAsync(line).ConfigureAwait(false);
                }
                else if (_pending.TryRemove(id, out var owner))
                {
                    await owner.WriteAsync(line).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private sealed class Client
    {
        private readonly TcpClient _socket;
        private readonly StreamWriter _writer;
        private readonly SemaphoreSlim _write = new(1, 1);

        public Client(TcpClient socket)
        {
            _socket = socket;
            var stream = socket.GetStream();
            Reader = new StreamReader(stream, Encoding.UTF8);
            _writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
        }

        public StreamReader Reader { get; }

        public async Task WriteAsync(string line)
        {
            await _write.WaitAsync().ConfigureAwait(false);
            try
            {
                await _writer.WriteLineAsync(line).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException)
            {
            }
            finally
            {
                _write.Release();
            }
        }

        public void Close() => _socket.Dispose();
    }
}
