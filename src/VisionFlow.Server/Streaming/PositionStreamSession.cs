using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

using VisionFlow.Agents;

namespace VisionFlow.Server.Streaming;

/// <summary>
/// One browser's <c>/ws</c> connection. The send loop owns all writes (a WebSocket allows one send at a time) and
/// always encodes the newest snapshot when the previous send has finished, so a slow client skips stale frames
/// instead of queueing them; its memory is one position triple per node and one reusable frame buffer. The keyed topics
/// (<see cref="StreamTopics"/>) go the same way: per topic the session keeps the sequence it last sent, and each turn
/// of the loop sends one message with everything that changed since — so a slow client's changes coalesce into its
/// next message, and one that fell behind the topic's log gets a full one.
/// </summary>
internal sealed class PositionStreamSession
{
    private readonly WebSocket _socket;
    private readonly NodeSnapshotHub _hub;
    private readonly StreamTopics _topics;
    private ArrayBufferWriter<byte> _topicBuffer = new(4096);
    private long[] _topicCursors = [];
    private readonly StreamOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<ReadOnlyMemory<byte>> _text;
    private readonly WakeSignal _wake = new();
    private volatile int _rateHz;
    private volatile bool _fullRequested = true;
    private volatile bool _topicsFullRequested;
    private volatile bool _goingAway;

