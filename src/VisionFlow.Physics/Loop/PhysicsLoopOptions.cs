namespace VisionFlow.Physics.Loop;

/// <summary>Settings for <see cref="PhysicsLoop"/>.</summary>
public sealed record PhysicsLoopOptions
{
    /// <summary>Force parameters (both node classes and the DualGraph coupling).</summary>
    internal PhysicsParameters Parameters { get; init; } = PhysicsParameters.Default;

    /// <summary>Backend choice; any Vulkan failure (at start or while running) falls back to the CPU path.</summary>
    public BackendPreference Backend { get; init; } = BackendPreference.Auto;

    /// <summary>How often positions are read back and published to readers.</summary>
    public double StreamHz { get; init; } = 20;

    /// <summary>
    /// A frame is published at the stream rate only once some node may have moved this far (layout units) since the
    /// last one, by the largest speed of the steps between; 0 publishes at the stream rate whatever moved. A change, and
    /// the settled layout, are published regardless.
    /// </summary>
    /// <remarks>
    /// A layout that is settling creeps: thousands of nodes moving hundredths of a unit per step, far below a pixel,
    /// each frame 28 bytes a node to every viewer. Publishing what can be seen, and the final state when it settles,
    /// shows the same picture for a fraction of the frames.
    /// </remarks>
    public float MinPublishedMotion { get; init; }

    /// <summary>
    /// Below this largest speed (and not warming up) the layout counts as calm: its ticks come <see cref="CalmStride"/>
    /// times less often and each runs that many steps, so the layout settles as fast, with fewer wake-ups and frames.
    /// 0: never calm.
    /// </summary>
    public float CalmSpeed { get; init; }

    /// <summary>Steps per tick (and periods per tick) while calm; see <see cref="CalmSpeed"/>.</summary>
    public int CalmStride { get; init; } = 1;

    /// <summary>
    /// Most of one core the steps may take while the layout moves (0: no limit): when a tick's steps cost more than this
    /// share of the mode's period, ticks come a whole number of periods apart instead, so a big layout moves at fewer
    /// steps a second rather than taking the machine. 0.1 lets 10,000 nodes on the CPU path step at about 30 Hz.
    /// </summary>
    public double MaxStepShare { get; init; }

    /// <summary>
    /// Most standard steps (<see cref="PhysicsParameters.Dt"/>) one step may span while <see cref="MaxStepShare"/> holds
    /// the steps back (1: never coarser): ticks then come that many times further apart with steps as many times longer,
    /// so the layout moves as far a second for that much less CPU. Velocity damping is applied per standard step.
    /// </summary>
    /// <remarks>
    /// 10,000 nodes on the CPU path cost a few milliseconds a step; holding them to a tenth of a core still left physics a
    /// third of the service's CPU through the minutes their first layout forms (issue 23). Two standard steps at once stay
    /// well inside the integrator's stable range: the stiffest spring, a weight-64 conversation between two nodes, is
    /// at ω·dt ≈ 0.6 with twice the step, against a limit of 2.
    /// </remarks>
    public int MaxCoarseness { get; init; } = 1;

    /// <summary>
    /// A layout of at most this many nodes steps two standard steps a tick, ticks twice as far apart (with
    /// <see cref="MaxCoarseness"/> of 2 or more; 0: never): the same motion a second, half the wake-ups.
    /// </summary>
    /// <remarks>
    /// Ten agents and the notes step in microseconds; what costs is the tick's wake-up, and the frames each tick may send.
    /// A node at the speed cap moves 0.22 units a step, so with <see cref="MinPublishedMotion"/> at a quarter unit the
    /// 60 Hz ticks sent a frame every other one anyway.
    /// </remarks>
    public int SmallLayoutNodes { get; init; }

    /// <summary>
    /// The least speed limit for settling: the layout counts as settled when every speed stays below the larger of this
    /// and the <see cref="SettleMotion"/> limit for <see cref="SettleFrames"/> steps in a row.
    /// </summary>
    public float SettleSpeed { get; init; } = 0.1f;

