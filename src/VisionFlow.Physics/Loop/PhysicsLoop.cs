using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VisionFlow.Physics.Vulkan;

namespace VisionFlow.Physics.Loop;

/// <summary>
/// Lays out a graph on a backend, stepping on a fixed timestep driven by <see cref="TimeProvider"/> while the layout
/// moves and not at all once it has settled: no step, no publication, no timer. Changes arrive through thread-safe
/// methods — a topology (<see cref="SubmitTopology"/>), edge weights (<see cref="SubmitWeights"/>), a move — are applied
/// at the start of the next tick, and wake a settled layout. Readers take the immutable <see cref="Status"/> and
/// <see cref="Positions"/> snapshots, never touching the hot path.
/// </summary>
/// <remarks>
/// One job per part: <see cref="LayoutInbox"/> holds what was handed in, <see cref="BackendSelector"/> picks the backend
/// and falls back to the CPU path, <see cref="TickPolicy"/> decides iterations, settling and publishing,
/// <see cref="NodePlacement"/> takes a topology in, <see cref="PositionPublisher"/> publishes positions and
/// <see cref="TickTimer"/> ticks or rests. This class runs the tick over them and owns the state they share.
/// </remarks>
public sealed class PhysicsLoop : IDisposable
{
    private readonly PhysicsLoopOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly LayoutInbox _inbox = new();
    private readonly BackendSelector _backends;
    private readonly TickPolicy _policy;
    private readonly NodePlacement _placement;
    private readonly PositionPublisher _publisher;
    private readonly TickTimer _timer;
    private readonly StepTimeRecorder _stepTimes = new();
    private readonly Lock _tickGate = new();

    // Owned by the tick (single writer); everything below is touched only while holding _tickGate.
    private ILayoutBackend? _backend;
    private LayoutGraph? _graph;
    private long _steps, _ticks, _errors;
    private long _failureLoggedAt, _errorsLogged;
    private bool _failureLogged;
    private float _maxSpeed;
    private long _restedAt; // timestamp at which the layout last came to rest
    private bool _deferredBurst; // a local change taken while resting, stepped once the rest is over
    private bool _disposed;
    private int _started;
    private PhysicsParameters?[] _coarseParameters = [];

