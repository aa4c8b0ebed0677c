using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using System.Collections.Concurrent;
using VisionFlow.Physics.Vulkan;

namespace VisionFlow.Physics.Loop;

/// <summary>
/// Owns the layout graph and a backend and steps them on a fixed timestep driven by <see cref="TimeProvider"/>.
/// Changes arrive through thread-safe methods and are applied at the start of the next tick; readers take the
/// immutable <see cref="Status"/> and <see cref="Positions"/> snapshots, never touching the hot path.
/// </summary>
public sealed partial class PhysicsLoop : IDisposable
{
    private readonly PhysicsLoopOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<ILayoutBackend> _vulkanFactory;
    private readonly ConcurrentQueue<Action> _commands = new();
    private readonly Stack<TopologySubmission> _spareTopologies = new();
    private readonly Action _applyPendingTopology;
    private TopologySubmission? _pendingTopology;
    private readonly Dictionary<uint, int> _previousIndex = [];
    private float[] _carryX = [], _carryY = [], _carryZ = [];
    private bool[] _carryPinned = [], _placed = [];
    private readonly StepTimeRecorder _stepTimes = new();
    private readonly Lock _tickGate = new();

    // Owned by the tick (single writer); everything below is touched only while holding _tickGate.
    private ILayoutBackend? _backend;
    private LayoutGraph? _graph;
    private ITimer? _timer;
    private string? _fallbackReason;
    private int _warmupRemaining;
    private double _iterationMicroseconds;
    private int _calmTicks;
    private bool _settled;
    private bool _commandChangedNothing;
    private long _steps, _ticks, _errors, _sequence;
    private int _ticksSincePublish;
    private float _maxSpeed;
    private readonly PositionBufferPool _stateBuffers = new();
    private uint[] _publishedIds = [];
    private long _publishedIdsVersion = -1;
    private bool _disposed;

    private long _skippedTicks;
    private volatile PerformanceMode _mode;
    private PhysicsStatus _status;
    private PositionSnapshot _positions = PositionSnapshot.Empty;

    /// <summary>Creates the loop (not started). <paramref name="logger"/> is optional.</summary>
    public PhysicsLoop(PhysicsLoopOptions options, TimeProvider timeProvider, ILogger<PhysicsLoop>? logger = null)
        : this(options, timeProvider, logger, VulkanLayoutBackend.Create)
    {
    }

    internal PhysicsLoop(PhysicsLoopOptions options, TimeProvider timeProvider, ILogger? logger, Func<ILayoutBackend> vulkanFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options;
        _time = timeProvider;
        _logger = logger ?? NullLogger.Instance;
        _vulkanFactory = vulkanFactory;
        _mode = options.InitialMode;
        _applyPendingTopology = ApplyPendingTopology;
        _status = new PhysicsStatus(LayoutBackendKind.Cpu, "", null, _mode, false, false, false, 0, 0, 0, 0, 0, 0, 0, 0, 0, timeProvider.GetUtcNow());
    }

    /// <summary>The latest status; replaced atomically.</summary>
    public PhysicsStatus Status => Volatile.Read(ref _status);

    /// <summary>The latest positions, published at the stream rate; replaced atomically.</summary>
    public PositionSnapshot Positions
    {
        get
        {
            // Taken with a reference so it cannot be recycled while it is marked as escaped; a failed take means a newer one
            // replaced it in between.
            while (true)
            {
                var positions = Volatile.Read(ref _positions);
                if (positions.TryAcquire())
                {
                    positions.Escape();
                    positions.Release();
                    return positions;
                }
            }
        }
    }

    /// <summary>State buffers created for published positions so far (stays small: they are recycled).</summary>
    internal int StateBuffersCreated => _stateBuffers.Created;

    /// <summary>Raised (on the loop's thread) after new positions are published; see <see cref="PositionSnapshot"/> for how long it stays valid.</summary>
    public event Action<PositionSnapshot>? PositionsPublished;

