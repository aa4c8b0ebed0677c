using System.Net;
using System.Net.Sockets;

namespace VisionFlow.Connections.Pooling;

/// <summary>Opens a tuned TCP socket to host:port within a connect timeout, with typed failures.</summary>
public sealed class TcpConnector
{
    private readonly TcpConnectorOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates a connector; options are validated here.</summary>
    public TcpConnector(TcpConnectorOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Resolves <paramref name="host"/>, connects, and returns the connected socket (NoDelay and keepalive applied).</summary>
    /// <exception cref="ConnectException">Refused, timed out, host not found, unreachable, or another socket error.</exception>
    /// <exception cref="OperationCanceledException">The caller's token was cancelled.</exception>
    public async ValueTask<Socket> ConnectAsync(string host, int port, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);

        using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(host, out var literal)
                ? [literal]
                : await Dns.GetHostAddressesAsync(host, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ConnectException(ConnectFailureKind.Timeout, host, port, null);
        }
        catch (SocketException ex)
        {
            throw new ConnectException(ConnectFailureKind.HostNotFound, host, port, ex);
        }

        if (addresses.Length == 0)
        {
            throw new ConnectException(ConnectFailureKind.HostNotFound, host, port, null);
        }

        Exception? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                Tune(socket);
                await socket.ConnectAsync(new IPEndPoint(address, port), linked.Token).ConfigureAwait(false);
                return socket;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                socket.Dispose();
                throw new ConnectException(ConnectFailureKind.Timeout, host, port, null);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        var error = (last as SocketException)?.SocketErrorCode;
        var kind = error switch
        {
            SocketError.ConnectionRefused => ConnectFailureKind.Refused,
            SocketError.TimedOut => ConnectFailureKind.Timeout,
            SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => ConnectFailureKind.HostNotFound,
            SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.NetworkDown => ConnectFailureKind.Unreachable,
            _ => ConnectFailureKind.Other,
        };
        throw new ConnectException(kind, host, port, last);
    }

    private void Tune(Socket socket)
    {
        socket.NoDelay = _options.NoDelay;
        if (_options.KeepAlive)
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, (int)_options.KeepAliveTime.TotalSeconds);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, (int)_options.KeepAliveInterval.TotalSeconds);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, _options.KeepAliveRetryCount);
        }
    }
}
