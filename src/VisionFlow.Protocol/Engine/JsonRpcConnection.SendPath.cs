using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using VisionFlow.Protocol.Framing;
using VisionFlow.Protocol.Messages;

namespace VisionFlow.Protocol.Engine;

/// <summary>
/// The send path: every outgoing line, whatever its kind, is serialized straight into the pipe under the write lock and
/// flushed; a transport failure closes the connection.
/// </summary>
public sealed partial class JsonRpcConnection
{
    private readonly PipeWriter _output;
    private readonly JsonRpcMessageWriter _writer = new();

    // Writes are serialized by one SemaphoreSlim rather than a channel: a message is serialized straight into the
    // PipeWriter's memory under the lock (no intermediate buffer or queued message object per send), the uncontended
    // Wait(0) costs no allocation, and the caller learns whether its own flush succeeded.
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    // The uncontended send (the common case) writes and flushes under the lock and returns a completed ValueTask: over a
    // socket the flush only hands the bytes to the send loop (see SocketDuplexPipe), so it completes at once unless the
    // peer is behind. Failures come back as a faulted ValueTask, never as a synchronous throw, so every caller sees them
    // the same way.
    private ValueTask SendAsync<TState>(TState state, WriteAction<TState> write, CancellationToken cancellationToken)
    {
        if (!_writeLock.Wait(0))
        {
            return SendContendedAsync(state, write, cancellationToken);
        }

        ValueTask<FlushResult> flush;
        try
        {
            flush = WriteLocked(in state, write);
        }
        catch (Exception e)
        {
            _writeLock.Release();
            return ValueTask.FromException(e);
        }

        if (!flush.IsCompleted)
        {
            return AwaitFlushAsync(flush);
        }

        try
        {
            EndFlush(flush);
            return ValueTask.CompletedTask;
        }
        catch (Exception e)
        {
            return ValueTask.FromException(e);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendContendedAsync<TState>(TState state, WriteAction<TState> write, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        ValueTask<FlushResult> flush;
        try
        {
            flush = WriteLocked(in state, write);
        }
        catch
        {
            _writeLock.Release();
            throw;
        }

        await AwaitFlushAsync(flush).ConfigureAwait(false);
    }

    /// <summary>Completes a flush that went async (a peer reading slower than we write), then releases the write lock the caller took.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AwaitFlushAsync(ValueTask<FlushResult> flush)
    {
        try
        {
            FlushResult result;
            try
            {
                result = await flush.ConfigureAwait(false);
            }
            catch (Exception e) when (IsTransportFailure(e))
            {
                throw TransportFailed(e);
            }

            CheckFlushResult(result);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Serializes one message into the pipe and starts its flush; the write lock is held by the caller.</summary>
    private ValueTask<FlushResult> WriteLocked<TState>(in TState state, WriteAction<TState> write)
    {
        if (Volatile.Read(ref _closeException) is { } closed)
        {
            throw closed;
        }

        try
        {
            write(_writer, _output, in state);
        }
        catch
        {
            // Serialization failed part-way: terminate what reached the pipe so the peer sees one bad line, not a split stream.
            LineWriter.WriteTerminator(_output);
            throw;
        }

        try
        {
            return _output.FlushAsync(CancellationToken.None);
        }
        catch (Exception e) when (IsTransportFailure(e))
        {
            throw TransportFailed(e);
        }
    }

    /// <summary>Reads the result of a flush that already completed.</summary>
    private void EndFlush(ValueTask<FlushResult> flush)
    {
        FlushResult result;
        try
        {
            result = flush.GetAwaiter().GetResult();
        }
        catch (Exception e) when (IsTransportFailure(e))
        {
            throw TransportFailed(e);
        }

        CheckFlushResult(result);
    }

    private void CheckFlushResult(FlushResult result)
    {
        if (result.IsCanceled || result.IsCompleted)
        {
            BeginClose(JsonRpcCloseReason.TransportError, "the transport stopped accepting writes", null);
            throw _closeException!;
        }

        Interlocked.Increment(ref _messagesOut);
    }

    private static bool IsTransportFailure(Exception e) => e is IOException or SocketException or ObjectDisposedException or InvalidOperationException;

    private JsonRpcConnectionClosedException TransportFailed(Exception e)
    {
        BeginClose(JsonRpcCloseReason.TransportError, "writing to the transport failed: " + e.Message, e);
        return _closeException!;
    }

    private delegate void WriteAction<TState>(JsonRpcMessageWriter writer, IBufferWriter<byte> output, in TState state);
}
