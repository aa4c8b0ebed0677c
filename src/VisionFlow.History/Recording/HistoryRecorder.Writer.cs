using VisionFlow.History.Format;
using VisionFlow.History.Model;

namespace VisionFlow.History.Recording;

/// <summary>
/// The writer loop: the only code that touches the store's files while recording. Each sealed frame is compressed,
/// appended and, when the loop has nothing more queued or a flush interval has passed since the last sync, synced
/// (fdatasync). A failed write cuts the segment back to its last whole frame and pauses recording.
/// </summary>
public sealed partial class HistoryRecorder
{
    private const int DiskFullErrno = 28; // ENOSPC
    private const int QuotaErrno = 122; // EDQUOT
    private readonly List<(long Target, TaskCompletionSource Done)> _waiters = [];
    private readonly MemoryStream _frame = new();
    private long _lastSyncTimestamp;

    private async Task WriteLoopAsync()
    {
        var reader = _sealed.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var block))
            {
                try
                {
                    Write(block);
                }
#pragma warning disable CA1031 // the loop must outlive a defect: it pauses recording and says why, the service goes on
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    Log.WriterFailed(_logger, ex);
                    Pause(PauseReason.WriteError, $"{ex.GetType().Name}: {ex.Message}", block.FirstMicros);
                }

                var sequence = block.Sequence;
                block.Reset();
                _free.Enqueue(block);
                if (reader.Count == 0 || _time.GetElapsedTime(_lastSyncTimestamp) >= _options.FlushInterval)
                {
                    Sync();
                }

                Volatile.Write(ref _writtenSequence, sequence);
                ReleaseWaiters(sequence);
            }
        }

        Sync();
    }

    private void Write(HistoryBlock block)
    {
        if (_paused && !block.Resume)
        {
            Interlocked.Add(ref _dropped, block.Records);
            return;
        }

        var now = Micros.From(_time.GetUtcNow());
        try
        {
            if (block.NewSegment || !_store.HasActive)
            {
                _store.StartSegment(block.FirstMicros, now);
            }

            var header = FrameIO.Encode(block.Kind, block.Buffer.Written, block.Records, block.FirstMicros, block.LastMicros, _frame, _options.Compression);
            _store.Append(_frame.GetBuffer().AsSpan(0, (int)_frame.Length), header);
            if (_store.ActiveBytes >= _store.SegmentBytes)
            {
                _rollRequested = true;
            }

            if (_paused)
            {
                _paused = false;
                Log.Resumed(_logger, Interlocked.Read(ref _dropped));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Interlocked.Add(ref _dropped, block.Records);
            var full = ex is IOException io && (io.HResult & 0xFFFF) is DiskFullErrno or QuotaErrno;
            Pause(full ? PauseReason.DiskFull : PauseReason.WriteError, ex.Message, block.FirstMicros);
        }
    }

    private void Pause(PauseReason reason, string detail, long sinceMicros)
    {
        if (_paused)
        {
            return;
        }

        _pauseReason = reason;
        _pauseDetail = detail;
        _pausedSinceMicros = sinceMicros;
        _paused = true;
        Log.Paused(_logger, reason == PauseReason.DiskFull ? "disk full" : "write error", detail, _options.RetryInterval.TotalSeconds);
    }

    private void Sync()
    {
        _lastSyncTimestamp = _time.GetTimestamp();
        try
        {
            _store.Sync();
        }
        catch (IOException)
        {
            // A sync that fails shows as a write failure on the next frame; the bytes written stay readable up to the last whole frame.
        }
    }

    private Task WaitWrittenAsync(long target)
    {
        lock (_waiters)
        {
            if (Volatile.Read(ref _writtenSequence) >= target)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((target, done));
            return done.Task;
        }
    }

    private void ReleaseWaiters(long written)
    {
        lock (_waiters)
        {
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Target <= written)
                {
                    _waiters[i].Done.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    private void FailWaiters()
    {
        lock (_waiters)
        {
            foreach (var (_, done) in _waiters)
            {
                done.TrySetResult();
            }

            _waiters.Clear();
        }
    }
}
