using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace VisionFlow.Connections.Link;

/// <summary>
/// What the link's sessions deliver, in order, for one reader (the telemetry intake) to take: each session's agent
/// listings and its end (<see cref="TryTake"/>), and the lines its server pushes (<see cref="TryReadLine"/>). The link
/// owns it and writes; the reader is woken after each write by the one action it <see cref="Subscribe"/>d, and takes
/// everything waiting. Nothing here knows who reads.
/// </summary>
/// <remarks>
/// Every (re)connect is a new session, numbered upwards: its first listing replaces everything known before, and only
/// then do its pushed lines flow. Pushed lines go into a bounded byte ring, so the push path (the connection's reader)
/// copies each line once, as it came off the socket and unparsed (the reader's parse is its only one), and never
/// allocates or blocks; the reader is woken once per socket read, not per line. Lines of a session that is not the open
/// one, or that do not fit, are refused at the door and counted (<see cref="LinesDropped"/>): memory stays fixed
/// whatever the rate.
/// </remarks>
public sealed class McpSessionFeed
{
    private readonly LineRing _lines;
    private readonly ConcurrentQueue<McpSessionDelivery> _deliveries = new();
    private Action? _wake;
    private Action? _linesRead;
    private long _open;
    private long _dropped;

    /// <summary>A feed whose pushed lines are buffered in <paramref name="lineBufferBytes"/> bytes.</summary>
    internal McpSessionFeed(int lineBufferBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lineBufferBytes, 4096);
        _lines = new LineRing(lineBufferBytes);
    }

    /// <summary>Pushed lines refused: of a session that is not the open one, or because the buffer was full (the reader fell behind).</summary>
    public long LinesDropped => Interlocked.Read(ref _dropped);

    /// <summary>Pushed bytes written but not yet read: how far the reader is behind the socket.</summary>
    public long BacklogBytes => _lines.BufferedBytes;

    /// <summary>Registers the reader's wake-up, called (on the writer's thread; it must not block) after each write. One reader only.</summary>
    /// <exception cref="InvalidOperationException">A reader is already subscribed.</exception>
    public void Subscribe(Action wake) => Subscribe(wake, wake);

    /// <summary>
    /// Registers the reader's wake-ups: <paramref name="wake"/> after a listing, an answer or a session's end (on the
    /// link's threads, which may hold its locks: it must not block or run the reader), and <paramref name="linesRead"/>
    /// after the pushed lines of one transport read are in, on the connection's read loop between two socket reads,
    /// where nothing is held: it may run the reader's turn right there (<see cref="LinesPublished"/>). One reader only.
    /// </summary>
    /// <exception cref="InvalidOperationException">A reader is already subscribed.</exception>
    public void Subscribe(Action wake, Action linesRead)
    {
        ArgumentNullException.ThrowIfNull(wake);
        ArgumentNullException.ThrowIfNull(linesRead);
        if (Interlocked.CompareExchange(ref _wake, wake, null) is not null)
        {
            throw new InvalidOperationException("the MCP session feed has one reader");
        }

        Volatile.Write(ref _linesRead, linesRead);
    }

    /// <summary>The next listing, answer or session end, in the order written.</summary>
    public bool TryTake([NotNullWhen(true)] out McpSessionDelivery? delivery) => _deliveries.TryDequeue(out delivery);

    /// <summary>
    /// The next pushed line, with the session it arrived in. <paramref name="line"/> stays valid until the next call;
    /// false when none is waiting.
    /// </summary>
    public bool TryReadLine(out long session, out ReadOnlySpan<byte> line) => _lines.TryRead(out session, out line);

    /// <summary>
    /// A full agent listing (UTF-8 JSON as the server sent it) for <paramref name="session"/>; a newer session's first
    /// one opens it. Completes once the reader has applied it, with whether it changed the agents.
    /// </summary>
    internal ValueTask<bool> PublishListingAsync(long session, byte[] json, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(json);
        var open = Volatile.Read(ref _open);
        while (session > open)
        {
            var seen = Interlocked.CompareExchange(ref _open, session, open);
            open = seen == open ? session : seen;
        }

        var delivery = new McpSessionDelivery(session, json);
        _deliveries.Enqueue(delivery);
        Wake();
        return new ValueTask<bool>(delivery.Applied.Task.WaitAsync(cancellationToken));
    }

    /// <summary>
    /// What a command sent in <paramref name="session"/> was answered about one agent, written by the reader's side as
    /// one telemetry line (<paramref name="line"/>, owned from here on). Queued with the listings, in order: an answer
    /// shows at once, and a listing the server gives after it still has the last word.
    /// </summary>
    public void PublishAnswer(long session, byte[] line)
    {
        ArgumentNullException.ThrowIfNull(line);
        _deliveries.Enqueue(new McpSessionDelivery(session, line, isAnswer: true));
        Wake();
    }

    /// <summary>
    /// A line the server pushed during <paramref name="session"/>, as the connection's reader has it (on that thread:
    /// one copy into the ring, straight from the transport's buffers; never parses, allocates or blocks). The reader is
    /// woken by <see cref="LinesPublished"/>, once the lines of one transport read are all in.
    /// </summary>
    internal void PublishLine(long session, in ReadOnlySequence<byte> line)
    {
        if (session != Volatile.Read(ref _open) || !_lines.TryWrite(session, in line))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    /// <summary>
    /// The lines of one transport read are in (<see cref="PublishLine(long, in ReadOnlySequence{byte})"/>): wakes the
    /// reader once for them all. While what waits is small (<see cref="InlineBacklogBytes"/>: a small swarm's 10 Hz
    /// frame) with the wake that may run it on this thread (the read loop's, between two reads): a push is then one
    /// thread-pool item from socket to change set, not two (issue 23). A big swarm's frame comes in full reads, one after
    /// another: those wake the reader on the pool, so the reads that come while it wakes join its batch, and the read
    /// loop goes on reading meanwhile.
    /// </summary>
    internal void LinesPublished() =>
        (_lines.BufferedBytes <= InlineBacklogBytes ? Volatile.Read(ref _linesRead) ?? Volatile.Read(ref _wake) : Volatile.Read(ref _wake))?.Invoke();

    /// <summary>Pushed bytes waiting up to which <see cref="LinesPublished"/> may run the reader on the read loop.</summary>
    internal const int InlineBacklogBytes = 8 * 1024;

    /// <summary>A pushed line in one piece, as a read of its own (tests, benchmarks): copied in, and the reader woken.</summary>
    internal void PublishLine(long session, ReadOnlySpan<byte> line)
    {
        if (session != Volatile.Read(ref _open) || !_lines.TryWrite(session, line))
        {
            Interlocked.Increment(ref _dropped);
            return;
        }

        Wake();
    }

    /// <summary><paramref name="session"/> ended: its lines are refused from now on, and no agents are known until the next listing.</summary>
    internal void PublishEnd(long session)
    {
        Interlocked.CompareExchange(ref _open, 0, session);
        _deliveries.Enqueue(new McpSessionDelivery(session, null));
        Wake();
    }

    private void Wake() => Volatile.Read(ref _wake)?.Invoke();
}