    private long _skippedTicks;
    private TimeSpan _period;
    private volatile PerformanceMode _mode;
    private PhysicsStatus _status;

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
        _mode = options.InitialMode;
        _backends = new BackendSelector(options.Backend, vulkanFactory, _logger);
        _policy = new TickPolicy(options);
        _placement = new NodePlacement(options.Parameters);
        _publisher = new PositionPublisher(timeProvider);
        var inbox = _inbox;
        _timer = new TickTimer(timeProvider, () => inbox.HasWork);
        _status = new PhysicsStatus(LayoutBackendKind.Cpu, "", null, _mode, false, false, false, 0, 0, 0, 0, 0, 0, 0, 0, 0, timeProvider.GetUtcNow());
    }

    /// <summary>The latest status; replaced atomically.</summary>
    public PhysicsStatus Status => Volatile.Read(ref _status);

    /// <summary>The latest positions, published at the stream rate while the layout moves; replaced atomically.</summary>
    public PositionSnapshot Positions => _publisher.Positions;

    /// <summary>State buffers created for published positions so far (stays small: they are recycled).</summary>
    internal int StateBuffersCreated => _publisher.BuffersCreated;

    /// <summary>Raised (on the loop's thread) after new positions are published; see <see cref="PositionSnapshot"/> for how long it stays valid.</summary>
    public event Action<PositionSnapshot>? PositionsPublished
    {
        add => _publisher.Published += value;
        remove => _publisher.Published -= value;
    }

    /// <summary>Picks a backend (Vulkan first when preferred, CPU on any failure) and starts ticking.</summary>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        if (Interlocked.Exchange(ref _started, 1) != 0) return;

        // A device takes time to come up (a software Vulkan device loads LLVM: seconds on a busy box), so not under the
        // gate: a stop meanwhile (SIGTERM just after READY) does not wait for it, and what it brought is disposed here.
        var backend = _backends.Select();
        lock (_tickGate)
        {
            if (_disposed)
            {
                backend.Dispose();
                return;
            }

            _backend = backend;
            _period = _policy.Period(_mode);
            _timer.Start(static s => ((PhysicsLoop)s!).Tick(), this, _period);
            PublishStatus();
        }
    }

    /// <summary>Switches the tick rate (at once while the layout moves; a settled one keeps resting).</summary>
    public void SetPerformanceMode(PerformanceMode mode)
    {
        if (_mode == mode) return;
        _mode = mode;
        lock (_tickGate)
        {
            AdjustPeriod();
            PhysicsLog.ModeChanged(_logger, mode);
            PublishStatus();
        }
    }

    /// <summary>
    /// Replaces the node set and edges: a topology change. Nodes keep their position by id; new nodes start next to their
    /// first placed neighbour (or on a deterministic spread) and get the warm-up. Edges are (index a, index b, weight)
    /// into <paramref name="ids"/>. Hand in only a changed topology: weights alone go through <see cref="SubmitWeights"/>,
    /// and an unchanged graph needs no call at all.
    /// </summary>
    /// <remarks>
    /// Only the newest submission matters, so one not yet applied is replaced and its buffers are reused. A started loop
    /// applies it at once on the caller's thread when no tick is running, or when the running tick's step ends, and
    /// publishes the new topology then, so a new node reaches readers without waiting for the next tick; stepping stays on
    /// the tick. The same ids and edges with other weights are still taken in place (velocities and topology version kept).
    /// </remarks>
    public void SubmitTopology(ReadOnlySpan<uint> ids, ReadOnlySpan<(int A, int B, float Weight)> edges)
    {
        _inbox.PostTopology(ids, edges);
        _timer.Wake();

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
            TickFailed(ex);
        }
        finally
        {
            _tickGate.Exit();
        }
    }

    /// <summary>
    /// New weights for edges the layout already has, by the node ids they join (either order; every edge between the two
    /// takes the weight). Nothing else is touched: no node is re-placed, velocities and the topology version stay, and a
    /// device backend uploads the weights alone. Weights of an edge the layout does not have are ignored. Applied at the
    /// next tick; wakes a settled layout when a weight really changes.
    /// </summary>
    public void SubmitWeights(ReadOnlySpan<(uint A, uint B, float Weight)> changes)
    {
        if (changes.IsEmpty) return;
        _inbox.PostWeights(changes);
        _timer.Wake();
    }

    /// <summary>Moves (and optionally pins or unpins) the node with this id; unknown ids are ignored.</summary>
    public void MoveNode(uint id, float x, float y, float z, bool? pinned = null)
    {
        _inbox.PostMove(id, new NodeMove(x, y, z, pinned));
        _timer.Wake();
    }

    /// <summary>Wakes a settled layout without changing anything.</summary>
    public void Resume()
    {
        _inbox.PostResume();
        _timer.Wake();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_tickGate)
        {
            if (_disposed) return;
            _disposed = true;
            _timer.Dispose();
            _backend?.Dispose();
            _backend = null;
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
            var changed = TakeChanges();
            if (_deferredBurst && RestLeft() <= TimeSpan.Zero)
            {
                // The rest is over: one burst for the local changes taken meanwhile.
                _deferredBurst = false;
                if (_policy.Wake(local: true)) PhysicsLog.Resumed(_logger);
                AdjustPeriod();
            }

            var graph = _graph;
            if (_policy.Settled || graph is null || graph.NodeCount == 0)
            {
                // Nothing to step: show what changed, then rest until something else is handed in (or, with local changes
                // waiting, until the rest is over).
                if (changed) Publish();
                else PublishStatus();
                if (_deferredBurst) RestThenTick();
                else _timer.TryPark();
                return;
            }

            // A new topology is shown before the step: the new nodes appear at once, where they were placed, rather than
            // after a warm-up that can take tens of milliseconds at 10,000 nodes. The host arrays are current here.
            if (changed && graph.TopologyVersion != _publisher.TopologyVersion) Publish(readBack: false);

            var iterations = _policy.Iterations(_mode);
            var coarseness = _policy.Coarseness(_mode);
            var parameters = ParametersFor(coarseness);
            var started = _time.GetTimestamp();
            float maxSpeed;
            try
            {
                maxSpeed = _backend.Step(graph, parameters, iterations);
            }
            catch (LayoutBackendException ex) when (_backend.Kind == LayoutBackendKind.Vulkan)
            {
                FallBackToCpu(ex);
                return;
            }

            var stepTime = _time.GetElapsedTime(started);
            _stepTimes.Record(stepTime);
            _steps += iterations;
            _maxSpeed = maxSpeed;
            if (_policy.Stepped(iterations, stepTime, maxSpeed, _options.Parameters.Dt, coarseness))
            {
                _restedAt = _time.GetTimestamp();
                PhysicsLog.Settled(_logger, _steps, maxSpeed);
            }

            if (_policy.ShouldPublish(changed, _mode, maxSpeed * parameters.Dt * iterations)) Publish();

            // Submitted while this tick stepped: shown now rather than at the next tick.
            if (_inbox.HasTopology) ShowTopology();

            // Settled with this step (and published as such): rest from now on, unless a change is already waiting.
            if (_policy.Settled) _timer.TryPark();
            else AdjustPeriod();
        }
