namespace VisionFlow.Physics.Loop;

/// <summary>
/// What each tick does: how many iterations it runs (a warm-up after new nodes, in chunks, then the mode's steps), when
/// the layout has settled, and when positions are published (at the stream rate, on a change, and once more when
/// settled). Pure bookkeeping: no clock, no backend, no thread of its own.
/// </summary>
/// <remarks>
/// Settled means either of two things. <b>No visible motion</b>: every speed stays under <see cref="SettleSpeedLimit"/>
/// for <see cref="PhysicsLoopOptions.SettleFrames"/> steps in a row, where the limit is the speed at which a node would
/// cross <see cref="PhysicsLoopOptions.SettleMotion"/> of the layout's radius in a second of steps (a creep of
/// a few pixels a second at fit-to-screen), never below <see cref="PhysicsLoopOptions.SettleSpeed"/>. An absolute speed alone never fired on
/// big layouts (some node always creeps above it) and fired minutes late on small ones. <b>The change's steps are
/// spent</b>: every change grants steps (<see cref="PhysicsLoopOptions.LocalBurstSteps"/> for a local one, an edge or a
/// weight among known nodes; <see cref="PhysicsLoopOptions.FullLayoutSteps"/> for new nodes, moves or a big change),
/// so a conversation that starts in a big settled layout costs a short burst, not a re-settle of everything.
/// </remarks>
internal sealed class TickPolicy(PhysicsLoopOptions options)
{
    /// <summary>A change touching at most this many nodes (or <see cref="LocalChangeShare"/> of them) is local.</summary>
    internal const int LocalChangeNodes = 8;

    /// <summary>Share of the nodes a change may touch and still count as local.</summary>
    internal const double LocalChangeShare = 0.02;

    /// <summary>Steps that make up "a second of steps" for <see cref="PhysicsLoopOptions.SettleMotion"/>: the standard rate.</summary>
    private const int StepsPerSecond = 60;

    private int _nodeCount;
    private int _budget; // steps left for the changes so far; int.MaxValue: no cap
    private float _radius;
    private int _warmupRemaining;
    private double _iterationMicroseconds;
    private int _calmSteps;
    private int _stride = 1;
    private double _smoothedIterationMicroseconds;
    private int _sharePeriods = 1; // what SharePeriods last answered, held against small swings

    /// <summary>The share's hold falls back to fewer periods once a tick fits them with this much of the limit to spare.</summary>
    private const double ShareHysteresis = 0.8;
    private int _ticksSincePublish;
    private float _motionSincePublish;

    /// <summary>The layout has come to rest; nothing needs stepping until something changes.</summary>
    public bool Settled { get; private set; }

    /// <summary>Warm-up iterations are still owed to nodes that arrived.</summary>
    public bool WarmingUp => _warmupRemaining > 0;

    /// <summary>Nodes were placed for the first time: they get the warm-up, the others keep their motion.</summary>
    /// <remarks>
    /// Only new nodes need the warm-up: the agent graph's message-flow edges come and go ten times a second at scale, and
    /// restarting it for each would keep the loop warming (many iterations a tick) for as long as agents talk.
    /// </remarks>
    public void NodesPlaced(int newNodes)
    {
        if (newNodes > 0)
        {
            _warmupRemaining = options.Parameters.WarmupIterations;
        }
    }

    /// <summary>Steps the changes so far may still take before the layout rests (<see cref="int.MaxValue"/>: no cap).</summary>
    public int StepsLeft => _budget;

    /// <summary>
    /// The largest speed that counts as no visible motion: <see cref="PhysicsLoopOptions.SettleMotion"/> of the radius
    /// per second of steps, never below <see cref="PhysicsLoopOptions.SettleSpeed"/>.
    /// </summary>
    public float SettleSpeedLimit(float dt) =>
        options.SettleMotion > 0 && dt > 0
            ? MathF.Max(options.SettleSpeed, options.SettleMotion * _radius / (StepsPerSecond * dt))
            : options.SettleSpeed;

    /// <summary>The layout's radius (half its largest side), measured where the host arrays are current.</summary>
    public void Measured(float radius) => _radius = float.IsFinite(radius) ? MathF.Max(0, radius) : 0;

    /// <summary>Whether a change that touched <paramref name="touched"/> of <paramref name="nodeCount"/> nodes is local.</summary>
    public static bool IsLocal(int touched, int nodeCount) =>
        touched >= 0 && touched <= Math.Max(LocalChangeNodes, (int)(nodeCount * LocalChangeShare));