    internal PositionStreamSession(WebSocket socket, NodeSnapshotHub hub, StreamTopics topics, StreamOptions options, TimeProvider time, ILogger logger)
    {
        _socket = socket;
        _hub = hub;
        _topics = topics;
        _options = options;
        _time = time;
        _logger = logger;
        _rateHz = options.MaxRateHz;
        _text = Channel.CreateBounded<ReadOnlyMemory<byte>>(new BoundedChannelOptions(options.TextQueueCapacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
    }

    /// <summary>Frames sent so far (binary).</summary>
    public long FramesSent { get; private set; }

    /// <summary>Topic messages sent so far (text), and how many of them were full.</summary>
    public (long Messages, long Full) TopicMessagesSent => (Volatile.Read(ref _topicMessages), Volatile.Read(ref _topicFull));

    /// <summary>The sequence of <paramref name="topic"/> this client was last sent; -1 before its first message.</summary>
    public long TopicCursor(KeyedTopic topic)
    {
        var index = -1;
        var all = _topics.All;
        for (var i = 0; i < all.Count; i++)
        {
            if (ReferenceEquals(all[i], topic)) index = i;
        }

        var cursors = Volatile.Read(ref _topicCursors);
        return index >= 0 && index < cursors.Length ? Volatile.Read(ref cursors[index]) : -1;
    }

    private long _topicMessages;
    private long _topicFull;

    internal void EnqueueText(ReadOnlyMemory<byte> utf8Json)
    {
        _text.Writer.TryWrite(utf8Json);
        _wake.Set();
    }

    /// <summary>Runs the session until the peer leaves, <paramref name="aborted"/> fires, or a stop is requested.</summary>
    /// <param name="aborted">The connection is gone or must be dropped now (the request's abort token).</param>
    /// <param name="goingAway">The server is stopping: the client gets a close frame (1001) instead of a reset.</param>
    internal async Task RunAsync(CancellationToken aborted, CancellationToken goingAway = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        _hub.Subscribe(_wake);
        _topics.Subscribe(_wake);
        using var stopping = goingAway.UnsafeRegister(static s => ((PositionStreamSession)s!).BeginGoingAway(), this);
        try
        {
            await RunLoopsAsync(cts).ConfigureAwait(false);
        }
        finally
        {
            _hub.Unsubscribe(_wake);
            _topics.Unsubscribe(_wake);
        }
    }

    private void BeginGoingAway()
    {
        _goingAway = true;
        _wake.Set();
    }

    private async Task RunLoopsAsync(CancellationTokenSource cts)
    {
        var receive = ReceiveLoopAsync(cts.Token);
        var send = SendLoopAsync(cts.Token);
        var first = await Task.WhenAny(receive, send).ConfigureAwait(false);
        if (first == send && send.IsCompletedSuccessfully && _socket.State == WebSocketState.CloseSent)
        {
            // Our close frame is out: RFC 6455 has the peer answer with its own, which the receive loop reads. Waiting
            // for it (bounded) lets both sides finish the close handshake instead of the client seeing a reset.
            try
            {
                await receive.WaitAsync(_options.CloseHandshakeTimeout, _time, cts.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException or WebSocketException or IOException)
            {
                // The peer did not answer in time, or it is gone: the socket is aborted below either way.
            }
        }

        await cts.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(receive, send).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException)
        {
            // The peer went away or we are shutting down: both loops are done either way.
        }
    }

    private async Task SendLoopAsync(CancellationToken ct)
    {
        using var state = new ClientFrameState(_options.MovementThreshold);

        // The rate cap waits on the session's wake, not a delay, so a topic change or a notice that comes meanwhile goes
        // at once: a status change does not wait out the frame interval (bench attributes).
        using var frameDue = _time.CreateTimer(static s => ((WakeSignal)s!).Set(), _wake, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        long lastTopology = -1;
        while (!ct.IsCancellationRequested && _socket.State == WebSocketState.Open && !_goingAway)
        {
            while (_text.Reader.TryRead(out var notice))
            {
                await _socket.SendAsync(notice, WebSocketMessageType.Text, true, ct).ConfigureAwait(false);
            }

            await SendTopicsAsync(ct).ConfigureAwait(false);

            var snapshot = _hub.Current;
            if (snapshot.Sequence > state.LastSequence || _fullRequested)
            {
                // The client's rate caps the continuous stream; a new topology (a node appeared or went) goes at once.
                var interval = TimeSpan.FromSeconds(1.0 / _rateHz);
                var wait = state.FrameWait(_time.GetTimestamp(), interval, _time.TimestampFrequency);
                if (wait > TimeSpan.Zero && snapshot.TopologyVersion == lastTopology && !_fullRequested)
                {
                    frameDue.Change(wait, Timeout.InfiniteTimeSpan);
                    await _wake.WaitAsync(ct).ConfigureAwait(false);
                    continue;
                }

                if (_fullRequested)
                {
                    _fullRequested = false;
                    state.RequestComplete();
                }

                // Nodes came, went or changed places (always so for the first frame), not a topology of edges alone.
                var nodesChanged = snapshot.TopologyVersion != lastTopology && (lastTopology < 0 || state.NodesChanged(snapshot));

                // The state buffer is recycled once nobody holds it: hold it while encoding, or take the newer snapshot.
                if (!snapshot.TryAcquire())
                {
                    continue;
                }

                ReadOnlyMemory<byte> frame;
                try
                {
                    frame = state.Encode(snapshot);
                }
                finally
                {
                    snapshot.Release();
                }

                lastTopology = snapshot.TopologyVersion;
                if (nodesChanged)
                {
                    // Before the frame: a complete one replaces what the client drew; otherwise the client drops the
                    // nodes that went, and the frame brings the new ones (what they are comes as `nodes` messages).
                    var topology = TopologyNotice(snapshot, state);
                    await _socket.SendAsync(topology, WebSocketMessageType.Text, true, ct).ConfigureAwait(false);
                }

                state.FrameSent(_time.GetTimestamp(), interval, _time.TimestampFrequency);
                if (!frame.IsEmpty)
                {
                    await _socket.SendAsync(frame, WebSocketMessageType.Binary, true, ct).ConfigureAwait(false);
                    FramesSent++;
                }

                continue;
            }

            await _wake.WaitAsync(ct).ConfigureAwait(false);
        }

        if (_goingAway)
        {
            // Sent from the send loop, after its last frame: the close can never interleave with a frame.
            await CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "server shutting down", ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// <c>{"type":"topology","version":V,"nodes":N}</c> before a complete frame; with <c>"removed":[ids]</c> (the nodes
    /// the client should drop, maybe none) before a frame that carries only the new and the moved nodes.
    /// </summary>
    private static ReadOnlyMemory<byte> TopologyNotice(NodeSnapshot snapshot, ClientFrameState state) => StreamNotices.Write(w =>
    {
        w.WriteString("type"u8, "topology"u8);
        w.WriteNumber("version"u8, snapshot.TopologyVersion);
        w.WriteNumber("nodes"u8, snapshot.Count);
        if (!state.LastWasComplete)
        {
            w.WriteStartArray("removed"u8);
            foreach (var id in state.Removed)
            {
                w.WriteNumberValue(id);
            }

            w.WriteEndArray();
        }
    });

    /// <summary>One message per topic that changed since this client's last (full on its first, or when it fell behind).</summary>
    private async Task SendTopicsAsync(CancellationToken ct)
    {
        var topics = _topics.All;
        if (_topicCursors.Length < topics.Count)
        {
            var grown = new long[topics.Count];
            Array.Fill(grown, -1);
            _topicCursors.CopyTo(grown, 0);
            Volatile.Write(ref _topicCursors, grown);
        }

        var full = _topicsFullRequested;
        _topicsFullRequested = false;
        for (var i = 0; i < topics.Count; i++)
        {
            var topic = topics[i];
            var cursor = full ? -1 : _topicCursors[i];
            if (cursor >= 0 && topic.Sequence <= cursor)
            {
                continue;
            }

            _topicBuffer.ResetWrittenCount();
            Volatile.Write(ref _topicCursors[i], topic.WriteMessage(cursor, _topicBuffer, out var wasFull));
            if (_topicBuffer.WrittenCount == 0)
            {
                continue;
            }

            await _socket.SendAsync(_topicBuffer.WrittenMemory, WebSocketMessageType.Text, true, ct).ConfigureAwait(false);
            Interlocked.Increment(ref _topicMessages);
            if (wasFull)
            {
                Interlocked.Increment(ref _topicFull);
            }

            // A message the size of 10,000 agents is not kept for the next, small one.
            if (_topicBuffer.Capacity > 1 << 20 && _topicBuffer.WrittenCount < 1 << 16)
            {
                _topicBuffer = new ArrayBufferWriter<byte>(4096);
            }
        }
    }

    private async Task ReceiveLoopAsync(CancellationToken ct)
    {
        var buffer = new byte[_options.MaxControlMessageBytes];
        while (!ct.IsCancellationRequested)
        {
            var length = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                if (length == buffer.Length)
                {
                    await CloseAsync(WebSocketCloseStatus.MessageTooBig, $"control messages are limited to {buffer.Length} bytes", ct).ConfigureAwait(false);
                    return;
                }

                result = await _socket.ReceiveAsync(buffer.AsMemory(length), ct).ConfigureAwait(false);
                length += result.Count;
            }
            while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                await CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", ct).ConfigureAwait(false);
                return;
            }

            if (result.MessageType == WebSocketMessageType.Binary)
            {
                SendError("binary messages from clients are not accepted; send JSON text control messages");
                continue;
            }

            if (!StreamControl.TryParse(buffer.AsSpan(0, length), _options.MaxRateHz, out var control, out var error))
            {
                SendError(error);
                continue;
            }

            switch (control.Kind)
            {
                case StreamControlKind.SetRate:
                    _rateHz = control.RateHz;
                    EnqueueText(StreamNotices.Write(w =>
                    {
                        w.WriteString("type"u8, "rate"u8);
                        w.WriteNumber("hz"u8, control.RateHz);
                    }));
                    break;
                case StreamControlKind.RequestFull:
                    // Woken too, so a settled graph (no new snapshots) still gets its complete frame now.
                    _fullRequested = true;
                    _topicsFullRequested = true;
                    _wake.Set();
                    break;
            }
        }
    }

    private void SendError(string message)
    {
        StreamLog.ControlRejected(_logger, message);
        EnqueueText(StreamNotices.Write(w =>
        {
            w.WriteString("type"u8, "error"u8);
            w.WriteString("message"u8, message);
        }));
    }

    private async Task CloseAsync(WebSocketCloseStatus status, string reason, CancellationToken ct)
    {
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            await _socket.CloseOutputAsync(status, reason, ct).ConfigureAwait(false);
        }
    }
}