#pragma warning disable CA1031 // A timer callback that throws would take the process down; count, log and keep ticking.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            TickFailed(ex);
        }
        finally
        {
            _tickGate.Exit();
        }
    }

    /// <summary>
    /// The parameters of a step spanning <paramref name="coarseness"/> standard ones: that many times the time step, the
    /// velocity damping applied that many times (<see cref="TickPolicy.Coarseness"/>). Made once per coarseness.
    /// </summary>
    private PhysicsParameters ParametersFor(int coarseness)
    {
        if (coarseness <= 1) return _options.Parameters;
        if (_coarseParameters.Length < coarseness) Array.Resize(ref _coarseParameters, coarseness);
        return _coarseParameters[coarseness - 1] ??= Coarse(_options.Parameters, coarseness);
    }

    /// <summary>A step of <paramref name="k"/> standard steps: k·dt, and the damping of k steps.</summary>
    internal static PhysicsParameters Coarse(PhysicsParameters p, int k) => p with
    {
        Dt = p.Dt * k,
        Knowledge = p.Knowledge with { Damping = MathF.Pow(p.Knowledge.Damping, k) },
        Agent = p.Agent with { Damping = MathF.Pow(p.Agent.Damping, k) },
    };

    /// <summary>Ticks at the period the layout's pace asks for (the mode's, stretched while calm or costly). Under the tick gate.</summary>
    private void AdjustPeriod()
    {
        var period = _policy.Period(_mode);
        if (period == _period) return;
        _period = period;
        _timer.SetPeriod(period);
    }

    /// <summary>Applies what was handed in; returns whether it changed the layout's input. Under the tick gate.</summary>
    private bool TakeChanges()
    {
        if (!_inbox.TryTake(out var items)) return false;

        // A topology and moves edit the graph's position arrays (a move's dirty range spans from the lowest to the highest
        // edited node), so those arrays must hold the device's current state first: one read-back per tick, not per
        // change. Weights touch no position.
        if (_graph is not null && (items.Topology is not null || items.Moves.Count > 0)) _backend!.ReadBack(_graph);
        var changed = items.Resume;
        // Whether the change grants the short burst of a local one (an edge or weights among known nodes) or a full
        // layout (new nodes, a move, a resume, a big change): see TickPolicy.
        var full = items.Resume || items.Moves.Count > 0;
        var touched = 0;
        var reach = items.Resume ? int.MaxValue : items.Moves.Count; // the nodes a full change reaches (its grant grows with them)
        var fresh = false;
        if (items.Topology is { } topology)
        {
            try
            {
                changed |= _placement.Apply(ref _graph, topology.Ids, topology.Offsets, topology.Targets, topology.Weights, out var newNodes, out touched);
                _policy.NodesPlaced(newNodes);
                _policy.Sized(_graph!.NodeCount);
                full |= newNodes > 0;
                // A fresh layout (every node new) forms from nothing: a longer least grant (see TickPolicy.FullLayoutGrant).
                fresh = newNodes > 0 && newNodes == _graph!.NodeCount;
                if (reach != int.MaxValue) reach += newNodes;
            }
            finally
            {
                _inbox.Recycle(topology);
            }
        }

        if (_graph is { } graph)
        {
            foreach (var (edge, weight) in items.Weights)
            {
                if (graph.SetEdgeWeight((uint)(edge >> 32), (uint)edge, weight))
                {
                    changed = true;
                    touched += 2;
                }
            }

            foreach (var (id, move) in items.Moves) changed |= NodePlacement.Move(graph, id, move);

            // The host arrays are current after a topology or a move (read back above): the layout's size for settling.
            if (items.Topology is not null || items.Moves.Count > 0) _policy.Measured(graph.Radius());
        }

        if (!changed) return false;
        var local = !full && TickPolicy.IsLocal(touched, _graph?.NodeCount ?? 0);
        if (local && _policy.Settled && RestLeft() > TimeSpan.Zero)
        {
            // Taken (and shown) now, stepped when the rest is over, together with whatever else comes meanwhile.
            _deferredBurst = true;
            return true;
        }

        _deferredBurst = false;
        if (_policy.Wake(local, reach == int.MaxValue ? reach : reach + touched, fresh)) PhysicsLog.Resumed(_logger);
        AdjustPeriod(); // moving again: back to single steps at the mode's pace
        return true;
    }

    /// <summary>How much of <see cref="PhysicsLoopOptions.MinRest"/> is left since the layout came to rest.</summary>
    private TimeSpan RestLeft() =>
        _options.MinRest <= TimeSpan.Zero || !_policy.Settled ? TimeSpan.Zero : _options.MinRest - _time.GetElapsedTime(_restedAt);

    /// <summary>Rests until the rest is over, then ticks (local changes are waiting). Under the tick gate.</summary>
    private void RestThenTick()
    {
        var left = RestLeft();
        _period = left > TimeSpan.Zero ? left : _policy.Period(_mode);
        _timer.SetPeriod(_period);
    }

    /// <summary>Applies what was handed in and publishes a new topology, without a step (under the tick gate).</summary>
    private void ShowTopology()
    {
        // The host arrays are current: read back before the changes, then written by them.
        if (TakeChanges() && _graph is { } graph && graph.TopologyVersion != _publisher.TopologyVersion) Publish(readBack: false);
    }

    // A failure that repeats every tick would log a stack trace sixty times a second: the first is logged whole, the
    // repeats as one line at most once a minute, with how many there were (the count is in the status either way).
    private void TickFailed(Exception ex)
    {
        _errors++;
        var now = _time.GetTimestamp();
        if (!_failureLogged)
        {
            PhysicsLog.TickFailed(_logger, ex);
        }
        else if (_time.GetElapsedTime(_failureLoggedAt, now) >= TimeSpan.FromMinutes(1))
        {
            PhysicsLog.TickStillFailing(_logger, _errors - _errorsLogged, ex.GetType().Name, ex.Message);
        }
        else
        {
            return;
        }

        _failureLogged = true;
        _failureLoggedAt = now;
        _errorsLogged = _errors;
    }

    private void FallBackToCpu(LayoutBackendException ex)
    {
        _errors++;
        _backend = _backends.FallBack(_backend!, ex);
        // Continue from the last positions read back; the CPU path sanitizes and takes them all.
        _graph?.MarkPositionsDirty(0, _graph.NodeCount);
        PublishStatus();
    }

    private void Publish(bool readBack = true)
    {
        if (_graph is { } graph && _backend is not null)
        {
            if (readBack) _backend.ReadBack(graph);
            _publisher.Publish(graph, _policy.Settled);
            _policy.Measured(graph.Radius());
        }

        _policy.Published();
        PublishStatus();
    }

    private void PublishStatus()
    {
        var (p50, p99) = _stepTimes.Percentiles();
        var backend = _backend;
        var status = new PhysicsStatus(
            backend?.Kind ?? LayoutBackendKind.Cpu,
            backend?.DeviceName ?? "",
            _backends.FallbackReason,
            _mode,
            Running: _timer.Running && !_disposed,
            Settled: _policy.Settled,
            WarmingUp: _policy.WarmingUp,
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
}
