using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using BenchmarkDotNet.Attributes;
using VisionFlow.Agents;
using VisionFlow.Agents.Intake;
using VisionFlow.Connections.Link;
using VisionFlow.Protocol.Engine;

namespace VisionFlow.Bench;

/// <summary>
/// Telemetry the whole way the product takes it, from the bytes a socket read leaves in the connection's pipe to an
/// applied change set: the JSON-RPC read loop frames and classifies each line and hands push lines to the session feed
/// (as <c>McpSession</c> wires it), and the intake's own loop drains, parses and applies, on two threads as in the
/// service. The same 10,000 lines per batch as <see cref="AgentsIntakeBenchmarks"/> (90 % agent.status over 1,000
/// agents, 10 % message.flow), either as pushed lines (the simulator, any plain-dialect peer) or as the JSON-RPC
/// notifications a container bridge broadcasts (<c>agent/status</c>). Reported per event. <see cref="ReadLoopToFeed"/>
/// is the connection's share alone (framing, classification, the copy into the feed): the part this path's parse-once
/// change is about, and one a batch's size does not move. In <see cref="WireToChangeSet"/> the intake applies whatever has
/// arrived each time it wakes, so how the two loops interleave (many small batches, each with its per-batch sweep, or
/// few large ones) moves the figure as much as either loop's cost.
/// </summary>
[MemoryDiagnoser]
public class AgentsWireBenchmarks : IDisposable
{
    private const long Session = AgentsCacheBenchmarks.Session;
    private const int Agents = 1000;
    private const int SegmentBytes = 16 * 1024;
    private readonly ManualResetEventSlim _applied = new(false);
    private readonly WakeSignal _feedWake = new();
    private byte[][] _framed = [];
    private Pipe _pipe = null!;
    private JsonRpcConnection _connection = null!;
    private Pipe _feedPipe = null!;
    private JsonRpcConnection _feedConnection = null!;
    private McpSessionFeed _feedOnly = null!;
    private TelemetryIntake _intake = null!;
    private CancellationTokenSource _stop = null!;
    private Task _loop = Task.CompletedTask;
    private long _target;
    private int _turn;

    /// <summary>How the peer sends telemetry: pushed lines, or JSON-RPC notifications through a bridge.</summary>
    [Params("push", "notification")]
    public string Shape { get; set; } = "push";

    [GlobalSetup]
    public void Setup()
    {
        var feed = new McpSessionFeed(16 * 1024 * 1024);
        _intake = new TelemetryIntake(new AgentTelemetryOptions { MaxAgents = Agents }, TimeProvider.System, feed);
        AgentsCacheBenchmarks.OpenSession(_intake);
        _intake.ChangesApplied += _ =>
        {
            if (_intake.Counters.Lines >= Volatile.Read(ref _target)) _applied.Set();
        };

        (_pipe, _connection) = Connect(feed);
        _stop = new CancellationTokenSource();
        _loop = Task.Run(() => _intake.RunAsync(_stop.Token));

        // The connection's share alone: a feed whose reader takes the lines out as the intake does, woken the same way,
        // but parses nothing.
        _feedOnly = new McpSessionFeed(16 * 1024 * 1024);
        _ = _feedOnly.PublishListingAsync(Session, "{\"agents\":[]}"u8.ToArray(), CancellationToken.None); // opens the session; nobody applies it
        _feedOnly.Subscribe(_feedWake.Set);
        (_feedPipe, _feedConnection) = Connect(_feedOnly);

        var notifications = Shape == "notification";
        _framed = [Framed(0, notifications), Framed(1, notifications)];
        var spawn = new StringBuilder();
        for (var i = 0; i < Agents; i++) spawn.Append(System.Globalization.CultureInfo.InvariantCulture, $"{{\"type\":\"agent.spawned\",\"data\":{{\"agent_id\":\"agent-{i:0000}\",\"type\":\"coder\",\"status\":\"active\",\"swarm_id\":\"swarm-1\"}}}}\n");
        Send(Encoding.UTF8.GetBytes(spawn.ToString()), Agents);
        for (var i = 0; i < 4; i++)
        {
            WireToChangeSet();
            ReadLoopToFeed().GetAwaiter().GetResult();
        }
    }

    /// <summary>
    /// The connection's share: one batch into the pipe, framed, classified and copied into the session feed by the read
    /// loop; then taken out of the feed (not parsed). Returns once the feed has every line.
    /// </summary>
    [Benchmark(OperationsPerInvoke = AgentsIntakeBenchmarks.LinesPerBatch)]
    public async Task<int> ReadLoopToFeed()
    {
        _feedPipe.Writer.Write(_framed[_turn++ & 1]);
        var flushed = _feedPipe.Writer.FlushAsync();
        if (!flushed.IsCompletedSuccessfully) throw new InvalidOperationException("an unpaused pipe flushes at once");
        var taken = 0;
        while (true)
        {
            while (_feedOnly.TryReadLine(out _, out _)) taken++;
            if (taken >= AgentsIntakeBenchmarks.LinesPerBatch + 1) return taken;
            await _feedWake.WaitAsync(CancellationToken.None);
        }
    }

