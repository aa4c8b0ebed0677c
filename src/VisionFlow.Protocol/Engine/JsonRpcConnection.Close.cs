using System.Buffers;
using System.Net.Sockets;

namespace VisionFlow.Protocol.Engine;

/// <summary>
/// Closing: the first reason wins, every pending request fails with it exactly once, the read loop and any waiting
/// writer are released, and the transport is completed (drained only on a graceful dispose).
/// </summary>
public sealed partial class JsonRpcConnection
{
    /// <summary>Closes the connection: pending requests fail with <see cref="JsonRpcCloseReason.Disposed"/>, the transport is released.</summary>
    public async ValueTask DisposeAsync()
    {
        BeginClose(JsonRpcCloseReason.Disposed, "the connection was disposed", null);
        await _readLoop.ConfigureAwait(false);
        await _closed.Task.ConfigureAwait(false);
    }

    private void BeginClose(JsonRpcCloseReason reason, string detail, Exception? cause)
    {
        var exception = new JsonRpcConnectionClosedException(reason, $"JSON-RPC connection '{_name}' closed ({reason}): {detail}", cause);
        PendingRequest[] orphans;
        lock (_pending)
        {
            if (_closeException is not null)
            {
                return;
            }

            // Once set under the lock, no request can join the table, so the snapshot below is complete.
            Volatile.Write(ref _closeException, exception);
            orphans = [.. _pending.Values];
            _pending.Clear();
        }

        // Logged before anyone is failed, so whoever observes the failure also finds the reason in the log.
        JsonRpcLog.Closed(_logger, _name, reason, detail);
        foreach (var pending in orphans)
        {
            pending.Fail(exception);
        }
        try
        {
            _input.CancelPendingRead();
            _output.CancelPendingFlush();
        }
        catch (ObjectDisposedException)
        {
            // Stream-backed pipes recycle their internal token source when an operation ends, and a cancel racing that
            // throws. Closing the transport ends a pending read or flush just as surely.
            _ = _ownedTransport is SocketDuplexPipe socket ? socket.CloseAsync(drain: false) : _ownedTransport?.DisposeAsync();
        }

        try
        {
            _lifetime.Cancel();
        }
        catch (AggregateException e)
        {
            JsonRpcLog.CallbackFailed(_logger, _name, "cancellation", e);
        }
    }

    private async Task ShutdownAsync()
    {
        try
        {
            await _input.CompleteAsync().ConfigureAwait(false);

            // A writer stuck on a peer that stopped reading was released by BeginClose cancelling its flush.
            await _writeLock.WaitAsync().ConfigureAwait(false);
            try
            {
                await _output.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException or OperationCanceledException)
            {
                // Completing flushes bytes a cancelled write left behind, into a transport that is already gone: nothing to save.
            }
            finally
            {
                _writeLock.Release();
            }

            // After the output is complete, so what was written before a graceful close still goes out; any other close
            // (peer gone, transport error, hostile input) drops the socket at once.
            if (_ownedTransport is SocketDuplexPipe socket)
            {
                await socket.CloseAsync(drain: Volatile.Read(ref _closeException)?.Reason == JsonRpcCloseReason.Disposed).ConfigureAwait(false);
            }
            else if (_ownedTransport is not null)
            {
                await _ownedTransport.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            if (_lineScratch is not null)
            {
                ArrayPool<byte>.Shared.Return(_lineScratch);
                _lineScratch = null;
            }

            _closed.TrySetResult();
        }
    }
}
