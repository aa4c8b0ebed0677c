namespace VisionFlow.Physics.Loop;

/// <summary>
/// What each tick does: how many iterations it runs (a warm-up after new nodes, in chunks, then the mode's steps), when
/// the layout has settled (every speed under <see cref="PhysicsLoopOptions.SettleSpeed"/> for
/// <see cref="PhysicsLoopOptions.SettleFrames"/> ticks in a row), and when positions are published (at the stream rate,
/// on a change, and once more when settled). Pure bookkeeping: no clock, no backend, no thread of its own.
/// </summary>
internal sealed class TickPolicy(PhysicsLoopOptions options)
{
    private int _warmupRemaining;
    private double _iterationMicroseconds;
    private int _calmSteps;
    private int _stride = 1;
    private double _smoothedIterationMicroseconds;
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

    /// <summary>Something changed the layout's input: it counts as moving again. True when it had settled.</summary>
    public bool Wake()
    {
        _calmSteps = 0;
        _stride = 1;
        if (!Settled)
        {
            return false;
        }

        Settled = false;
        return true;
    }

    /// <summary>Iterations for this tick: a warm-up chunk while warming up, else the mode's steps per tick (times the calm stride).</summary>
    public int Iterations(PerformanceMode mode) => WarmingUp ? WarmupChunk(mode) : PerformanceProfile.For(mode).StepsPerTick * _stride;

    /// <summary>
    /// The timer period for the next ticks: the mode's, times the calm stride, times however many periods keep the steps
    /// within <see cref="PhysicsLoopOptions.MaxStepShare"/> of a core. A whole number of the mode's periods, so it changes
    /// only when the layout's pace does, not with every measurement.
    /// </summary>
    public TimeSpan Period(PerformanceMode mode)
    {
        var profile = PerformanceProfile.For(mode);
        var periods = _stride;
        if (options.MaxStepShare > 0 && _smoothedIterationMicroseconds > 0)
        {
            var tickMicroseconds = _smoothedIterationMicroseconds * profile.StepsPerTick * _stride;
            periods = Math.Max(periods, (int)Math.Ceiling(tickMicroseconds / (options.MaxStepShare * profile.Period.TotalMicroseconds)));
        }

        return profile.Period * Math.Min(periods, 600);
    }

    /// <summary>Records a step of <paramref name="iterations"/>; true when the layout has settled with it.</summary>
    public bool Stepped(int iterations, TimeSpan elapsed, float maxSpeed)
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
        if (maxSpeed >= options.SettleSpeed)
        {
            _calmSteps = 0;
            return false;
        }

        // Counted in steps, so a calm stride settles after the same motion as single steps.
        _calmSteps += iterations;
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
