using System.Diagnostics;
using System.Net.WebSockets;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.Extensions.DependencyInjection;
using VisionFlow.Server.Configuration;
using VisionFlow.Server.Streaming;
using VisionFlow.Testing.Hosting;

namespace VisionFlow.Bench.Goals;

/// <summary>
/// WebSocket fan-out: <see cref="Clients"/> <see cref="ClientWebSocket"/> clients on <c>/ws</c> of the real server
/// (<c>ServerHost.Build(..., runtime: false)</c>) while the benchmark publishes a 10,000-node <see cref="NodeSnapshot"/>
/// into the server's <see cref="NodeSnapshotHub"/> at 60 Hz for <see cref="Seconds"/> seconds, moving 10 % of the nodes
/// per snapshot (so each client gets deltas after its complete frame). One operation is the whole timed run; the figures
/// (frames and bytes delivered per client and in total, and frames published but never delivered) are printed as
/// <c>// FANOUT</c> lines, since BenchmarkDotNet's own column is just the run's duration.
/// </summary>
[Config(typeof(FanOutConfig))]
public class WebSocketFanOutBenchmarks
{
    private const int Clients = 50;
    private const int Nodes = 10_000;
    private const int Seconds = 5;
    private const double RateHz = 60;

    private RunningServer _server = null!;
    private NodeSnapshotHub _hub = null!;

    [GlobalSetup]
    public void Setup()
    {
        _server = RunningServer.StartAsync(new ServerOptions { RateLimitPerSecond = 0, EnableMcp = false }, runtime: false).GetAwaiter().GetResult();
        _hub = _server.Services.GetRequiredService<NodeSnapshotHub>();
    }

    [GlobalCleanup]
    public void Cleanup() => _server.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Description = "50 clients, 10k nodes, 10 % moving, 60 Hz, 5 s")]
    public async Task FanOut()
    {
        var ids = new uint[Nodes];
        for (var i = 0; i < Nodes; i++)
        {
            ids[i] = (uint)i;
        }

        // Two state buffers alternate so a published snapshot is never written again while clients may read it.
        var states = new[] { new float[Nodes * NodeSnapshot.Stride], new float[Nodes * NodeSnapshot.Stride] };
        var random = new Random(42);
        foreach (var s in states)
        {
            for (var i = 0; i < s.Length; i++)
            {
                s[i] = (float)(random.NextDouble() * 1000);
            }
        }

        var sequence = _hub.Current.Sequence;
        var topology = _hub.Current.TopologyVersion + 1;
        _hub.Publish(new NodeSnapshot(ids, states[0], topology, ++sequence));

        var ws = new Uri(_server.Address.ToString().Replace("http://", "ws://", StringComparison.Ordinal) + "ws");
        using var stop = new CancellationTokenSource();
        var sockets = new ClientWebSocket[Clients];
        for (var c = 0; c < Clients; c++)
        {
            sockets[c] = new ClientWebSocket();
            await sockets[c].ConnectAsync(ws, CancellationToken.None);
        }

        var receivers = new Task<(long Frames, long Bytes)>[Clients];
        for (var c = 0; c < Clients; c++)
        {
            receivers[c] = ReceiveAsync(sockets[c], stop.Token);
        }

        var published = 0L;
        var clock = Stopwatch.StartNew();
        using (var timer = new PeriodicTimer(TimeSpan.FromSeconds(1 / RateHz)))
        {
            var frame = 0;
            while (clock.Elapsed < TimeSpan.FromSeconds(Seconds) && await timer.WaitForNextTickAsync())
            {
                var next = states[++frame & 1];
                Array.Copy(states[(frame - 1) & 1], next, next.Length);
                for (var n = 0; n < Nodes / 10; n++)
                {
                    var i = random.Next(Nodes) * NodeSnapshot.Stride;
                    next[i] += 1f;
                    next[i + 1] -= 1f;
                }

                _hub.Publish(new NodeSnapshot(ids, next, topology, ++sequence));
                published++;
            }
        }

        var elapsed = clock.Elapsed.TotalSeconds;
        // Let in-flight frames land, then close.
        await Task.Delay(200);
        await stop.CancelAsync();
        var results = await Task.WhenAll(receivers);
        foreach (var s in sockets)
        {
            s.Abort();
            s.Dispose();
        }

        var frames = results.Sum(r => r.Frames);
        var bytes = results.Sum(r => r.Bytes);
        var minFrames = results.Min(r => r.Frames);
        var maxFrames = results.Max(r => r.Frames);
        var expected = (published + 1) * Clients; // +1: the complete frame of the initial snapshot
        Console.WriteLine($"// FANOUT clients={Clients} nodes={Nodes} seconds={elapsed:F2} published={published} ({published / elapsed:F1}/s)");
        Console.WriteLine($"// FANOUT delivered frames total={frames} ({frames / elapsed:F0}/s), per client min={minFrames} max={maxFrames} mean={(double)frames / Clients:F1} ({(double)frames / Clients / elapsed:F1}/s)");
        Console.WriteLine($"// FANOUT bytes total={bytes} ({bytes / elapsed / 1e6:F1} MB/s), per client {(double)bytes / Clients / elapsed / 1e6:F2} MB/s, mean frame {(double)bytes / Math.Max(1, frames):F0} B");
        Console.WriteLine($"// FANOUT not delivered (coalesced or dropped) = {expected - frames} of {expected} ({100.0 * (expected - frames) / expected:F2} %)");
    }

    private static async Task<(long Frames, long Bytes)> ReceiveAsync(ClientWebSocket socket, CancellationToken stop)
    {
        var buffer = new byte[1 << 20];
        long frames = 0, bytes = 0;
        try
        {
            while (true)
            {
                var r = await socket.ReceiveAsync(buffer, stop);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                if (r.MessageType == WebSocketMessageType.Binary)
                {
                    bytes += r.Count;
                    if (r.EndOfMessage)
                    {
                        frames++;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (WebSocketException)
        {
        }

        return (frames, bytes);
    }

    private sealed class FanOutConfig : ManualConfig
    {
        public FanOutConfig() => AddJob(Job.Dry.WithToolchain(InProcessEmitToolchain.Instance).WithId("FanOut5s"));
    }
}
