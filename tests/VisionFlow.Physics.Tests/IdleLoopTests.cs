using Microsoft.Extensions.Time.Testing;
using VisionFlow.Physics.Loop;

namespace VisionFlow.Physics.Tests;

/// <summary>
/// Idle means idle: a settled layout costs nothing (no tick, no step, no publication) until a change is handed in, and
/// each kind of change costs what it is: a weight is a weight (nothing re-placed), a new node wakes the layout.
/// </summary>
public sealed class IdleLoopTests
{
    private static readonly TimeSpan Tick = PerformanceProfile.For(PerformanceMode.Standard).Period;

    private static readonly PhysicsLoopOptions CpuOnly = new()
    {
        Backend = BackendPreference.Cpu,
        StreamHz = 1000,
        Parameters = PhysicsParameters.Default with { WarmupIterations = 0 },
    };

    /// <summary>Two linked nodes at rest length (settled within a second), or <paramref name="halfGap"/> either side of the origin.</summary>
    private static void StartPair(PhysicsLoop loop, float halfGap = 25)
    {
        loop.SubmitTopology([1u, 2u], [(0, 1, 1f)]);
        loop.Start();
        loop.MoveNode(1, -halfGap, 0, 0);
        loop.MoveNode(2, halfGap, 0, 0);
    }

    private static async Task SettleAsync(FakeTimeProvider time, PhysicsLoop loop)
    {
        for (var t = 0; t < 600 && !loop.Status.Settled; t++) time.Advance(Tick);
        await Assert.That(loop.Status.Settled).IsTrue();
    }

    [Test]
    public async Task A_settled_layout_is_not_ticked_stepped_or_published_for_a_minute()
    {
        var fake = new FakeTimeProvider();
        var time = new CountingTime(fake);
        using var loop = new PhysicsLoop(CpuOnly, time);
        var published = 0;
        loop.PositionsPublished += _ => published++;
        StartPair(loop);
        await SettleAsync(fake, loop);
        var settled = loop.Status;
        var callbacks = time.Callbacks;
        var positions = loop.Positions.Sequence;
        var publishedWhenSettled = published;

        // A minute of 60 Hz ticks, had the timer kept running.
        for (var t = 0; t < 3600; t++) fake.Advance(Tick);

        var after = loop.Status;
        await Assert.That(time.Callbacks).IsEqualTo(callbacks); // no timer fired at all
        await Assert.That(after.Ticks).IsEqualTo(settled.Ticks);
        await Assert.That(after.Steps).IsEqualTo(settled.Steps);
        await Assert.That(loop.Positions.Sequence).IsEqualTo(positions);
        await Assert.That(published).IsEqualTo(publishedWhenSettled);
        await Assert.That(after.Running).IsTrue(); // resting, not stopped: the health probe still says up
    }

    [Test]
    public async Task A_new_node_wakes_a_settled_layout_which_rests_again_once_it_settles()
    {
        var fake = new FakeTimeProvider();
        var time = new CountingTime(fake);
        using var loop = new PhysicsLoop(CpuOnly, time);
        StartPair(loop);
        await SettleAsync(fake, loop);
        var settled = loop.Status;

        loop.SubmitTopology([1u, 2u, 3u], [(0, 1, 1f), (1, 2, 1f)]);
        await Assert.That(loop.Positions.Ids.ToArray()).IsEquivalentTo(new[] { 1u, 2u, 3u }); // shown at once
        fake.Advance(Tick * 6);
        await Assert.That(loop.Status.Settled).IsFalse();
        await Assert.That(loop.Status.Ticks).IsEqualTo(settled.Ticks + 6);
        await Assert.That(loop.Status.Steps).IsEqualTo(settled.Steps + 6);

        await SettleAsync(fake, loop);
        var callbacks = time.Callbacks;
        fake.Advance(TimeSpan.FromSeconds(10));
        await Assert.That(time.Callbacks).IsEqualTo(callbacks);
    }

    [Test]
    public async Task A_weight_change_wakes_the_layout_without_re_placing_a_node()
    {
        var time = new FakeTimeProvider();
        var spy = new SpyBackend();
        // Warm-up on: a re-placement would restart it for the "new" nodes; a weight change must not.
        var options = CpuOnly with { Backend = BackendPreference.Vulkan, Parameters = PhysicsParameters.Default with { WarmupIterations = 50 } };
        using var loop = new PhysicsLoop(options, time, null, () => spy);
        loop.SubmitTopology([10u, 20u, 30u], [(0, 1, 1f), (1, 2, 1f)]);
        loop.Start();
        loop.MoveNode(10, -25, 0, 0);
        loop.MoveNode(20, 25, 0, 0);
        loop.MoveNode(30, 75, 0, 0);
        await SettleAsync(time, loop);
        var before = loop.Status;
        var topology = loop.Positions.TopologyVersion;
        var state = loop.Positions.State.ToArray();

        loop.SubmitWeights([(30u, 20u, 4f)]);
        time.Advance(Tick);

        var step = spy.Last;
        await Assert.That(loop.Status.Steps).IsEqualTo(before.Steps + 1); // one step, not a warm-up chunk
        await Assert.That(loop.Status.WarmingUp).IsFalse();
        await Assert.That(step.Dirty).IsEqualTo((0, 0)); // no position handed to the device again
        await Assert.That(step.TopologyVersion).IsEqualTo(spy.Steps[^2].TopologyVersion);
        await Assert.That(step.WeightsVersion).IsGreaterThan(spy.Steps[^2].WeightsVersion);
        await Assert.That(step.Weights).IsEquivalentTo(new[] { 1f, 1f, 4f, 4f }); // both CSR entries of 20–30
        await Assert.That(step.X).IsEquivalentTo(new[] { state[0], state[6], state[12] }); // where they rested
        await Assert.That(loop.Positions.TopologyVersion).IsEqualTo(topology);
    }

