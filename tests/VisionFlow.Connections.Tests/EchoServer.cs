using System.Net;
using System.Net.Sockets;

namespace VisionFlow.Connections.Tests;

/// <summary>A loopback TCP server that echoes every byte back; counts connections and bytes.</summary>
internal sealed class EchoServer : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _accepted;
    private long _received;

    public EchoServer()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(64);
        EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        _loop = Task.Run(AcceptAsync);
    }

    public IPEndPoint EndPoint { get; }

    public int Accepted => Volatile.Read(ref _accepted);

    public long Received => Interlocked.Read(ref _received);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        try
        {
            await _loop;
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
                s = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            Interlocked.Increment(ref _accepted);
            _ = Task.Run(async () =>
            {
                using (s)
                {
                    var buf = new byte[4096];
                    try
                    {
                        while (true)
                        {
                            var n = await s.ReceiveAsync(buf, SocketFlags.None, _stop.Token);
                            if (n == 0)
                            {
                                return;
                            }

                            Interlocked.Add(ref _received, n);
                            await s.SendAsync(buf.AsMemory(0, n), SocketFlags.None, _stop.Token);
                        }
                    }
                    catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
                    {
                    }
                }
            });
        }
    }
}
