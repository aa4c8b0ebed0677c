using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VisionFlow.Protocol.Contracts.Plain;
using VisionFlow.Protocol.Dispatch;
using VisionFlow.Protocol.Engine;
using VisionFlow.Simulator.Model;
using VisionFlow.Simulator.Dialects;

namespace VisionFlow.Simulator;

/// <summary>
/// The simulator as a real TCP JSON-RPC server (newline-delimited, both dialects). Each client that calls
/// <c>telemetry.subscribe</c> gets the simulator's telemetry frames pushed as raw lines; a slow client loses its oldest
/// frames (at most two are queued per client) instead of slowing the simulation or the other clients.
/// </summary>
public sealed class SimulatorServer : IAsyncDisposable
{
    private const int QueuedFramesPerClient = 2;
    private readonly SwarmSimulator _simulator;
    private readonly Socket _listener;
    private readonly TelemetryPump _pump;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<Client, byte> _clients = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ArrayBufferWriter<byte> _frame = new(64 * 1024);
    private readonly JsonRpcDispatchTable _shared;
    private readonly string? _authToken;
    private Task _acceptLoop = Task.CompletedTask;

    /// <summary>Creates a server for <paramref name="simulator"/> bound to <paramref name="endPoint"/> (port 0 picks one).</summary>
    /// <param name="simulator">The simulated swarm to serve.</param>
    /// <param name="endPoint">Where to listen (port 0 picks one).</param>
    /// <param name="timeProvider">Clock of the telemetry pump.</param>
    /// <param name="logger">Where protocol problems are logged.</param>
    /// <param name="authToken">When set, clients must first send the Claude Flow bridge's <c>authenticate {token}</c>;
    /// every other request before that fails with -32000, as the original TCP bridge does.</param>
    public SimulatorServer(SwarmSimulator simulator, IPEndPoint endPoint, TimeProvider timeProvider, ILogger? logger = null, string? authToken = null)
    {
        _authToken = authToken;
        ArgumentNullException.ThrowIfNull(simulator);
        ArgumentNullException.ThrowIfNull(endPoint);
        _simulator = simulator;
        _logger = logger ?? NullLogger.Instance;
        _shared = simulator.CreateDispatchTable();
        _listener = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Bind(endPoint);
        _pump = new TelemetryPump(simulator, timeProvider, OnFrame);
    }

    /// <summary>The bound address.</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    /// <summary>Connected clients.</summary>
    public int ClientCount => _clients.Count;

    /// <summary>Telemetry frames dropped because a client could not keep up.</summary>
    public long DroppedFrames => Interlocked.Read(ref _dropped);

    private long _dropped;

    /// <summary>Starts listening, accepting and pumping telemetry.</summary>
    public void Start()
    {
        _listener.Listen(512);
        _pump.Start();
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Stops accepting, closes every client and stops the pump.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _pump.Dispose();
        _listener.Dispose();
        try
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        foreach (var client in _clients.Keys)
        {
            await client.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stopping.IsCancellationRequested)
                {
                    return;
                }

                SimulatorLog.AcceptFailed(_logger, ex);
                continue;
            }

