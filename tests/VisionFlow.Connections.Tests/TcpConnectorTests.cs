using System.Net;
using System.Net.Sockets;
using VisionFlow.Connections.Pooling;
using VisionFlow.Testing;

namespace VisionFlow.Connections.Tests;

public sealed class TcpConnectorTests
{
    [Test]
    public async Task Connects_and_tunes_the_socket()
    {
        await using var echo = new EchoServer();
        var connector = new TcpConnector(new TcpConnectorOptions { ConnectTimeout = TimeSpan.FromSeconds(5) });

        using var socket = await connector.ConnectAsync("127.0.0.1", echo.EndPoint.Port);

        await Assert.That(socket.Connected).IsTrue();
        await Assert.That(socket.NoDelay).IsTrue();
        await Assert.That((int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)!).IsNotEqualTo(0);
        await Assert.That((int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime)!).IsEqualTo(30);
    }

    [Test]
    public async Task Resolves_localhost_by_name()
    {
        await using var echo = new EchoServer();
        var connector = new TcpConnector(new TcpConnectorOptions());
        using var socket = await connector.ConnectAsync("localhost", echo.EndPoint.Port);
        await Assert.That(socket.Connected).IsTrue();
    }

    [Test]
    public async Task A_closed_port_is_refused()
    {
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port; // bound, never listening, then released
        }

        var connector = new TcpConnector(new TcpConnectorOptions());
        var ex = await Assert.That(async () => await connector.ConnectAsync("127.0.0.1", port)).Throws<ConnectException>();
        await Assert.That(ex!.Kind).IsEqualTo(ConnectFailureKind.Refused);
    }

    [Test]
    public async Task An_unknown_host_is_host_not_found()
    {
        var connector = new TcpConnector(new TcpConnectorOptions());
        var ex = await Assert.That(async () => await connector.ConnectAsync("no-such-host.invalid", 9500)).Throws<ConnectException>();
        await Assert.That(ex!.Kind).IsEqualTo(ConnectFailureKind.HostNotFound);
    }

    [Test]
    public async Task A_handshake_that_never_completes_times_out()
    {
        // A listener whose accept backlog is full drops further SYNs, so the next connect hangs until our timeout.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(0);
        var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        var fillers = new List<Socket>();
        try
        {
            var time = new SignallingTimeProvider();
            var connector = new TcpConnector(new TcpConnectorOptions { ConnectTimeout = TimeSpan.FromSeconds(3) }, time);
            Task<Socket>? hung = null;
            for (var i = 0; i < 16 && hung is null; i++)
            {
                var attempt = connector.ConnectAsync("127.0.0.1", port).AsTask();
                await time.NextTimerAsync(d => d == TimeSpan.FromSeconds(3));
                if (await Task.WhenAny(attempt, Task.Delay(50)) == attempt)
                {
                    fillers.Add(await attempt); // backlog not full yet
                }
                else
                {
                    hung = attempt;
                }
            }

            await Assert.That(hung is not null).IsTrue();
            time.Advance(TimeSpan.FromSeconds(3));
            var ex = await Assert.That(async () => await hung!).Throws<ConnectException>();
            await Assert.That(ex!.Kind).IsEqualTo(ConnectFailureKind.Timeout);
        }
        finally
        {
            foreach (var s in fillers)
            {
                s.Dispose();
            }
        }
    }

    [Test]
    public async Task Invalid_options_and_arguments_are_rejected()
    {
        await Assert.That(() => new TcpConnector(new TcpConnectorOptions { ConnectTimeout = TimeSpan.Zero })).Throws<ArgumentException>();
        var connector = new TcpConnector(new TcpConnectorOptions());
        await Assert.That(async () => await connector.ConnectAsync("127.0.0.1", 0)).Throws<ArgumentOutOfRangeException>();
        await Assert.That(async () => await connector.ConnectAsync(" ", 80)).Throws<ArgumentException>();
    }
}