    /// <summary>
    /// Something changed the layout's input: it counts as moving again, with the steps the change grants (a local one
    /// <see cref="PhysicsLoopOptions.LocalBurstSteps"/>, any other <see cref="PhysicsLoopOptions.FullLayoutSteps"/>; a
    /// later change never shortens what an earlier one granted, and a local one does not lengthen a running burst: it
    /// joins it). True when it had settled.
    /// </summary>
    /// <remarks>
    /// Topping a burst up with each local change kept ten simulated agents' layout stepping for as long as their
    /// conversations changed faster than a burst lasts (about twice a second).
    /// </remarks>
    public bool Wake(bool local = false, int reach = int.MaxValue, bool fresh = false)
    {
        // A local change only takes the motion count back to half way: the steps after it measure whether it moves
        // anything visibly (a speed over the limit starts the count over), and a pull needs a few steps to gather speed.
        // Reset to 0, a change twice a second kept a small layout from ever counting the 30 calm steps, so it stepped
        // through its whole full-layout grant.
        if (local)
        {
            _calmSteps = Math.Min(_calmSteps, options.SettleFrames / 2);
        }
        else
        {
            _calmSteps = 0;
            _stride = 1;
        }

        var grant = local && options.LocalBurstSteps > 0 ? options.LocalBurstSteps : FullLayoutGrant(reach, fresh);
        _budget = Settled ? grant : local && grant != int.MaxValue ? _budget : Math.Max(_budget, grant);
        if (!Settled)
        {
            return false;
        }

        Settled = false;
        return true;
    }

    /// <summary>
    /// Steps a full change that reaches <paramref name="reach"/> nodes (new ones plus the known ones it touched;
    /// <see cref="int.MaxValue"/>: a resume) is granted: <see cref="PhysicsLoopOptions.FullLayoutSteps"/>, or scaled with
    /// √reach between <see cref="PhysicsLoopOptions.MinFullLayoutSteps"/> (a <paramref name="fresh"/> layout:
    /// <see cref="PhysicsLoopOptions.MinFreshLayoutSteps"/>) and it (<see cref="PhysicsLoopOptions.FullLayoutStepsPerRootNode"/>);
    /// <see cref="int.MaxValue"/>: no cap.
    /// </summary>
    public int FullLayoutGrant(int reach, bool fresh = false)
    {
        if (options.FullLayoutSteps <= 0) return int.MaxValue;
        if (options.FullLayoutStepsPerRootNode <= 0 || reach == int.MaxValue) return options.FullLayoutSteps;
        var least = fresh ? PhysicsLoopOptions.MinFreshLayoutSteps : PhysicsLoopOptions.MinFullLayoutSteps;
        var scaled = Math.Max(least, (int)Math.Ceiling(options.FullLayoutStepsPerRootNode * Math.Sqrt(Math.Max(0, reach))));
        return Math.Min(options.FullLayoutSteps, scaled);
    }

    /// <summary>Iterations for this tick: a warm-up chunk while warming up, else the mode's steps per tick (times the calm stride).</summary>
    public int Iterations(PerformanceMode mode) => WarmingUp ? WarmupChunk(mode) : PerformanceProfile.For(mode).StepsPerTick * _stride;

    /// <summary>
    /// The timer period for the next ticks: the mode's, times the calm stride, times however many periods keep the steps
    /// within <see cref="PhysicsLoopOptions.MaxStepShare"/> of a core. A whole number of the mode's periods, so it changes
    /// only when the layout's pace does, not with every measurement.
    /// </summary>
    /// <remarks>
    /// When the share holds the steps back (m periods a tick instead of one) and <see cref="Coarseness"/> is k, ticks come
    /// m·k periods apart and each step spans k of <see cref="PhysicsParameters.Dt"/>: the layout advances as far a second
    /// as with m periods of single steps, for 1/k of the CPU.
    /// </remarks>
    public TimeSpan Period(PerformanceMode mode)
    {
        var periods = Math.Max(_stride, SharePeriods(mode)) * Coarseness(mode);
        return PerformanceProfile.For(mode).Period * Math.Min(periods, 600);
    }

    /// <summary>The layout's node count, for <see cref="PhysicsLoopOptions.SmallLayoutNodes"/>.</summary>
    public void Sized(int nodeCount) => _nodeCount = nodeCount;

    /// <summary>
    /// How many of <see cref="PhysicsParameters.Dt"/> each step of the next tick spans: 1, or while the
    /// <see cref="PhysicsLoopOptions.MaxStepShare"/> holds the steps back (and not warming up), as many as the share asks
    /// periods between ticks, at most <see cref="PhysicsLoopOptions.MaxCoarseness"/>; 2 for a small layout.
    /// </summary>
    /// <remarks>
    /// <para>
    /// At 10,000 nodes on the CPU path a step costs a few milliseconds, and the share spaced ticks two or three periods
    /// apart for the minutes the first layout takes (issue 23: physics was a third of the service's CPU at that size). A
    /// step twice as long, half as often, moves the layout as far each second for half of that; where the share does not
    /// bind (a real GPU) every step is the standard one.
    /// </para>
    /// <para>
    /// A small layout (at most <see cref="PhysicsLoopOptions.SmallLayoutNodes"/>) steps in twos, every other period: its
    /// steps cost microseconds and each tick's wake-up is what costs (issue 23: ten agents). The motion a second and the
    /// frames it shows are the same: a node at the speed cap already moved the quarter unit a frame needs only every other
    /// standard step.
    /// </para>
    /// </remarks>
    public int Coarseness(PerformanceMode mode)
    {
        if (WarmingUp || options.MaxCoarseness <= 1) return 1;
        var share = SharePeriods(mode);
        if (share > 1) return Math.Min(options.MaxCoarseness, share);
        return _nodeCount > 0 && _nodeCount <= options.SmallLayoutNodes ? 2 : 1;
    }