    /// <summary>Picks a backend (Vulkan first when preferred, CPU on any failure) and starts ticking.</summary>
    public void Start()
    {
        lock (_tickGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_timer is not null) return;
            _backend = CreateBackend();
            var period = PerformanceProfile.For(_mode).Period;
            _timer = _time.CreateTimer(static s => ((PhysicsLoop)s!).Tick(), this, period, period);
            PublishStatus();
        }
    }

    /// <summary>Switches the tick rate (takes effect immediately).</summary>
    public void SetPerformanceMode(PerformanceMode mode)
    {
        if (_mode == mode) return;
        _mode = mode;
        var period = PerformanceProfile.For(mode).Period;
        lock (_tickGate)
        {
            _timer?.Change(period, period);
            LogModeChanged(_logger, mode);
            PublishStatus();
        }
    }

    /// <summary>
    /// Replaces the graph. Nodes keep their position by id; new nodes start next to their first placed neighbour
    /// (or on a deterministic spread). Edges are (index a, index b, weight) into <paramref name="ids"/>.
    /// </summary>
    /// <remarks>
    /// Only the newest submission matters, so one not yet applied is replaced, and its buffers are reused: in steady state
    /// (weights moving ten times a second) submitting allocates nothing. A started loop applies it at once on the caller's
    /// thread when no tick is running, or when the running tick's step ends, and publishes a new topology then, so a new
    /// node reaches readers without waiting for the next tick (up to a period later); stepping stays on the tick.
    /// </remarks>
    public void SubmitTopology(ReadOnlySpan<uint> ids, ReadOnlySpan<(int A, int B, float Weight)> edges)
    {
        TopologySubmission? submission;
        lock (_spareTopologies)
        {
            _spareTopologies.TryPop(out submission);
        }

        submission ??= new TopologySubmission();
        submission.Fill(ids, edges);

        // Whenever a submission is pending, exactly one apply command is queued for it (it takes the newest).
        var replaced = Interlocked.Exchange(ref _pendingTopology, submission);
        if (replaced is null)
        {
            _commands.Enqueue(_applyPendingTopology);
        }
        else
        {
            RecycleTopology(replaced);
        }

        // A running tick (or this thread's own, re-entering) shows it when its step ends.
        if (_tickGate.IsHeldByCurrentThread || !_tickGate.TryEnter()) return;
        try
        {
            if (!_disposed && _backend is not null) ShowTopology();
        }
#pragma warning disable CA1031 // The same failures a tick survives must not reach the graph service that submitted.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _errors++;
            LogTickFailed(_logger, ex);
        }
        finally
        {
            _tickGate.Exit();
        }
    }

    /// <summary>Moves (and optionally pins or unpins) the node with this id; unknown ids are ignored.</summary>
    public void MoveNode(uint id, float x, float y, float z, bool? pinned = null) =>
        _commands.Enqueue(() =>
        {
            if (_graph is null) return;
            var i = _graph.Ids.IndexOf(id);
            if (i < 0) return;
            _graph.SetPosition(i, x, y, z);
            if (pinned is { } p) _graph.SetPinned(i, p);
        });

    /// <summary>Wakes a settled layout without changing anything.</summary>
    public void Resume() => _commands.Enqueue(static () => { });

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_tickGate)
        {
            if (_disposed) return;
            _disposed = true;
            _timer?.Dispose();
            _backend?.Dispose();
            _backend = null;
        }
    }

    private ILayoutBackend CreateBackend()
    {
        if (_options.Backend == BackendPreference.Cpu)
        {
            _fallbackReason = "Vulkan not requested";
            return new CpuLayoutBackend();
        }
        try
        {
            var backend = _vulkanFactory();
            if (_options.Backend == BackendPreference.Auto && backend is VulkanLayoutBackend { Device.Type: "cpu" } software)
            {
                _fallbackReason = $"Vulkan device '{software.DeviceName}' is a software implementation on the same cores; the SIMD CPU path is faster";
                software.Dispose();
                var cpuPath = new CpuLayoutBackend();
                LogSoftwareVulkan(_logger, _fallbackReason);
                LogBackendSelected(_logger, "cpu", cpuPath.DeviceName);
                return cpuPath;
            }
            LogBackendSelected(_logger, "vulkan", backend.DeviceName);
            _fallbackReason = null;
            return backend;
        }
#pragma warning disable CA1031 // Any failure to bring up Vulkan (missing loader, driver bug) must become the CPU path, not a crash.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _fallbackReason = $"Vulkan unavailable: {ex.Message}";
            // No GPU or no loader is an expected condition on many boxes: one line; the stack only at debug level.
            LogVulkanUnavailable(_logger, ex.Message);
            LogVulkanUnavailableDetail(_logger, ex);
            var cpu = new CpuLayoutBackend();
            LogBackendSelected(_logger, "cpu", cpu.DeviceName);
            return cpu;
        }
    }

    private void Tick()
    {
        if (!_tickGate.TryEnter())
        {
            // A step overran its period; skip rather than queue ticks up.
            Interlocked.Increment(ref _skippedTicks);
            return;
        }
        try
        {
            if (_disposed || _backend is null) return;
            _ticks++;
            var changed = RunCommands();
            if (_settled || _graph is null || _graph.NodeCount == 0)
            {
                if (changed) Publish();
                return;
            }

            // A new topology is shown before the step: the new nodes appear at once, where they were placed, rather than
            // after a warm-up that can take tens of milliseconds at 10,000 nodes. The host arrays are current here.
            if (changed && _graph.TopologyVersion != _publishedIdsVersion)
            {
                Publish(readBack: false);
            }

            var warming = _warmupRemaining > 0;
            var iterations = warming ? WarmupChunk() : PerformanceProfile.For(_mode).StepsPerTick;
            var started = _time.GetTimestamp();
            float maxSpeed;
            try
            {
                maxSpeed = _backend.Step(_graph, _options.Parameters, iterations);
            }
            catch (LayoutBackendException ex) when (_backend.Kind == LayoutBackendKind.Vulkan)
            {
                FallBackToCpu(ex);
                return;
            }
            var stepTime = _time.GetElapsedTime(started);
            _stepTimes.Record(stepTime);
            _iterationMicroseconds = stepTime.TotalMicroseconds / iterations;
            _steps += iterations;
            _maxSpeed = maxSpeed;
            if (warming)
            {
                _warmupRemaining -= iterations;
            }
            else if (maxSpeed < _options.SettleSpeed)
            {
                if (++_calmTicks >= _options.SettleFrames)
                {
                    _settled = true;
                    LogSettled(_logger, _steps);
                }
            }
            else
            {
                _calmTicks = 0;
            }

            var publishEvery = Math.Max(1, (int)Math.Round(PerformanceProfile.For(_mode).TickHz / _options.StreamHz));
            if (_settled || changed || ++_ticksSincePublish >= publishEvery) Publish();

            // Submitted while this tick stepped: shown now rather than at the next tick.
            if (Volatile.Read(ref _pendingTopology) is not null) ShowTopology();
        }
#pragma warning disable CA1031 // A timer callback that throws would take the process down; count, log and keep ticking.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _errors++;
            LogTickFailed(_logger, ex);
        }
        finally
        {
            _tickGate.Exit();
        }
    }

    /// <summary>Runs the queued commands (a topology, moves); returns whether they changed anything. Under the tick gate.</summary>
    private bool RunCommands()
    {
        var changed = false;
        // Commands edit the graph's arrays and the dirty range spans from the lowest to the highest edited
        // node, so those arrays must hold the device's current state first: one read-back per tick, not per command.
        if (!_commands.IsEmpty && _graph is not null) _backend!.ReadBack(_graph);
        while (_commands.TryDequeue(out var command))
        {
            _commandChangedNothing = false;
            command();
            changed |= !_commandChangedNothing;
        }
        if (changed && _settled)
        {
            _settled = false;
            LogResumed(_logger);
        }
        if (changed) _calmTicks = 0;
        return changed;
    }

    /// <summary>Applies what is queued and publishes a new topology, without a step (under the tick gate).</summary>
    private void ShowTopology()
    {
        // The host arrays are current: read back before the commands, then written by them.
        if (RunCommands() && _graph is not null && _graph.TopologyVersion != _publishedIdsVersion) Publish(readBack: false);
    }

    /// <summary>
    /// Warm-up iterations for this tick: up to <see cref="PhysicsLoopOptions.WarmupIterationsPerTick"/>, but no more than
    /// fit in half a tick period at the last measured cost of one iteration. A topology submitted during a step waits for
    /// it, so a warm-up of 10 iterations at 10,000 nodes (tens of milliseconds on a busy machine) would delay a new node by
    /// that much; bounded, it waits at most about half a period, and the warm-up keeps its pace (overlong ticks are
    /// skipped, never queued).
    /// </summary>
    private int WarmupChunk()
    {
        var chunk = Math.Min(_warmupRemaining, Math.Max(1, _options.WarmupIterationsPerTick));
        if (_iterationMicroseconds > 0)
        {
            var budget = PerformanceProfile.For(_mode).Period.TotalMicroseconds / 2;
            chunk = (int)Math.Clamp(budget / _iterationMicroseconds, 1, chunk);
        }

        return chunk;
    }

    private void FallBackToCpu(LayoutBackendException ex)
    {
        _errors++;
        _fallbackReason = $"Vulkan failed while running: {ex.Message}";
        LogDeviceLost(_logger, ex.Message, ex);
        try
        {
            _backend!.Dispose();
        }
#pragma warning disable CA1031 // Tearing down a lost device may fail too; the CPU path must still start.
        catch (Exception disposeError)
#pragma warning restore CA1031
        {
            LogTickFailed(_logger, disposeError);
        }
        _backend = new CpuLayoutBackend();
        // Continue from the last positions read back; the CPU path sanitizes and takes them all.
        _graph?.MarkPositionsDirty(0, _graph.NodeCount);
        LogBackendSelected(_logger, "cpu", _backend.DeviceName);
        PublishStatus();
    }

    private void ApplyPendingTopology()
    {
        var submission = Interlocked.Exchange(ref _pendingTopology, null);
        if (submission is null)
        {
            _commandChangedNothing = true;
            return;
        }

        try
        {
            ApplyTopology(submission.Ids, submission.Offsets, submission.Targets, submission.Weights);
        }
        finally
        {
            RecycleTopology(submission);
        }
    }

    private void RecycleTopology(TopologySubmission submission)
    {
        lock (_spareTopologies)
        {
            // Two cycle in steady state (one pending, one being filled); a few more cover bursts.
            if (_spareTopologies.Count < 4)
            {
                _spareTopologies.Push(submission);
            }
        }
    }

    private static void Carry<T>(ReadOnlySpan<T> from, ref T[] into)
    {
        ScratchArray.Ensure(ref into, from.Length);
        from.CopyTo(into);
    }

    private void ApplyTopology(ReadOnlySpan<uint> ids, ReadOnlySpan<int> offsets, ReadOnlySpan<int> targets, ReadOnlySpan<float> weights)
    {
        // The graph service resubmits on every agent change (ten times a second); when only traffic weights moved, the
        // layout keeps its velocities and the stream its topology version (no complete frames, no topology notices).
        var weightsVersion = _graph?.WeightsVersion ?? 0;
        if (_graph is not null && _graph.TryUpdateWeights(ids, offsets, targets, weights))
        {
            // Identical resubmission: a settled layout stays settled.
            _commandChangedNothing = _graph.WeightsVersion == weightsVersion;
            return;
        }

        // Agents come and go a few times a second at scale, so the carry-over state is scratch kept between changes.
        var previous = _previousIndex;
        previous.Clear();
        if (_graph is not null)
        {
            var oldIds = _graph.Ids;
            for (var i = 0; i < oldIds.Length; i++) previous.TryAdd(oldIds[i], i);
            Carry(_graph.X, ref _carryX); Carry(_graph.Y, ref _carryY); Carry(_graph.Z, ref _carryZ);
            Carry(_graph.Pinned, ref _carryPinned);
        }
        float[] ox = _carryX, oy = _carryY, oz = _carryZ;
        var oPinned = _carryPinned;
        if (_graph is null) _graph = new LayoutGraph(ids, offsets, targets, weights);
        else _graph.SetTopology(ids, offsets, targets, weights);

        var g = _graph;
        var n = ids.Length;
        ScratchArray.Ensure(ref _placed, n);
        var placed = _placed.AsSpan(0, n);
        placed.Clear();
        for (var i = 0; i < n; i++)
        {
            if (previous.TryGetValue(ids[i], out var old))
            {
                g.X[i] = ox[old]; g.Y[i] = oy[old]; g.Z[i] = oz[old];
                g.VX[i] = g.VY[i] = g.VZ[i] = 0;
                g.SetPinned(i, oPinned[old]);
                placed[i] = true;
            }
            else if (g.Pinned[i])
            {
                g.SetPinned(i, false);
            }
        }
        var radius = 50f * MathF.Cbrt(Math.Max(1, n));
        var newNodes = 0;
        for (var i = 0; i < n; i++)
        {
            if (placed[i]) continue;
            newNodes++;
            // Deterministic spot: next to the first placed neighbour, else on a hashed point in the layout's volume.
            var h = (uint)i * 0x9E3779B1u ^ ids[i];
            float jx = ((h & 0x3FF) / 1023f - 0.5f), jy = (((h >> 10) & 0x3FF) / 1023f - 0.5f), jz = (((h >> 20) & 0x3FF) / 1023f - 0.5f);
            var anchor = -1;
            for (var e = offsets[i]; e < offsets[i + 1]; e++)
            {
                if (placed[targets[e]]) { anchor = targets[e]; break; }
            }
            if (anchor >= 0)
            {
                g.X[i] = g.X[anchor] + jx * 20f; g.Y[i] = g.Y[anchor] + jy * 20f; g.Z[i] = g.Z[anchor] + jz * 20f;
            }
            else
            {
                g.X[i] = jx * radius; g.Y[i] = jy * radius; g.Z[i] = jz * radius;
            }
            g.VX[i] = g.VY[i] = g.VZ[i] = 0;
            placed[i] = true;
        }
        g.MarkPositionsDirty(0, n);
        // Only new nodes need the warm-up: the agent graph's message-flow edges come and go ten times a second at scale,
        // and restarting it for each would keep the loop warming (many iterations a tick) for as long as agents talk.
        if (newNodes > 0)
        {
            _warmupRemaining = _options.Parameters.WarmupIterations;
        }
    }

    private void Publish(bool readBack = true)
    {
        var g = _graph;
        if (g is not null && _backend is not null)
        {
            if (readBack)
            {
                _backend.ReadBack(g);
            }

            var n = g.NodeCount;
            var state = _stateBuffers.Rent(n * 6);
            ReadOnlySpan<float> x = g.X, y = g.Y, z = g.Z, vx = g.VX, vy = g.VY, vz = g.VZ;
            for (var i = 0; i < n; i++)
            {
                var o = i * 6;
                state[o] = x[i]; state[o + 1] = y[i]; state[o + 2] = z[i];
                state[o + 3] = vx[i]; state[o + 4] = vy[i]; state[o + 5] = vz[i];
            }
            // Ids only change with the topology, so consecutive snapshots share one immutable copy.
            if (_publishedIdsVersion != g.TopologyVersion || _publishedIds.Length != n)
            {
                _publishedIds = g.Ids.ToArray();
                _publishedIdsVersion = g.TopologyVersion;
            }
            var snapshot = new PositionSnapshot(++_sequence, g.TopologyVersion, _publishedIds, state, _time.GetUtcNow(), _stateBuffers, _settled);
            var previous = _positions;
            Volatile.Write(ref _positions, snapshot);
            PositionsPublished?.Invoke(snapshot);
            previous.Release();
        }
        _ticksSincePublish = 0;
        PublishStatus();
    }

    private void PublishStatus()
    {
        var (p50, p99) = _stepTimes.Percentiles();
        var backend = _backend;
        var status = new PhysicsStatus(
            backend?.Kind ?? LayoutBackendKind.Cpu,
            backend?.DeviceName ?? "",
            _fallbackReason,
            _mode,
            Running: _timer is not null && !_disposed,
            Settled: _settled,
            WarmingUp: _warmupRemaining > 0,
            Steps: _steps,
            Ticks: _ticks,
            SkippedTicks: Interlocked.Read(ref _skippedTicks),
            Errors: _errors,
            StepP50Microseconds: p50,
            StepP99Microseconds: p99,
            NodeCount: _graph?.NodeCount ?? 0,
            EdgeCount: (_graph?.EdgeEntryCount ?? 0) / 2,
            MaxSpeed: _maxSpeed,
            UpdatedAt: _time.GetUtcNow());
        Volatile.Write(ref _status, status);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Physics backend: {Backend} on {Device}")]
    private static partial void LogBackendSelected(ILogger logger, string backend, string device);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Vulkan unavailable, using the CPU backend: {Reason}")]
    private static partial void LogVulkanUnavailable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Vulkan bring-up failed")]
    private static partial void LogVulkanUnavailableDetail(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Using the CPU backend: {Reason}")]
    private static partial void LogSoftwareVulkan(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Vulkan failed while running, switching to the CPU backend: {Reason}")]
    private static partial void LogDeviceLost(ILogger logger, string reason, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Physics performance mode: {Mode}")]
    private static partial void LogModeChanged(ILogger logger, PerformanceMode mode);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Layout settled after {Steps} steps; pausing until something changes")]
    private static partial void LogSettled(ILogger logger, long steps);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Layout changed; resuming")]
    private static partial void LogResumed(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Physics tick failed")]
    private static partial void LogTickFailed(ILogger logger, Exception exception);
}