    /// <summary>
    /// No visible motion, relative to the layout's size: the share of its radius (half its largest side) a node may
    /// cover in a second of steps (60) and still count as at rest. 0.01 is five pixels a second with the layout fitted to
    /// a 1,000-pixel view (its diameter across it): a creep, not a motion; 0: the absolute <see cref="SettleSpeed"/> alone.
    /// </summary>
    /// <remarks>
    /// A big layout always has some node creeping above any absolute speed (at 10,000 agents it never settled), and a
    /// small one took minutes to creep below it; what a viewer sees is motion against the size of what is shown.
    /// </remarks>
    public float SettleMotion { get; init; } = 0.01f;

    /// <summary>Consecutive calm steps before the loop pauses.</summary>
    public int SettleFrames { get; init; } = 30;

    /// <summary>
    /// Steps a local change grants a settled layout (an edge that comes or goes, or weights that change, touching at
    /// most max(8, 2 %) of the nodes): it then rests again, whether or not every node has stopped. 0: no cap (the
    /// change lays out like a big one).
    /// </summary>
    /// <remarks>
    /// A conversation that starts or stops between two agents of a settled 10,000-node layout moves two nodes a little;
    /// laying it out until nothing moves re-settles everything, minutes of steps for what a short burst shows.
    /// </remarks>
    public int LocalBurstSteps { get; init; }

    /// <summary>
    /// Least rest between local bursts: a local change handed in sooner after the layout came to rest is taken and shown at
    /// once but stepped only when this much time has passed, together with the local changes that came meanwhile.
    /// <see cref="TimeSpan.Zero"/>: stepped at once. Other changes (new nodes, moves) never wait.
    /// </summary>
    /// <remarks>
    /// Ten simulated agents start, end or change the pace of a conversation about twice a second: each burst alone is
    /// short, but back to back they kept the layout stepping 50 times a second.
    /// </remarks>
    public TimeSpan MinRest { get; init; }

    /// <summary>
    /// Steps any other change grants (new nodes, a move, a big change), after the warm-up: a bound on how long a layout
    /// that never stops moving visibly keeps stepping. 0: no cap.
    /// </summary>
    public int FullLayoutSteps { get; init; }

    /// <summary>
    /// Scales the grant of a full change with the nodes it reaches: new nodes plus the known ones it touched (n) get
    /// <c>FullLayoutStepsPerRootNode·√n</c> steps, at least <see cref="MinFullLayoutSteps"/> and at most
    /// <see cref="FullLayoutSteps"/>; a fresh layout (every node new) at least <see cref="MinFreshLayoutSteps"/>, a resume
    /// the cap. 0: every full change gets <see cref="FullLayoutSteps"/>.
    /// </summary>
    /// <remarks>
    /// What a change needs to form grows with what it brings: on the simulator's swarm shape (bench/README "Settling")
    /// 11 nodes came to rest after 274 steps, 201 after 998, 2,001 not within 3,700 (about 80·√n); the embedded knowledge
    /// graph's 13 densely linked notes after ~1,300. The cap is there for the big layouts that never stop moving visibly.
    /// Ten simulated agents spent all of it only because their conversations kept them moving — the simulator starts,
    /// ends or re-paces one about twice a second — so 25 nodes stepped at 60 Hz for a whole minute where, once formed,
    /// those changes are what the local bursts are for.
    /// </remarks>
    public float FullLayoutStepsPerRootNode { get; init; }

    /// <summary>Least steps a change to a formed layout is granted when <see cref="FullLayoutStepsPerRootNode"/> scales it (10 s at 60 Hz).</summary>
    public const int MinFullLayoutSteps = 600;

    /// <summary>Least steps a fresh layout is granted when <see cref="FullLayoutStepsPerRootNode"/> scales it (30 s at 60 Hz: the 13 notes' ~1,300 with a margin).</summary>
    public const int MinFreshLayoutSteps = 1800;

    /// <summary>Most warm-up iterations run in one tick, so a big warm-up never stalls the loop for long.</summary>
    public int WarmupIterationsPerTick { get; init; } = 10;

    /// <summary>Mode at start.</summary>
    public PerformanceMode InitialMode { get; init; } = PerformanceMode.Standard;
}