    [Test]
    public async Task Weights_that_change_nothing_leave_a_settled_layout_resting()
    {
        var time = new FakeTimeProvider();
        using var loop = new PhysicsLoop(CpuOnly, time);
        StartPair(loop);
        await SettleAsync(time, loop);
        var settled = loop.Status;

        loop.SubmitWeights([(2u, 1u, 1f)]); // the weight it has
        loop.SubmitWeights([(1u, 99u, 3f)]); // an edge it does not have
        time.Advance(TimeSpan.FromSeconds(5));

        // Woken once to look, nothing to step, resting again.
        await Assert.That(loop.Status.Settled).IsTrue();
        await Assert.That(loop.Status.Steps).IsEqualTo(settled.Steps);
        await Assert.That(loop.Status.Ticks).IsEqualTo(settled.Ticks + 1);
    }

    [Test]
    public async Task A_move_wakes_a_resting_layout_at_the_rate_of_the_mode_set_while_it_rested()
    {
        var time = new FakeTimeProvider();
        using var loop = new PhysicsLoop(CpuOnly, time);
        StartPair(loop);
        await SettleAsync(time, loop);
        var settled = loop.Status;

        loop.SetPerformanceMode(PerformanceMode.Reduced);
        time.Advance(TimeSpan.FromSeconds(5));
        await Assert.That(loop.Status.Ticks).IsEqualTo(settled.Ticks); // a new rate does not wake it

        loop.MoveNode(2, 500, 0, 0);
        time.Advance(TimeSpan.FromSeconds(1));
        await Assert.That(loop.Status.Ticks).IsEqualTo(settled.Ticks + 30);
        await Assert.That(loop.Status.Settled).IsFalse();
    }

    [Test]
    public async Task Weights_handed_in_before_a_topology_give_way_to_its_own()
    {
        var time = new FakeTimeProvider();
        var spy = new SpyBackend();
        using var loop = new PhysicsLoop(CpuOnly with { Backend = BackendPreference.Vulkan, SettleFrames = int.MaxValue }, time, null, () => spy);
        loop.SubmitTopology([1u, 2u, 3u], [(0, 1, 1f), (1, 2, 1f)]);
        loop.SubmitWeights([(1u, 2u, 7f)]); // after the topology: applied on top of it
        loop.Start();
        time.Advance(Tick);
        await Assert.That(spy.Last.Weights).IsEquivalentTo(new[] { 7f, 7f, 1f, 1f });

        loop.SubmitWeights([(2u, 3u, 9f)]); // older than the topology below, which carries its own weights
        loop.SubmitTopology([1u, 2u, 3u, 4u], [(0, 1, 2f), (1, 2, 2f), (2, 3, 2f)]);
        time.Advance(Tick);
        await Assert.That(spy.Last.Weights.Distinct().ToArray()).IsEquivalentTo(new[] { 2f });
    }

    [Test]
    public async Task Handing_in_weights_allocates_nothing_once_warm()
    {
        var time = new FakeTimeProvider();
        using var loop = new PhysicsLoop(CpuOnly with { SettleFrames = int.MaxValue }, time);
        var ids = Enumerable.Range(1, 1000).Select(i => (uint)i).ToArray();
        var chain = Enumerable.Range(0, 999).Select(i => (i, i + 1, 1f)).ToArray();
        var changes = Enumerable.Range(0, 100).Select(i => (ids[i * 5], ids[(i * 5) + 1], 2f)).ToArray();
        loop.SubmitTopology(ids, chain);
        loop.Start();
        for (var i = 0; i < 3; i++)
        {
            loop.SubmitWeights(changes);
            time.Advance(Tick);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 50; i++) loop.SubmitWeights(changes);
        await Assert.That(GC.GetAllocatedBytesForCurrentThread() - before).IsEqualTo(0);
    }