    /// <summary>One batch of framed bytes into the pipe; returns once the intake has applied its last line.</summary>
    [Benchmark(OperationsPerInvoke = AgentsIntakeBenchmarks.LinesPerBatch)]
    public bool WireToChangeSet()
    {
        var turn = _turn++ & 1;
        Send(_framed[turn], AgentsIntakeBenchmarks.LinesPerBatch + 1);
        return true;
    }

    private void Send(byte[] framed, int lines)
    {
        _applied.Reset();
        Volatile.Write(ref _target, _intake.Counters.Lines + lines);
        _pipe.Writer.Write(framed);
        var flushed = _pipe.Writer.FlushAsync();
        if (!flushed.IsCompletedSuccessfully) throw new InvalidOperationException("an unpaused pipe flushes at once");
        if (!_applied.Wait(TimeSpan.FromMinutes(2))) throw new TimeoutException($"the intake applied {_intake.Counters.Lines} of {Volatile.Read(ref _target)} lines");
    }

    /// <summary>A JSON-RPC connection reading <paramref name="feed"/>'s lines from a pipe, wired as <c>McpHandshake</c> does.</summary>
    private static (Pipe Pipe, JsonRpcConnection Connection) Connect(McpSessionFeed feed)
    {
        // The peer's bytes wait in a pipe (its blocks reused: a copy, not an allocation, per batch) standing in for the
        // socket, and the connection reads them as it reads a socket (SocketDuplexPipe): through a stream, at most 16 KiB
        // a read, so a burst reaches it read by read, not as one 2 MB buffer.
        var pipe = new Pipe(new PipeOptions(pool: new ReusedBlocks(SegmentBytes), minimumSegmentSize: SegmentBytes, pauseWriterThreshold: 0, useSynchronizationContext: false));
        var socketLike = PipeReader.Create(pipe.Reader.AsStream(), new StreamPipeReaderOptions(bufferSize: SegmentBytes, minimumReadSize: 4 * 1024, leaveOpen: true));
        var connection = new JsonRpcConnection(new Duplex(socketLike, new Pipe().Writer), new JsonRpcConnectionOptions
        {
            OnPush = line => feed.PublishLine(Session, line),
            OnPushesDelivered = feed.LinesPublished,
            NotificationsAsPush = true,
            Name = "wire-bench",
        });
        return (pipe, connection);
    }

    /// <summary>
    /// The batch of <see cref="AgentsIntakeBenchmarks"/>, as push lines or as bridge notifications, plus one last line
    /// that always changes an agent (its status alternates), so the batch's end is seen as a change set.
    /// </summary>
    private static byte[] Framed(int variant, bool notifications)
    {
        var text = Encoding.UTF8.GetString(AgentsIntakeBenchmarks.Build(variant));
        var last = $"{{\"type\":\"agent.status\",\"data\":{{\"agent_id\":\"agent-0000\",\"status\":\"{(variant == 0 ? "marker-a" : "marker-b")}\"}}}}\n";
        text += last;
        if (notifications)
        {
            // {"type":"agent.status","data":{…},"timestamp":…} → {"jsonrpc":"2.0","method":"agent/status","params":{…}}
            var sb = new StringBuilder();
            foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var type = line[9..line.IndexOf('"', 9)];
                var dataStart = line.IndexOf("\"data\":", StringComparison.Ordinal) + 7;
                var dataEnd = line.IndexOf("},\"timestamp\"", StringComparison.Ordinal);
                var data = dataEnd < 0 ? line[dataStart..^1] : line[dataStart..(dataEnd + 1)];
                sb.Append("{\"jsonrpc\":\"2.0\",\"method\":\"").Append(type.Replace('.', '/')).Append("\",\"params\":").Append(data).Append("}\n");
            }

            text = sb.ToString();
        }

        return Encoding.UTF8.GetBytes(text);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _stop.Cancel();
        _pipe.Writer.Complete();
        _feedPipe.Writer.Complete();
        _connection.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _feedConnection.DisposeAsync().AsTask().GetAwaiter().GetResult();
        try
        {
            _loop.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
        _applied.Dispose();
        GC.SuppressFinalize(this);
    }

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input => input;

        public PipeWriter Output => output;
    }

    /// <summary>A memory pool whose blocks go back on a free list and are handed out again: no allocation once warm.</summary>
    private sealed class ReusedBlocks(int blockBytes) : MemoryPool<byte>
    {
        private readonly Stack<Block> _free = new();
        private readonly Lock _gate = new();

        public override int MaxBufferSize => blockBytes;

        public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, blockBytes);
            lock (_gate)
            {
                if (_free.TryPop(out var block)) return block;
            }

            return new Block(this, new byte[blockBytes]);
        }

        protected override void Dispose(bool disposing)
        {
        }

        private sealed class Block(ReusedBlocks owner, byte[] array) : IMemoryOwner<byte>
        {
            public Memory<byte> Memory => array;

            public void Dispose()
            {
                lock (owner._gate) owner._free.Push(this);
            }
        }
    }
}
