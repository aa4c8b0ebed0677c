using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VisionFlow.History.Format;
using VisionFlow.History.Model;
using VisionFlow.History.Query;
using VisionFlow.History.State;
using VisionFlow.History.Store;

namespace VisionFlow.History.Recording;

/// <summary>
/// Appends typed change records to the history store: the tap on the change stream. Callers record a change set as one
/// batch (<see cref="Begin"/>); the recorder keeps the live state it needs for keyframes, writes what changed (gauges
/// sampled per <see cref="HistoryRecorderOptions.GaugeInterval"/>), and hands whole frames to one writer loop, which
/// compresses, appends and syncs them at least every <see cref="HistoryRecorderOptions.FlushInterval"/>. A full disk
/// pauses recording (<see cref="Status"/>), never the caller; a disk slower than the flood drops frames (counted, and
/// marked by a gap) instead of growing memory.
/// </summary>
public sealed partial class HistoryRecorder : IAsyncDisposable
{
    private readonly HistoryRecorderOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HistoryStore _store;
    private readonly object _gate = new();
    private readonly Dictionary<EntityKey, LiveEntity>[] _live =
        [.. Enumerable.Range(0, (int)EntityKind.Note + 1).Select(_ => new Dictionary<EntityKey, LiveEntity>())];
    private readonly Queue<LiveEntity> _gaugeQueue = new();
    private readonly ConcurrentQueue<HistoryBlock> _free = new();
    private readonly Channel<HistoryBlock> _sealed = Channel.CreateUnbounded<HistoryBlock>(new UnboundedChannelOptions { SingleReader = false });
    private readonly ITimer _timer;
    private readonly Task _writerLoop;
    private HistoryBlock _current;
    private long _lastMoment = long.MinValue;
    private long _segmentStartedMicros;
    private long _bytesSinceKeyframe;
    private long _lastKeyframeBytes;
    private bool _needKeyframe;
    private bool _stopped;

    // Link, level and positions as they are now, restated in every keyframe.
    private LinkSnapshot? _link;
    private (int From, int To, string? Reason)? _degradation;
    private NodePosition[] _positions = [];
    private int _positionCount;
    private bool _positionsPending;
    private long _positionsWrittenMicros = long.MinValue / 4;

    // Pause bookkeeping: written by the writer loop, read under the gate.
    private volatile bool _paused;
    private volatile bool _rollRequested;
    private bool _pauseSeen;
    private long _nextRetryMicros;
    private long _pausedSinceMicros;
    private PauseReason _pauseReason;
    private string? _pauseDetail;
    private long _dropped;
    private long _sealedSequence;
    private long _writtenSequence;

    /// <summary>Opens the store in <see cref="HistoryRecorderOptions.Directory"/> (recovering a torn tail) and starts recording.</summary>
    public HistoryRecorder(HistoryRecorderOptions options, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { } error)
        {
            throw new ArgumentException(error, nameof(options));
        }

        _options = options;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _store = HistoryStore.Open(options.Directory, options.MaxBytes, options.Retention, options.SegmentBytes);
        if (_store.RecoveryNote is { } note)
        {
            Log.Recovered(_logger, options.Directory, note);
        }

        _current = new HistoryBlock(2 * options.BlockBytes);
        for (var i = 0; i < options.QueuedBlocks; i++)
        {
            _free.Enqueue(new HistoryBlock(2 * options.BlockBytes));
        }

        Reader = new HistoryReader(_store);
        lock (_gate)
        {
            // Every run starts a new segment with a keyframe (nothing is known yet: the first change set states it), and a
            // gap back to the last moment of the previous run.
            var now = NextMoment();
            Keyframe(now, newSegment: true, resume: false);
            if (_store.LastMicrosBeforeOpen is { } previous)
            {
                WriteGap(now, previous, GapReason.Restart, 0);
            }
        }

        _writerLoop = Task.Factory.StartNew(WriteLoopAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
        _timer = _time.CreateTimer(static s => ((HistoryRecorder)s!).Tick(), this, options.FlushInterval, options.FlushInterval);
    }

    /// <summary>Queries over what has been recorded (reads the files; safe while recording).</summary>
    public HistoryReader Reader { get; }

    /// <summary>Bytes dropped from a torn tail when the store was opened (0 after a clean stop).</summary>
    public long RecoveredTornBytes => _store.RecoveredTornBytes;

    /// <summary>Recording, or paused and why.</summary>
    public HistoryStatus Status
    {
        get
        {
            lock (_gate)
            {
                if (_stopped)
                {
                    return new HistoryStatus(RecordingState.Stopped, PauseReason.None, null, null, Interlocked.Read(ref _dropped));
                }

                return _paused
                    ? new HistoryStatus(RecordingState.Paused, _pauseReason, _pauseDetail, Micros.ToTime(_pausedSinceMicros), Interlocked.Read(ref _dropped))
                    : new HistoryStatus(RecordingState.Recording, PauseReason.None, null, null, Interlocked.Read(ref _dropped));
            }
        }
    }

    /// <summary>Starts recording one change set; every record in it carries the same moment. Dispose it (a <c>using</c>)
    /// to end it: the recorder's lock is held until then, so keep it short and never await inside.</summary>
    public RecordingBatch Begin()
    {
        Monitor.Enter(_gate);
        if (_stopped)
        {
            Monitor.Exit(_gate);
            return default;
        }

        return new RecordingBatch(this, NextMoment());
    }