    /// <summary>A <see cref="FakeTimeProvider"/> that counts how often its timers fire, whatever the loop reports.</summary>
    [Test]
    public async Task A_calm_layout_steps_its_stride_at_once_at_a_stretched_period_and_settles_after_as_many_steps()
    {
        var fake = new FakeTimeProvider();
        using var loop = new PhysicsLoop(CpuOnly with { CalmSpeed = 1f, CalmStride = 6 }, fake);
        StartPair(loop, halfGap: 25.5f); // one unit off the rest length: calm from the first step
        fake.Advance(Tick * 2);
        var before = loop.Status;
        fake.Advance(Tick * 6);
        var after = loop.Status;
        await Assert.That(after.Ticks - before.Ticks).IsEqualTo(1);
        await Assert.That(after.Steps - before.Steps).IsEqualTo(6);

        // A change moves it at the mode's pace again: one step a tick.
        loop.MoveNode(2, 60, 0, 0);
        fake.Advance(Tick * 6);
        fake.Advance(Tick * 3);
        var moving = loop.Status;
        fake.Advance(Tick * 3);
        await Assert.That(loop.Status.Ticks - moving.Ticks).IsEqualTo(3);
        await Assert.That(loop.Status.Steps - moving.Steps).IsEqualTo(3);
        await SettleAsync(fake, loop);
    }

    [Test]
    public async Task Steps_that_cost_more_than_their_share_of_a_core_come_a_whole_number_of_periods_apart()
    {
        var fake = new FakeTimeProvider();
        // 5 ms a step against a budget of a tenth of a 16.7 ms period: a tick every third period.
        var options = CpuOnly with { Backend = BackendPreference.Vulkan, SettleFrames = int.MaxValue, MaxStepShare = 0.1 };
        using var loop = new PhysicsLoop(options, fake, null, () => new CostlyBackend(fake, TimeSpan.FromMilliseconds(5)));
        StartPair(loop, halfGap: 100);
        fake.Advance(Tick);
        var before = loop.Status;
        for (var t = 0; t < 30; t++) fake.Advance(Tick);
        // Thirty periods hold ten ticks three periods apart (the fake clock also moves by each step's own 5 ms, so a
        // few fewer); at the mode's pace it would have been thirty.
        var ticks = loop.Status.Ticks - before.Ticks;
        await Assert.That(ticks).IsBetween(6, 10);
        await Assert.That(loop.Status.Steps - before.Steps).IsEqualTo(ticks);
        await Assert.That(loop.Status.SkippedTicks).IsEqualTo(0);
    }

    [Test]
    public async Task Motion_below_what_a_frame_would_show_is_not_published_until_it_adds_up()
    {
        var fake = new FakeTimeProvider();
        var published = new[] { 0, 0 };
        float[] motions = [0f, 20f];
        for (var k = 0; k < 2; k++)
        {
            using var loop = new PhysicsLoop(CpuOnly with { StreamHz = 60, SettleFrames = int.MaxValue, MinPublishedMotion = motions[k] }, fake);
            StartPair(loop, halfGap: 100);
            fake.Advance(Tick);
            var index = k;
            loop.PositionsPublished += _ => published[index]++;
            // At most 9.57 units/s of layout time, 0.0227 s a step: 60 steps move a node at most 13 units.
            for (var t = 0; t < 60; t++) fake.Advance(Tick);
        }

        await Assert.That(published[0]).IsEqualTo(60);
        await Assert.That(published[1]).IsEqualTo(0);
    }

    private sealed class CostlyBackend(FakeTimeProvider time, TimeSpan perIteration) : ILayoutBackend
    {
        private readonly CpuLayoutBackend _cpu = new();
        public LayoutBackendKind Kind => LayoutBackendKind.Vulkan;
        public string DeviceName => "costly test device";
        public float Step(LayoutGraph graph, PhysicsParameters parameters, int iterations)
        {
            time.Advance(perIteration * iterations);
            return _cpu.Step(graph, parameters, iterations);
        }

        public void ReadBack(LayoutGraph graph) { }
        public void Dispose() => _cpu.Dispose();
    }

    private sealed class CountingTime(FakeTimeProvider inner) : TimeProvider
    {
        private int _callbacks;

        public int Callbacks => Volatile.Read(ref _callbacks);

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override long GetTimestamp() => inner.GetTimestamp();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            inner.CreateTimer(s =>
            {
                Interlocked.Increment(ref _callbacks);
                callback(s);
            }, state, dueTime, period);
    }

    /// <summary>What a device backend is given at each step (the CPU path does the work).</summary>
    private sealed class SpyBackend : ILayoutBackend
    {
        private readonly CpuLayoutBackend _cpu = new(1);

        public List<Seen> Steps { get; } = [];

        public Seen Last => Steps[^1];

        public LayoutBackendKind Kind => LayoutBackendKind.Vulkan;

        public string DeviceName => "spy";

        public float Step(LayoutGraph graph, PhysicsParameters parameters, int iterations)
        {
            Steps.Add(new Seen(graph.TopologyVersion, graph.WeightsVersion, graph.DirtyRange, graph.EdgeWeights.ToArray(), graph.X.ToArray()));
            return _cpu.Step(graph, parameters, iterations);
        }

        public void ReadBack(LayoutGraph graph)
        {
        }

        public void Dispose() => _cpu.Dispose();

        public sealed record Seen(long TopologyVersion, long WeightsVersion, (int Start, int Count) Dirty, float[] Weights, float[] X);
    }
}
