using System.IO.Pipelines;
using System.Net.Sockets;

namespace VisionFlow.Protocol.Engine;

/// <summary>
/// An <see cref="IDuplexPipe"/> over a socket it owns. Reads come straight from the socket's stream; writes go into an
/// in-memory <see cref="Pipe"/> that a send loop drains, so a flush is a signal rather than a system call and every
/// message written while a send is pending goes out in the next one.
/// </summary>
/// <remarks>
/// One send per message made a burst of 32 requests cost 32 sends here and 32 wake-ups on the peer (StreamJsonRpc
/// batches, and was twice as fast for it). The send loop is scheduled on the writing thread's local queue
/// (<see cref="LocalQueueScheduler"/>), so it runs when the writer's current work item ends: a burst goes out as one
/// send, and a lone request costs no hop to another thread.
/// </remarks>
internal sealed class SocketDuplexPipe : IDuplexPipe, IAsyncDisposable
{
    // Unsent bytes beyond this make writers wait (backpressure on a peer that reads slower than we write).
    private const long PauseWriterThreshold = 1024 * 1024;
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(2);

    private readonly NetworkStream _stream;
    private readonly Pipe _output;
    private readonly Task _sendLoop;
    private Lazy<Task>? _disposal;
    private long _sends;

    public SocketDuplexPipe(Socket socket)
    {
        _stream = new NetworkStream(socket, ownsSocket: true);

        // Zero-byte reads keep an idle connection from pinning a read buffer; the stream itself is disposed by us.
        Input = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4 * 1024, leaveOpen: true, useZeroByteReads: true));
        _output = new Pipe(new PipeOptions(
            readerScheduler: new LocalQueueScheduler(),
            writerScheduler: PipeScheduler.ThreadPool,
            pauseWriterThreshold: PauseWriterThreshold,
            resumeWriterThreshold: PauseWriterThreshold / 2,
            minimumSegmentSize: 4 * 1024,
            useSynchronizationContext: false));
        _sendLoop = SendLoopAsync();
    }

    public PipeReader Input { get; }

    public PipeWriter Output => _output.Writer;

    /// <summary>Socket writes issued so far.</summary>
    public long Sends => Interlocked.Read(ref _sends);

    /// <summary>Closes gracefully: see <see cref="CloseAsync"/> with drain.</summary>
    public ValueTask DisposeAsync() => CloseAsync(drain: true);

    /// <summary>
    /// Closes the socket. With <paramref name="drain"/>, bytes already written go out first once the owner has completed
    /// <see cref="Output"/> (a reply written just before a graceful close), for at most <see cref="DrainTimeout"/> since a
    /// peer that stopped reading must not hold the close up; without, the socket closes at once (a broken or hostile
    /// connection has nothing worth sending). Safe to call more than once; the first call decides.
    /// </summary>
    public ValueTask CloseAsync(bool drain)
    {
        var close = new Lazy<Task>(() => CloseCoreAsync(drain));
        var winner = Interlocked.CompareExchange(ref _disposal, close, null) ?? close;
        return new ValueTask(winner.Value);
    }

    private async Task CloseCoreAsync(bool drain)
    {
        if (drain)
        {
            try
            {
                // A real-time bound on purpose: it guards a socket-level stall, not product timing.
                await _sendLoop.WaitAsync(DrainTimeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Still sending to a peer that does not read, or the owner never completed the output.
            }
        }

        // Ends a send blocked on the socket; an idle send loop is ended by cancelling its read.
        await _stream.DisposeAsync().ConfigureAwait(false);
        if (!_sendLoop.IsCompleted)
        {
            _output.Reader.CancelPendingRead();
        }

        await _sendLoop.ConfigureAwait(false);
    }

    private async Task SendLoopAsync()
    {
        var reader = _output.Reader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                foreach (var segment in buffer)
                {
                    // Counted before the write, so once the peer has the bytes the count already includes them.
                    Interlocked.Increment(ref _sends);
                    await _stream.WriteAsync(segment).ConfigureAwait(false);
                }

                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }

            await reader.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Usually IOException, SocketException or ObjectDisposedException. The writer's next flush sees the reader
            // completed and closes the connection; closing the stream ends the read side at once, so requests waiting on
            // a reply that can no longer be sent fail now. Nothing escapes: this loop has no caller to throw to.
            await reader.CompleteAsync(e).ConfigureAwait(false);
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs the send loop's continuation on the current thread pool thread's local queue. A pipe has one reader, so at
    /// most one continuation is outstanding and this object can carry it without allocating per schedule.
    /// </summary>
    private sealed class LocalQueueScheduler : PipeScheduler, IThreadPoolWorkItem
    {
        private Action<object?>? _action;
        private object? _state;

        public override void Schedule(Action<object?> action, object? state)
        {
            _action = action;
            _state = state;
            System.Threading.ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
        }

        public void Execute()
        {
            var action = _action!;
            var state = _state;
            _action = null;
            _state = null;
            action(state);
        }
    }
}
