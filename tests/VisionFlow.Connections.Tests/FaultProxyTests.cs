using System.Net;
using System.Net.Sockets;
using System.Text;
using VisionFlow.Testing.Chaos;
using VisionFlow.Testing;

namespace VisionFlow.Connections.Tests;

public sealed class FaultProxyTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);

    private static async Task<Socket> ConnectAsync(FaultProxy proxy)
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await s.ConnectAsync(proxy.EndPoint);
        return s;
    }

    private static async Task<byte[]> ReadExactlyAsync(Socket s, int count)
    {
        using var cts = new CancellationTokenSource(Generous);
        var buf = new byte[count];
        var got = 0;
        while (got < count)
        {
            var n = await s.ReceiveAsync(buf.AsMemory(got), SocketFlags.None, cts.Token);
            if (n == 0)
            {
                throw new EndOfStreamException($"closed after {got} of {count} bytes");
            }

            got += n;
        }

        return buf;
    }

    private static Task WaitUntilAsync(Func<bool> condition, string what) => Eventually.UntilAsync(condition, what, Generous, pollMilliseconds: 2);

    [Test]
    public async Task Without_faults_bytes_pass_through_both_ways()
    {
        await using var echo = new EchoServer();
        await using var proxy = FaultProxy.Start(echo.EndPoint);
        using var client = await ConnectAsync(proxy);
        await client.SendAsync("hello\n"u8.ToArray(), SocketFlags.None);

        var back = await ReadExactlyAsync(client, 6);

        await Assert.That(Encoding.ASCII.GetString(back)).IsEqualTo("hello\n");
        await Assert.That(proxy.EndPoint.Address).IsEqualTo(IPAddress.Loopback);
        await Assert.That(proxy.GetStats().BytesToUpstream).IsEqualTo(6);
    }

    [Test]
    public async Task Latency_plus_jitter_holds_each_chunk_for_a_delay_in_range()
    {
        var time = new SignallingTimeProvider();
        await using var echo = new EchoServer();
        await using var proxy = FaultProxy.Start(echo.EndPoint, new FaultSettings { Latency = TimeSpan.FromMilliseconds(100), Jitter = TimeSpan.FromMilliseconds(50) }, time);
        using var client = await ConnectAsync(proxy);
        await client.SendAsync("ping"u8.ToArray(), SocketFlags.None);

        var up = await time.NextTimerAsync();
        await Assert.That(proxy.GetStats().PendingDelays).IsEqualTo(1);
        await Assert.That(echo.Received).IsEqualTo(0); // held by the proxy until the clock moves
        time.Advance(up);
        var down = await time.NextTimerAsync();
        time.Advance(down);
        var back = await ReadExactlyAsync(client, 4);

        await Assert.That(Encoding.ASCII.GetString(back)).IsEqualTo("ping");
        await Assert.That(up).IsBetween(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(150));
        await Assert.That(down).IsBetween(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(150));
        await Assert.That(proxy.GetStats().DelayedChunks).IsEqualTo(2);
    }

    [Test]
    public async Task Drop_closes_new_connections_cleanly()
    {
        await using var echo = new EchoServer();
        await using var proxy = FaultProxy.Start(echo.EndPoint, new FaultSettings { Mode = FaultMode.Drop });
        using var client = await ConnectAsync(proxy);
        using var cts = new CancellationTokenSource(Generous);

        var n = await client.ReceiveAsync(new byte[16], SocketFlags.None, cts.Token);

        await Assert.That(n).IsEqualTo(0);
        await Assert.That(proxy.GetStats().Dropped).IsEqualTo(1);
        await Assert.That(echo.Accepted).IsEqualTo(0);
    }

    [Test]
    public async Task Reset_aborts_a_live_connection_with_RST()
    {
        await using var echo = new EchoServer();
        await using var proxy = FaultProxy.Start(echo.EndPoint);
        using var client = await ConnectAsync(proxy);
        await client.SendAsync("a"u8.ToArray(), SocketFlags.None);
        await ReadExactlyAsync(client, 1);

        proxy.Faults = new FaultSettings { Mode = FaultMode.Reset };
        using var cts = new CancellationTokenSource(Generous);
        var error = await Assert.That(async () => await client.ReceiveAsync(new byte[16], SocketFlags.None, cts.Token)).Throws<SocketException>();

        await Assert.That(error!.SocketErrorCode).IsEqualTo(SocketError.ConnectionReset);
        await Assert.That(proxy.GetStats().Reset).IsEqualTo(1);
    }

    [Test]
    public async Task Blackhole_accepts_and_swallows_without_dialling_upstream()
    {
        await using var echo = new EchoServer();
        await using var proxy = FaultProxy.Start(echo.EndPoint, new FaultSettings { Mode = FaultMode.Blackhole });
        using var client = await ConnectAsync(proxy);
        await client.SendAsync("lost"u8.ToArray(), SocketFlags.None);

        await WaitUntilAsync(() => proxy.GetStats().BlackholedBytes == 4, "4 bytes swallowed");

        await Assert.That(echo.Accepted).IsEqualTo(0);
        await Assert.That(client.Available).IsEqualTo(0);
        await Assert.That(proxy.GetStats().Active).IsEqualTo(1);
    }

    [Test]
    public async Task Byte_at_a_time_writes_each_byte_separately()
    {
        await using var echo = new EchoServer();
        await using var proxy = FaultProxy.Start(echo.EndPoint, new FaultSettings { ByteAtATime = true, Direction = FaultDirection.ToUpstream });
        using var client = await ConnectAsync(proxy);
        await client.SendAsync("abcde"u8.ToArray(), SocketFlags.None);

        var back = await ReadExactlyAsync(client, 5);
        await WaitUntilAsync(() => proxy.GetStats().BytesToClient == 5, "5 bytes back to the client");

        await Assert.That(Encoding.ASCII.GetString(back)).IsEqualTo("abcde");
        // Five one-byte writes upstream; the echo's replies come back in at least one write.
        await Assert.That(proxy.GetStats().Writes).IsGreaterThanOrEqualTo(6);
        await Assert.That(proxy.GetStats().Writes).IsLessThanOrEqualTo(10);
    }

    [Test]
    public async Task Corruption_flips_every_nth_byte()
    {
        await using var echo = new EchoServer();
        await using var proxy = FaultProxy.Start(echo.EndPoint, new FaultSettings { CorruptEveryNthByte = 2, Direction = FaultDirection.ToUpstream });
        using var client = await ConnectAsync(proxy);
        await client.SendAsync(new byte[] { 1, 2, 3, 4 }, SocketFlags.None);

        var back = await ReadExactlyAsync(client, 4);

        await Assert.That(string.Join(",", back)).IsEqualTo($"1,{2 ^ 0xFF},3,{4 ^ 0xFF}");
        await Assert.That(proxy.GetStats().CorruptedBytes).IsEqualTo(2);
    }

    [Test]
    public async Task Bandwidth_cap_paces_forwarding_by_bytes_over_rate()
    {
        var time = new SignallingTimeProvider();
        await using var echo = new EchoServer();
        await using var proxy = FaultProxy.Start(echo.EndPoint, new FaultSettings { BandwidthBytesPerSecond = 1000, Direction = FaultDirection.ToUpstream }, time);
        using var client = await ConnectAsync(proxy);
        await client.SendAsync(new byte[500], SocketFlags.None);

        var paced = TimeSpan.Zero;
        while (paced < TimeSpan.FromMilliseconds(500))
        {
            var due = await time.NextTimerAsync();
            paced += due;
            time.Advance(due);
        }

        await ReadExactlyAsync(client, 500);
        await Assert.That(paced).IsEqualTo(TimeSpan.FromMilliseconds(500));
    }

    [Test]
    public async Task Upstream_must_be_loopback()
    {
        await Assert.That(() => FaultProxy.Start(new IPEndPoint(IPAddress.Parse("10.0.0.1"), 9500))).Throws<ArgumentException>();
    }
}
