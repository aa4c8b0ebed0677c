using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VisionFlow.Protocol.Dispatch;
using VisionFlow.Protocol.Framing;

namespace VisionFlow.Protocol.Engine;

/// <summary>
/// A JSON-RPC 2.0 peer over newline-delimited JSON: sends requests and notifications (<see cref="IJsonRpcInvoker"/>),
/// correlates responses by id, delivers notifications and telemetry push lines to the sinks in
/// <see cref="JsonRpcConnectionOptions"/>, and answers incoming requests through an optional <see cref="JsonRpcDispatchTable"/>.
/// When the connection ends, for whatever reason, every pending request fails at once with <see cref="JsonRpcConnectionClosedException"/>.
/// </summary>
/// <remarks>
/// Requests inside a received batch are answered one by one, each response on its own line (our own client correlates
/// either way, and it keeps one response path). Incoming requests run concurrently with the read loop, so a slow handler
/// never delays responses to this side's own requests.
/// <para>The type is split by concern: <c>JsonRpcConnection.Outgoing.cs</c> (what this side sends, and the correlation
/// of responses to its requests), <c>.SendPath.cs</c> (one message at a time into the pipe), <c>.ReadLoop.cs</c> (lines
/// in, classified and routed), <c>.IncomingRequests.cs</c> (the peer's requests answered through the dispatch table) and
/// <c>.Close.cs</c>.</para>
/// </remarks>
public sealed partial class JsonRpcConnection : IJsonRpcInvoker, IAsyncDisposable
{
    private readonly IAsyncDisposable? _ownedTransport;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly string _name;
    private readonly Task _readLoop;

    private JsonRpcConnectionClosedException? _closeException;
    private long _messagesIn, _messagesOut, _requestsIn, _notificationsIn, _pushLinesIn, _invalid, _unknownIds, _oversize, _cancelled;
    private long _lastMessageTicks = long.MinValue;

    /// <summary>Starts a connection over <paramref name="transport"/>; the caller keeps ownership of the transport's resources.</summary>
    public JsonRpcConnection(IDuplexPipe transport, JsonRpcConnectionOptions? options = null)
        : this(transport, options, ownedTransport: null)
    {
    }

    private JsonRpcConnection(IDuplexPipe transport, JsonRpcConnectionOptions? options, IAsyncDisposable? ownedTransport)
    {
        ArgumentNullException.ThrowIfNull(transport);
        options ??= new JsonRpcConnectionOptions();
        _input = transport.Input;
        _output = transport.Output;
        _ownedTransport = ownedTransport;
        _framer = new LineFramer(options.MaxLineLength);
        _dispatch = options.Dispatch;
        _onNotification = options.OnNotification;
        _onPush = options.OnPush;
        _onPushesDelivered = options.OnPushesDelivered;
        _notificationsAsPush = options.NotificationsAsPush;
        _logger = options.Logger ?? NullLogger.Instance;
        _time = options.TimeProvider ?? TimeProvider.System;
        _name = options.Name;
        _readLoop = Task.Run(ReadLoopAsync);
    }

    /// <summary>Starts a connection over a connected socket, which it owns from now on (disposing the connection closes it).</summary>
    public static JsonRpcConnection Create(Socket socket, JsonRpcConnectionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(socket);
        socket.NoDelay = true;
        var pipe = new SocketDuplexPipe(socket);
        return new JsonRpcConnection(pipe, options, pipe);
    }

    /// <summary>
    /// Starts a connection over <paramref name="transport"/>, which it owns from now on through <paramref name="owner"/>:
    /// when the connection closes, for whatever reason, the owner is disposed after the transport's pipes are completed
    /// (a child process spoken to over its stdin and stdout is stopped).
    /// </summary>
    public static JsonRpcConnection Create(IDuplexPipe transport, IAsyncDisposable owner, JsonRpcConnectionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(owner);
        return new JsonRpcConnection(transport, options, owner);
    }

    /// <summary>Connects a TCP socket to <paramref name="endPoint"/> and starts a connection over it.</summary>
    public static async ValueTask<JsonRpcConnection> ConnectAsync(EndPoint endPoint, JsonRpcConnectionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        var socket = endPoint.AddressFamily == AddressFamily.InterNetwork
            ? new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
            : new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return Create(socket, options);
    }

    /// <summary>The random prefix of this process's request ids.</summary>
    public static string RequestIdPrefix => RequestIds.ProcessPrefix;

    /// <summary>True until the connection starts closing.</summary>
    public bool IsConnected => Volatile.Read(ref _closeException) is null;

    /// <summary>Why the connection closed, or null while it is open.</summary>
    public JsonRpcCloseReason? CloseReason => Volatile.Read(ref _closeException)?.Reason;

    /// <summary>The exception pending requests failed with (reason and detail), or null while open.</summary>
    public JsonRpcConnectionClosedException? CloseException => Volatile.Read(ref _closeException);

    /// <summary>Completes (never faults) once the connection has closed; read <see cref="CloseException"/> for why.</summary>
    public Task Completion => _closed.Task;

    /// <summary>A consistent-enough snapshot of the counters; cheap, lock-free except for the pending count.</summary>
    internal JsonRpcConnectionCounters Counters
    {
        get
        {
            int pending;
            lock (_pending)
            {
                pending = _pending.Count;
            }

            var ticks = Interlocked.Read(ref _lastMessageTicks);
            return new JsonRpcConnectionCounters(
                Interlocked.Read(ref _messagesIn),
                Interlocked.Read(ref _messagesOut),
                Interlocked.Read(ref _requestsIn),
                Interlocked.Read(ref _notificationsIn),
                Interlocked.Read(ref _pushLinesIn),
                _framer.BannerLinesSkipped,
                Interlocked.Read(ref _invalid),
                Interlocked.Read(ref _unknownIds),
                Interlocked.Read(ref _oversize),
                Interlocked.Read(ref _cancelled),
                pending,
                ticks == long.MinValue ? null : new DateTimeOffset(ticks, TimeSpan.Zero),
                (_ownedTransport as SocketDuplexPipe)?.Sends ?? 0);
        }
    }
}