    internal void EndBatch() => Monitor.Exit(_gate);

    /// <summary>Records a link transition on its own.</summary>
    public void Link(string state, string? detail = null, string? failureKind = null, string? address = null)
    {
        using var batch = Begin();
        batch.Link(state, detail, failureKind, address);
    }

    /// <summary>Records a degradation transition on its own (levels as the connections layer numbers them, 0 … 3).</summary>
    public void Degradation(int from, int to, string? reason)
    {
        using var batch = Begin();
        batch.Degradation(from, to, reason);
    }

    /// <summary>Records a command sent through the API on its own.</summary>
    public void Command(string client, string operation, string? target, string? request, int status, string? answer, TimeSpan duration)
    {
        using var batch = Begin();
        batch.Command(client, operation, target, request, status, answer, duration);
    }

    /// <summary>Offers the layout's positions; kept when the last sample is older than <see cref="HistoryRecorderOptions.PositionInterval"/>.</summary>
    public void Positions(ReadOnlySpan<NodePosition> nodes)
    {
        using var batch = Begin();
        batch.Positions(nodes);
    }

    /// <summary>Writes what is pending (gauges held back included) and waits until it is on disk (or dropped by a pause).</summary>
    public Task FlushAsync()
    {
        long target;
        lock (_gate)
        {
            if (_stopped)
            {
                return Task.CompletedTask;
            }

            FlushDue(_lastMoment, force: true);
            Seal();
            target = _sealedSequence;
        }

        return WaitWrittenAsync(target);
    }

    /// <summary>Waits until every frame sealed so far is on disk (or dropped), without sealing or forcing anything.</summary>
    internal Task WhenWrittenAsync()
    {
        long target;
        lock (_gate)
        {
            target = _sealedSequence;
        }

        return WaitWrittenAsync(target);
    }

    /// <summary>Stops recording: writes what is pending, syncs and closes the store.</summary>
    public async ValueTask DisposeAsync()
    {
        await _timer.DisposeAsync().ConfigureAwait(false);
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            FlushDue(_lastMoment, force: true);
            Seal();
            _stopped = true;
            _sealed.Writer.TryComplete();
        }

        await _writerLoop.ConfigureAwait(false);
        _store.Dispose();
        FailWaiters();
    }

    /// <summary>The once-per-flush-interval pass: held-back gauges and positions that are due, keyframes, segment rolls,
    /// a retry after a pause, then the current frame goes to the writer.</summary>
    private void Tick()
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            var now = NextMoment();
            if (_paused)
            {
                if (!_pauseSeen)
                {
                    _pauseSeen = true;
                    _nextRetryMicros = now + Ticks(_options.RetryInterval);
                    DropCurrent();
                }
                else if (now >= _nextRetryMicros)
                {
                    _nextRetryMicros = now + Ticks(_options.RetryInterval);
                    DropCurrent();
                    if (Keyframe(now, newSegment: true, resume: true))
                    {
                        WriteGap(now, _pausedSinceMicros, _pauseReason == PauseReason.DiskFull ? GapReason.DiskFull : GapReason.WriteError, Interlocked.Read(ref _dropped));
                    }
                }

                Seal();
                return;
            }

            _pauseSeen = false;
            FlushDue(now, force: false);
            if (_needKeyframe)
            {
                var since = _current.IsEmpty ? now : _current.FirstMicros;
                if (Keyframe(now, newSegment: false, resume: false))
                {
                    _needKeyframe = false;
                    WriteGap(now, since, GapReason.Backlog, Interlocked.Read(ref _dropped));
                }
            }
            else if (_rollRequested || now - _segmentStartedMicros >= Ticks(_options.SegmentAge))
            {
                _rollRequested = false;
                Keyframe(now, newSegment: true, resume: false);
            }

            Seal();
        }
    }

    private long NextMoment()
    {
        // Moments never go back, so the records of one store are in order even if the wall clock is set back.
        var now = Micros.From(_time.GetUtcNow());
        _lastMoment = Math.Max(now, _lastMoment == long.MinValue ? now : _lastMoment);
        return _lastMoment;
    }

    private static long Ticks(TimeSpan span) => span.Ticks / TimeSpan.TicksPerMicrosecond;

    private sealed record LinkSnapshot(string State, string? Detail, string? FailureKind, string? Address);

    private static partial class Log
    {
        [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "History store {Directory}: {Note}")]
        public static partial void Recovered(ILogger logger, string directory, string note);

        [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "History recording paused: {Reason} ({Detail}); the service goes on, retrying every {RetrySeconds} s")]
        public static partial void Paused(ILogger logger, string reason, string detail, double retrySeconds);

        [LoggerMessage(EventId = 6003, Level = LogLevel.Information, Message = "History recording resumed after {Dropped} dropped records")]
        public static partial void Resumed(ILogger logger, long dropped);

        [LoggerMessage(EventId = 6005, Level = LogLevel.Error, Message = "History writer failed unexpectedly; recording paused")]
        public static partial void WriterFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 6004, Level = LogLevel.Warning, Message = "History recording could not keep up; dropped a frame of {Records} records (the next keyframe restates the state)")]
        public static partial void Backlog(ILogger logger, int records);
    }
}