    /// <summary>
    /// Periods between ticks that keep a tick's steps within <see cref="PhysicsLoopOptions.MaxStepShare"/> of a core (1: no
    /// hold). It rises as soon as the steps cost more, and falls back only once they fit fewer periods with
    /// <see cref="ShareHysteresis"/> to spare.
    /// </summary>
    /// <remarks>
    /// A layout whose step costs about the share's limit (2,000 agents on the CPU path: ~1.7 ms against 1.67) flipped
    /// between one period and two with the machine's momentary load, and with coarse steps that is ticks every period or
    /// every fourth: physics took 3 % of a core in one run and 7 % in the next (issue 23, bench cpu round 6).
    /// </remarks>
    private int SharePeriods(PerformanceMode mode)
    {
        if (options.MaxStepShare <= 0 || _smoothedIterationMicroseconds <= 0) return 1;
        var profile = PerformanceProfile.For(mode);
        var tickMicroseconds = _smoothedIterationMicroseconds * profile.StepsPerTick * _stride;
        var limit = options.MaxStepShare * profile.Period.TotalMicroseconds;
        var periods = Math.Max(1, (int)Math.Ceiling(tickMicroseconds / limit));
        if (periods > _sharePeriods || tickMicroseconds <= ShareHysteresis * periods * limit)
        {
            _sharePeriods = periods;
        }

        return _sharePeriods;
    }

    /// <summary>
    /// Records a step of <paramref name="iterations"/> of <paramref name="dt"/> each (the standard step; each iteration
    /// spanned <paramref name="coarseness"/> of them, and counts as that many against the grant and towards the calm
    /// steps); true when the layout has settled with it.
    /// </summary>
    public bool Stepped(int iterations, TimeSpan elapsed, float maxSpeed, float dt, int coarseness = 1)
    {
        _iterationMicroseconds = elapsed.TotalMicroseconds / iterations;
        _smoothedIterationMicroseconds = _smoothedIterationMicroseconds == 0
            ? _iterationMicroseconds
            : (0.9 * _smoothedIterationMicroseconds) + (0.1 * _iterationMicroseconds);
        if (WarmingUp)
        {
            _warmupRemaining -= iterations;
            return false;
        }

        _stride = options.CalmSpeed > 0 && maxSpeed < options.CalmSpeed ? Math.Max(1, options.CalmStride) : 1;
        if (_budget != int.MaxValue)
        {
            _budget -= iterations * coarseness;
            if (_budget <= 0 && !Settled)
            {
                // The change's steps are spent: rest where the layout is, moving or not, until the next change.
                _budget = 0;
                Settled = true;
                return true;
            }
        }

        if (maxSpeed >= SettleSpeedLimit(dt))
        {
            _calmSteps = 0;
            return false;
        }

        // Counted in steps, so a calm stride settles after the same motion as single steps.
        _calmSteps += iterations * coarseness;
        if (_calmSteps < options.SettleFrames || Settled)
        {
            return false;
        }

        Settled = true;
        return true;
    }

    /// <summary>
    /// Whether this tick publishes: a change and the settled layout always, else at the stream rate once a node may have
    /// moved <see cref="PhysicsLoopOptions.MinPublishedMotion"/> since the last frame (<paramref name="motion"/>: this
    /// tick's bound, the largest speed times the time stepped).
    /// </summary>
    public bool ShouldPublish(bool changed, PerformanceMode mode, float motion)
    {
        _motionSincePublish += motion;
        var publishEvery = Math.Max(1, (int)Math.Round(PerformanceProfile.For(mode).TickHz / options.StreamHz));
        return Settled || changed || (++_ticksSincePublish >= publishEvery && _motionSincePublish >= options.MinPublishedMotion);
    }

    /// <summary>Positions were published (whatever the reason): the stream-rate count and the motion start over.</summary>
    public void Published()
    {
        _ticksSincePublish = 0;
        _motionSincePublish = 0;
    }

    /// <summary>
    /// Warm-up iterations for this tick: up to <see cref="PhysicsLoopOptions.WarmupIterationsPerTick"/>, but no more than
    /// fit in half a tick period at the last measured cost of one iteration. A topology submitted during a step waits for
    /// it, so a warm-up of 10 iterations at 10,000 nodes (tens of milliseconds on a busy machine) would delay a new node by
    /// that much; bounded, it waits at most about half a period, and the warm-up keeps its pace (overlong ticks are
    /// skipped, never queued).
    /// </summary>
    private int WarmupChunk(PerformanceMode mode)
    {
        var chunk = Math.Min(_warmupRemaining, Math.Max(1, options.WarmupIterationsPerTick));
        if (_iterationMicroseconds > 0)
        {
            var budget = PerformanceProfile.For(mode).Period.TotalMicroseconds / 2;
            chunk = (int)Math.Clamp(budget / _iterationMicroseconds, 1, chunk);
        }

        return chunk;
    }
}