            var client = new Client(this);
            client.Start(socket);
            _clients.TryAdd(client, 0);
            _ = client.Connection!.Completion.ContinueWith(
                static (_, state) =>
                {
                    var c = (Client)state!;
                    c.Server._clients.TryRemove(c, out var _);
                    c.DisposeAsync().AsTask();
                },
                client,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    private void OnFrame(SwarmSimulator simulator)
    {
        foreach (var client in _clients.Keys)
        {
            if (client.Subscription is not { } subscription)
            {
                continue;
            }

            _frame.ResetWrittenCount();
            var written = simulator.WriteFrame(_frame, subscription.Events);
            if (written == 0 || _frame.WrittenCount == 0)
            {
                continue;
            }

            var copy = ArrayPool<byte>.Shared.Rent(_frame.WrittenCount);
            _frame.WrittenSpan.CopyTo(copy);
            client.Enqueue(new Frame(copy, _frame.WrittenCount));
        }
    }

    private readonly record struct Frame(byte[] Buffer, int Length);

    /// <summary>One TCP client: its JSON-RPC connection, its subscription and its bounded frame queue.</summary>
    private sealed class Client : IAsyncDisposable
    {
        private readonly Channel<Frame> _frames;
        private readonly CancellationTokenSource _done = new();
        private Task _sender = Task.CompletedTask;
        private int _disposed;

        public Client(SimulatorServer server)
        {
            Server = server;
            _frames = Channel.CreateBounded<Frame>(
                new BoundedChannelOptions(QueuedFramesPerClient) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
                dropped =>
                {
                    Interlocked.Increment(ref server._dropped);
                    ArrayPool<byte>.Shared.Return(dropped.Buffer);
                });
        }

        public SimulatorServer Server { get; }

        public JsonRpcConnection? Connection { get; private set; }

        public TelemetrySubscription? Subscription { get; private set; }

        public void Start(Socket socket)
        {
            var table = new JsonRpcDispatchTable();
            foreach (var method in Server._shared.Methods)
            {
                Server._shared.TryGet(method, out var handler);
                var h = method == PlainDialectMethods.SubscribeTelemetry ? WrapSubscribe(handler!) : handler!;
                table.Add(method, Server._authToken is null ? h : RequireAuthentication(h));
            }

            if (Server._authToken is { } token)
            {
                table.Add("authenticate", (parameters, result, _) =>
                {
                    using var doc = System.Text.Json.JsonDocument.Parse(parameters.IsEmpty ? "{}"u8.ToArray() : parameters);
                    var given = doc.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                        && doc.RootElement.TryGetProperty("token", out var t) && t.ValueKind == System.Text.Json.JsonValueKind.String ? t.GetString() : null;
                    if (!string.Equals(given, token, StringComparison.Ordinal))
                    {
                        throw new VisionFlow.Protocol.JsonRpcException(VisionFlow.Protocol.JsonRpcErrorCodes.ServerError, "authentication failed: invalid token");
                    }

                    _authenticated = true;
                    result.WriteStartObject();
                    result.WriteBoolean("authenticated", true);
                    result.WriteBoolean("simulated", true);
                    result.WriteEndObject();
                    return ValueTask.CompletedTask;
                });
            }

            Connection = JsonRpcConnection.Create(socket, new JsonRpcConnectionOptions
            {
                Dispatch = table,
                Logger = Server._logger,
                Name = "simulator-client " + socket.RemoteEndPoint,
            });
            _sender = Task.Run(SendLoopAsync);
        }

        public void Enqueue(Frame frame)
        {
            if (!_frames.Writer.TryWrite(frame))
            {
                ArrayPool<byte>.Shared.Return(frame.Buffer);
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            _frames.Writer.TryComplete();
            await _done.CancelAsync().ConfigureAwait(false);
            if (Connection is not null)
            {
                await Connection.DisposeAsync().ConfigureAwait(false);
            }

            try
            {
                await _sender.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Closed while sending.
            }

            while (_frames.Reader.TryRead(out var frame))
            {
                ArrayPool<byte>.Shared.Return(frame.Buffer);
            }

            _done.Dispose();
        }

        private volatile bool _authenticated;

        private JsonRpcHandler RequireAuthentication(JsonRpcHandler inner) => (parameters, result, ct) =>
            _authenticated
                ? inner(parameters, result, ct)
                : throw new VisionFlow.Protocol.JsonRpcException(VisionFlow.Protocol.JsonRpcErrorCodes.ServerError, "authentication required: send authenticate {token} first");

        private JsonRpcHandler WrapSubscribe(JsonRpcHandler inner) => async (parameters, result, ct) =>
        {
            await inner(parameters, result, ct).ConfigureAwait(false);
            // The simulator validated and acknowledged; only now does this connection start receiving frames.
            if (TelemetrySubscription.TryParse(parameters.Span, out var subscription, out _))
            {
                Subscription = subscription;
            }
        };

        private async Task SendLoopAsync()
        {
            try
            {
                await foreach (var frame in _frames.Reader.ReadAllAsync(_done.Token).ConfigureAwait(false))
                {
                    try
                    {
                        await Connection!.SendRawLinesAsync(frame.Buffer.AsMemory(0, frame.Length), _done.Token).ConfigureAwait(false);
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(frame.Buffer);
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or JsonRpcConnectionClosedException or ChannelClosedException)
            {
                // The client went away; the close path cleans up.
            }
        }
    }
}
