using System.Net;
using System.Net.Sockets;

namespace VisionFlow.Testing;

/// <summary>
/// A TCP server on 127.0.0.1 (OS-chosen port) that sends every connection back exactly the bytes it receives, with
/// Nagle off so an echoed line leaves at once: the floor for any request/response line, and a peer for connection
/// tests. Counts connections and bytes; disposing it closes every connection.
/// </summary>
public sealed class EchoServer : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _accepted;
    private long _received;

    /// <summary>Starts listening.</summary>
    public EchoServer()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(128);
        EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        _loop = Task.Run(AcceptAsync);
    }

    /// <summary>Where clients connect.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>Connections accepted so far.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>Bytes received (and echoed) so far, over all connections.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Stops accepting and closes every connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket s;
            try
            {
                s = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            s.NoDelay = true;
            Interlocked.Increment(ref _accepted);
            _ = Task.Run(() => EchoAsync(s));
        }
    }

    private async Task EchoAsync(Socket s)
    {
        using (s)
        {
            var buf = new byte[8192];
            try
            {
                while (true)
                {
                    var n = await s.ReceiveAsync(buf, SocketFlags.None, _stop.Token).ConfigureAwait(false);
                    if (n == 0)
                    {
                        return;
                    }

                    Interlocked.Add(ref _received, n);
                    await s.SendAsync(buf.AsMemory(0, n), SocketFlags.None, _stop.Token).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }
    }
}
