using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace VisionFlow.Testing.Chaos;

/// <summary>
/// A loopback-only TCP proxy for chaos tests: listens on 127.0.0.1 (port chosen by the OS), forwards to a loopback
/// upstream, and injects faults switchable at run time (latency + jitter, drop, reset, blackhole, byte-at-a-time,
/// corruption, bandwidth cap). Delays run on the supplied <see cref="TimeProvider"/>, so tests can drive them exactly.
/// </summary>
public sealed partial class FaultProxy : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly IPEndPoint _upstream;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<long, Session> _sessions = new();
    private readonly Task _acceptLoop;
    private FaultSettings _faults;
    private long _nextId;
    private long _accepted;
    private long _dropped;
    private long _reset;
    private long _blackholed;
    private long _toUpstream;
    private long _toClient;
    private long _writes;
    private long _corrupted;
    private long _delayed;
    private int _pendingDelays;
    private long _connectFailures;

    private FaultProxy(IPEndPoint upstream, FaultSettings faults, TimeProvider time, ILogger logger)
    {
        _upstream = upstream;
        _faults = faults;
        _time = time;
        _logger = logger;
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(128);
        EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Where clients connect (127.0.0.1 and an OS-chosen port).</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>The faults in force. Setting Drop or Reset also closes every live connection that way, at once.</summary>
    public FaultSettings Faults
    {
        get => Volatile.Read(ref _faults);
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            value.Validate();
            Volatile.Write(ref _faults, value);
            if (value.Mode is FaultMode.Drop or FaultMode.Reset)
            {
                foreach (var session in _sessions.Values)
                {
                    if (session.Kill(value.Mode == FaultMode.Reset))
                    {
                        Interlocked.Increment(ref value.Mode == FaultMode.Reset ? ref _reset : ref _dropped);
                    }
                }
            }
        }
    }

    /// <summary>Starts a proxy to <paramref name="upstream"/>, which must be a loopback address.</summary>
    public static FaultProxy Start(IPEndPoint upstream, FaultSettings? faults = null, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        if (!IPAddress.IsLoopback(upstream.Address))
        {
            throw new ArgumentException($"FaultProxy forwards to loopback only (was {upstream})", nameof(upstream));
        }

        var settings = faults ?? FaultSettings.None;
        settings.Validate();
        return new FaultProxy(upstream, settings, timeProvider ?? TimeProvider.System, logger ?? NullLogger.Instance);
    }

    /// <summary>A reading of the counters.</summary>
    public FaultProxyStats GetStats() => new(
        Interlocked.Read(ref _accepted),
        _sessions.Count,
        Interlocked.Read(ref _dropped),
        Interlocked.Read(ref _reset),
        Interlocked.Read(ref _blackholed),
        Interlocked.Read(ref _toUpstream),
        Interlocked.Read(ref _toClient),
        Interlocked.Read(ref _writes),
        Interlocked.Read(ref _corrupted),
        Interlocked.Read(ref _delayed),
        Volatile.Read(ref _pendingDelays),
        Interlocked.Read(ref _connectFailures));

    /// <summary>Stops listening and closes every connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        foreach (var session in _sessions.Values)
        {
            session.Kill(reset: false);
        }

        try
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        var stop = _stopping.Token;
        while (!stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(stop).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException && stop.IsCancellationRequested)
            {
                return;
            }

            Interlocked.Increment(ref _accepted);
            client.NoDelay = true;
            _ = Task.Run(() => HandleAsync(client, stop), CancellationToken.None);
        }
    }

    private async Task HandleAsync(Socket client, CancellationToken stop)
    {
        var faults = Faults;
        if (faults.Mode is FaultMode.Drop or FaultMode.Reset)
        {
            Interlocked.Increment(ref faults.Mode == FaultMode.Reset ? ref _reset : ref _dropped);
            Close(client, faults.Mode == FaultMode.Reset);
            return;
        }

        var id = Interlocked.Increment(ref _nextId);
        Socket? upstream = null;
        if (faults.Mode != FaultMode.Blackhole)
        {
            upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await upstream.ConnectAsync(_upstream, stop).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // an unreachable upstream is reported to the client as a reset, like a real middlebox
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Interlocked.Increment(ref _connectFailures);
                LogUpstreamFailed(_logger, _upstream.ToString(), ex.Message);
                upstream.Dispose();
                Close(client, reset: true);
                return;
            }
        }

        var session = new Session(client, upstream);
        _sessions[id] = session;
        if (Faults is { Mode: FaultMode.Drop or FaultMode.Reset } now)
        {
            // The faults changed while this connection was dialling upstream, after the setter had closed the live
            // ones (or while it is closing them): it must not outlive the switch as the one connection that still works.
            _sessions.TryRemove(id, out _);
            if (session.Kill(now.Mode == FaultMode.Reset))
            {
                Interlocked.Increment(ref now.Mode == FaultMode.Reset ? ref _reset : ref _dropped);
            }

            return;
        }

        try
        {
            var up = PumpAsync(session, client, upstream, toUpstream: true, session.Token);
            var down = upstream is null ? Task.CompletedTask : PumpAsync(session, upstream, client, toUpstream: false, session.Token);
            await Task.WhenAll(up, down).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // a broken session just ends
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogSessionEnded(_logger, ex.Message);
        }
        finally
        {
            _sessions.TryRemove(id, out _);
            session.Kill(reset: false);
        }
    }

    private async Task PumpAsync(Session session, Socket from, Socket? to, bool toUpstream, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        long position = 0;
        while (true)
        {
            int n;
            try
            {
                n = await from.ReceiveAsync(buffer, SocketFlags.None, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                session.Kill(reset: false);
                return;
            }

            if (n == 0)
            {
                if (to is not null)
                {
                    TryShutdownSend(to);
                }

                return;
            }

            var faults = Faults;
            if (faults.Mode == FaultMode.Blackhole || to is null)
            {
                Interlocked.Add(ref _blackholed, n);
                continue;
            }

            var applies = faults.Direction == FaultDirection.Both || (faults.Direction == FaultDirection.ToUpstream) == toUpstream;
            var chunk = buffer.AsMemory(0, n);
            if (applies)
            {
                var delay = faults.Latency;
                if (faults.Jitter > TimeSpan.Zero)
                {
                    delay += TimeSpan.FromTicks((long)(faults.Jitter.Ticks * Random.Shared.NextDouble()));
                }

                if (delay > TimeSpan.Zero)
                {
                    await DelayAsync(delay, ct).ConfigureAwait(false);
                }

                if (faults.CorruptEveryNthByte > 0)
                {
                    var span = chunk.Span;
                    for (var i = 0; i < span.Length; i++)
                    {
                        if (++position % faults.CorruptEveryNthByte == 0)
                        {
                            span[i] ^= 0xFF;
                            Interlocked.Increment(ref _corrupted);
                        }
                    }
                }
            }

            // Counted before the write, as the writes are: a peer that has seen these bytes (an echo's answer already
            // back at the client) must also see them counted, whenever this pump's thread next gets the CPU.
            Interlocked.Add(ref toUpstream ? ref _toUpstream : ref _toClient, n);
            try
            {
                if (applies && faults.ByteAtATime)
                {
                    for (var i = 0; i < n; i++)
                    {
                        await SendAllAsync(to, chunk.Slice(i, 1), ct).ConfigureAwait(false);
                    }
                }
                else
                {
                    await SendAllAsync(to, chunk, ct).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                session.Kill(reset: false);
                return;
            }

            if (applies && faults.BandwidthBytesPerSecond > 0)
            {
                await DelayAsync(TimeSpan.FromSeconds((double)n / faults.BandwidthBytesPerSecond), ct).ConfigureAwait(false);
            }
        }
    }

    private async Task SendAllAsync(Socket to, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        while (!data.IsEmpty)
        {
            Interlocked.Increment(ref _writes);
            var sent = await to.SendAsync(data, SocketFlags.None, ct).ConfigureAwait(false);
            data = data[sent..];
        }
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken ct)
    {
        Interlocked.Increment(ref _delayed);
        Interlocked.Increment(ref _pendingDelays);
        try
        {
            await Task.Delay(delay, _time, ct).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _pendingDelays);
        }
    }

    private static void TryShutdownSend(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // already closed
        }
    }

    private static void Close(Socket socket, bool reset)
    {
        try
        {
            if (reset)
            {
                socket.LingerState = new LingerOption(true, 0); // close sends RST instead of FIN
            }
            else
            {
                socket.Shutdown(SocketShutdown.Both);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // already closed
        }

        socket.Dispose();
    }

    private sealed class Session(Socket client, Socket? upstream)
    {
        private readonly CancellationTokenSource _cts = new();
        private int _killed;

        public CancellationToken Token => _cts.Token;

        /// <summary>Closes both sockets; true for the call that did it, false when the session was already closed.</summary>
        public bool Kill(bool reset)
        {
            if (Interlocked.Exchange(ref _killed, 1) != 0)
            {
                return false;
            }

            Close(client, reset);
            if (upstream is not null)
            {
                Close(upstream, reset);
            }

            _cts.Cancel();
            return true;
        }
    }

    [LoggerMessage(EventId = 2601, Level = LogLevel.Warning, Message = "Fault proxy could not reach upstream {Upstream}: {Error}")]
    private static partial void LogUpstreamFailed(ILogger logger, string upstream, string error);

    [LoggerMessage(EventId = 2602, Level = LogLevel.Debug, Message = "Fault proxy session ended: {Error}")]
    private static partial void LogSessionEnded(ILogger logger, string error);
}
