using Microsoft.Extensions.Time.Testing;
using VisionFlow.Physics.Loop;
using VisionFlow.Physics.Vulkan;

namespace VisionFlow.Physics.Tests;

public sealed class PhysicsLoopTests
{
    private static readonly PhysicsLoopOptions CpuOnly = new()
    {
        Backend = BackendPreference.Cpu,
        StreamHz = 1000, // publish every tick so the status counters are exact
        Parameters = PhysicsParameters.Default with { WarmupIterations = 0 },
    };

    private static (uint[] Ids, (int, int, float)[] Edges) RandomTopology(int n, int seed)
    {
        var rng = new Random(seed);
        var ids = new uint[n];
        for (var i = 0; i < n; i++) ids[i] = (uint)(i + 100) | (i % 3 == 0 ? LayoutGraph.AgentBit : 0);
        var edges = new (int, int, float)[n * 2];
        for (var e = 0; e < edges.Length; e++) edges[e] = (rng.Next(n), rng.Next(n), 1f);
        return (ids, edges);
    }

    [Test]
    public async Task Published_state_buffers_are_recycled_while_escaped_and_held_snapshots_stay_intact()
    {
        var time = new FakeTimeProvider();
        using var loop = new PhysicsLoop(CpuOnly with { SettleFrames = int.MaxValue }, time);
        var (ids, edges) = RandomTopology(300, 7);
        PositionSnapshot? held = null;
        float[]? heldCopy = null;
        var received = 0;
        loop.PositionsPublished += p =>
        {
            // A subscriber that keeps one snapshot (as a stream session does while encoding) takes a reference.
            if (++received == 10 && p.TryAcquire())
            {
                held = p;
                heldCopy = p.State.ToArray();
            }
        };
        loop.SubmitTopology(ids, edges);
        loop.Start();
        time.Advance(TimeSpan.FromMilliseconds(100));
        var escaped = loop.Positions;
        var escapedCopy = escaped.State.ToArray();
        time.Advance(TimeSpan.FromSeconds(2));

        // About 126 publications, yet only a handful of buffers: each goes back to the pool when its last holder lets go.
        await Assert.That(received).IsGreaterThan(100);
        await Assert.That(loop.StateBuffersCreated).IsLessThanOrEqualTo(8);

        // Nothing recycled a buffer somebody still holds, or one handed out by Positions.
        await Assert.That(held!.State.Span.SequenceEqual(heldCopy)).IsTrue();
        await Assert.That(escaped.State.Span.SequenceEqual(escapedCopy)).IsTrue();
        await Assert.That(loop.Positions.State.Span.SequenceEqual(escapedCopy)).IsFalse();
        held.Release();
        await Assert.That(held.TryAcquire()).IsFalse();
    }

    /// <summary>Two linked nodes placed <paramref name="halfGap"/> either side of the origin (25 = at rest, settles within a second).</summary>
    private static void StartPair(PhysicsLoop loop, float halfGap)
    {
        loop.SubmitTopology([1u, 2u], [(0, 1, 1f)]);
        loop.Start();
        loop.MoveNode(1, -halfGap, 0, 0);
        loop.MoveNode(2, halfGap, 0, 0);
    }

    [Test]
    public async Task Resubmitting_the_same_nodes_and_edges_keeps_the_topology_and_the_motion()
    {
        var time = new FakeTimeProvider();
        using var loop = new PhysicsLoop(CpuOnly with { SettleFrames = int.MaxValue }, time);
        var (ids, edges) = RandomTopology(200, 3);
        loop.SubmitTopology(ids, edges);
        loop.Start();
        time.Advance(TimeSpan.FromMilliseconds(200));
        var before = loop.Positions;

        // New traffic weights on the same edges, as the graph service sends on every agent update.
        var reweighted = edges.Select(e => (e.Item1, e.Item2, e.Item3 * 3f)).ToArray();
        loop.SubmitTopology(ids, reweighted);
        time.Advance(TimeSpan.FromMilliseconds(50));
        var after = loop.Positions;
        await Assert.That(after.Sequence).IsGreaterThan(before.Sequence);
        await Assert.That(after.TopologyVersion).IsEqualTo(before.TopologyVersion);

        // Velocities were not reset: some node still moves at the first step after the resubmission.
        var moving = 0;
        var state = after.State.Span;
        for (var i = 0; i < after.Count; i++)
        {
            if (state[(i * 6) + 3] != 0 || state[(i * 6) + 4] != 0 || state[(i * 6) + 5] != 0) moving++;
        }

        await Assert.That(moving).IsGreaterThan(0);

        // A different edge set is a new topology.
        loop.SubmitTopology(ids, edges.Take(edges.Length - 1).ToArray());
        time.Advance(TimeSpan.FromMilliseconds(50));
        await Assert.That(loop.Positions.TopologyVersion).IsGreaterThan(before.TopologyVersion);
    }

    [Test]
    public async Task Resubmitting_reuses_its_buffers_and_allocates_nothing_once_warm()
    {
        var time = new FakeTimeProvider();
        using var loop = new PhysicsLoop(CpuOnly, time);
        var (ids, edges) = RandomTopology(10_000, 11);
        var heavier = edges.Select(e => (e.Item1, e.Item2, e.Item3 * 2f)).ToArray();
        for (var i = 0; i < 3; i++)
        {
            loop.SubmitTopology(ids, i % 2 == 0 ? edges : heavier);
        }

        // Ten times a second in production: ids and CSR for 10,000 nodes used to be five fresh arrays and a closure each time.
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 50; i++)
        {
            loop.SubmitTopology(ids, i % 2 == 0 ? edges : heavier);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        await Assert.That(allocated).IsEqualTo(0);

        // Only the newest of the pending submissions is applied.
        loop.SubmitTopology(ids[..5], [(0, 1, 1f), (3, 4, 2f)]);
        loop.Start();
        time.Advance(TimeSpan.FromMilliseconds(20));
        await Assert.That(loop.Positions.Ids.ToArray()).IsEquivalentTo(ids[..5]);
        await Assert.That(loop.Status.NodeCount).IsEqualTo(5);
    }

    [Test]
    public async Task An_identical_resubmission_leaves_a_settled_layout_settled()
    {
        var time = new FakeTimeProvider();
        using var loop = new PhysicsLoop(CpuOnly, time);
        StartPair(loop, 25);
        time.Advance(TimeSpan.FromSeconds(1));
        await Assert.That(loop.Status.Settled).IsTrue();

        loop.SubmitTopology([1u, 2u], [(0, 1, 1f)]);
        time.Advance(TimeSpan.FromMilliseconds(100));
        await Assert.That(loop.Status.Settled).IsTrue();

        // New weights change the forces: the layout wakes up and steps (at rest length the spring pulls nothing, so it
        // rests again once it has counted its calm steps).
        var steps = loop.Status.Steps;
        loop.SubmitTopology([1u, 2u], [(0, 1, 5f)]);
        time.Advance(TimeSpan.FromMilliseconds(20));
        await Assert.That(loop.Status.Settled).IsFalse();
        await Assert.That(loop.Status.Steps).IsGreaterThan(steps);
    }

    [Test]
    public async Task Tick_rate_follows_the_performance_mode()
    {
        var time = new FakeTimeProvider();
        using var loop = new PhysicsLoop(CpuOnly with { SettleFrames = int.MaxValue }, time);
        var (ids, edges) = RandomTopology(200, 1);
        loop.SubmitTopology(ids, edges);
        loop.Start();

        time.Advance(TimeSpan.FromSeconds(1));
        await Assert.That(loop.Status.Ticks).IsEqualTo(60);
        loop.SetPerformanceMode(PerformanceMode.Reduced);
        time.Advance(TimeSpan.FromSeconds(1));
        await Assert.That(loop.Status.Ticks).IsEqualTo(90);
        loop.SetPerformanceMode(PerformanceMode.Minimal);
        time.Advance(TimeSpan.FromSeconds(1));
        await Assert.That(loop.Status.Ticks).IsEqualTo(95);
        await Assert.That(loop.Status.Mode).IsEqualTo(PerformanceMode.Minimal);
        await Assert.That(loop.Status.Steps).IsEqualTo(95);
        await Assert.That(loop.Status.NodeCount).IsEqualTo(200);
        await Assert.That(loop.Status.EdgeCount).IsEqualTo(400);
    }

    [Test]
    public async Task Pauses_when_calm_for_30_ticks_and_resumes_on_change()
    {
        var time = new FakeTimeProvider();
        using var loop = new PhysicsLoop(CpuOnly, time);
        // Two linked nodes at rest length, outside each other's cutoff: only weak centering acts, speeds stay < 0.1.
        StartPair(loop, 25);

        time.Advance(TimeSpan.FromSeconds(1));
        var settled = loop.Status;
        await Assert.That(settled.Settled).IsTrue();
        await Assert.That(settled.Steps).IsEqualTo(30);
        await Assert.That(settled.MaxSpeed).IsLessThan(0.1f);

        time.Advance(TimeSpan.FromSeconds(1));
        await Assert.That(loop.Status.Steps).IsEqualTo(30);

        loop.MoveNode(2, 200, 0, 0);
        time.Advance(TimeSpan.FromMilliseconds(100));
        await Assert.That(loop.Status.Settled).IsFalse();
        await Assert.That(loop.Status.Steps).IsGreaterThan(30);
    }

    [Test]
    public async Task Fast_nodes_keep_the_loop_running()
    {
        var time = new FakeTimeProvider();
        using var loop = new PhysicsLoop(CpuOnly, time);
        StartPair(loop, 500);
        time.Advance(TimeSpan.FromSeconds(1));
        await Assert.That(loop.Status.Settled).IsFalse();
        await Assert.That(loop.Status.MaxSpeed).IsGreaterThan(0.1f);
    }

    [Test]
    public async Task Warmup_runs_its_iterations_in_chunks()
    {
        var time = new FakeTimeProvider();
        var options = CpuOnly with { Parameters = PhysicsParameters.Default with { WarmupIterations = 100 }, WarmupIterationsPerTick = 10, SettleFrames = int.MaxValue };
        using var loop = new PhysicsLoop(options, time);
        var (ids, edges) = RandomTopology(100, 2);
        loop.SubmitTopology(ids, edges);
        loop.Start();
        for (var t = 0; t < 9; t++) time.Advance(PerformanceProfile.For(PerformanceMode.Standard).Period);
        await Assert.That(loop.Status.WarmingUp).IsTrue();
        await Assert.That(loop.Status.Steps).IsEqualTo(90);
        time.Advance(PerformanceProfile.For(PerformanceMode.Standard).Period);
        await Assert.That(loop.Status.WarmingUp).IsFalse();
        time.Advance(PerformanceProfile.For(PerformanceMode.Standard).Period);
        await Assert.That(loop.Status.Steps).IsEqualTo(101);
    }

    [Test]
    public async Task Only_new_nodes_restart_the_warmup_not_new_edges_between_known_ones()
    {
        var time = new FakeTimeProvider();
        var options = CpuOnly with { Parameters = PhysicsParameters.Default with { WarmupIterations = 20 }, WarmupIterationsPerTick = 10, SettleFrames = int.MaxValue };
        using var loop = new PhysicsLoop(options, time);
        var tick = PerformanceProfile.For(PerformanceMode.Standard).Period;
        var ids = Enumerable.Range(1, 50).Select(i => (uint)i).ToArray();
        var chain = Enumerable.Range(0, 49).Select(i => (i, i + 1, 1f)).ToArray();
        loop.SubmitTopology(ids, chain);
        loop.Start();
        time.Advance(tick * 2);
        await Assert.That(loop.Status.Steps).IsEqualTo(20);
        await Assert.That(loop.Status.WarmingUp).IsFalse();

        // A message flow between two known agents is a new edge (a new topology), but nothing needs placing: one step.
        loop.SubmitTopology(ids, [.. chain, (0, 49, 1f)]);
        time.Advance(tick);
        await Assert.That(loop.Status.WarmingUp).IsFalse();
        await Assert.That(loop.Status.Steps).IsEqualTo(21);

        // A new node does warm up.
        loop.SubmitTopology([.. ids, 51u], [.. chain, (0, 49, 1f), (49, 50, 1f)]);
        time.Advance(tick);
        await Assert.That(loop.Status.WarmingUp).IsTrue();
        await Assert.That(loop.Status.Steps).IsEqualTo(31);
    }

    [Test]
    public async Task A_new_topology_is_published_when_submitted_not_at_the_next_tick()
    {
        var time = new FakeTimeProvider();
        using var loop = new PhysicsLoop(CpuOnly with { SettleFrames = int.MaxValue }, time);
        loop.SubmitTopology([1u, 2u], [(0, 1, 1f)]);
        loop.Start();
        time.Advance(PerformanceProfile.For(PerformanceMode.Standard).Period * 3);
        var steps = loop.Status.Steps;

        // The clock does not move: the new node is on the stream from the submission itself, and nothing stepped.
        loop.SubmitTopology([1u, 2u, 3u], [(0, 1, 1f), (1, 2, 1f)]);
        await Assert.That(loop.Positions.Ids.ToArray()).IsEquivalentTo(new[] { 1u, 2u, 3u });
        await Assert.That(loop.Status.Steps).IsEqualTo(steps);
    }

    [Test]
    public async Task A_topology_submitted_during_a_step_is_published_when_the_step_ends()
    {
        var time = new FakeTimeProvider();
        PhysicsLoop? loop = null;
        var submitted = false;
        var steps = 0;
        var backend = new SlowBackend(time, TimeSpan.Zero, TimeSpan.Zero)
        {
            // The graph service submits from its own thread while a tick steps; here, from inside the third step.
            DuringStep = () =>
            {
                if (++steps == 3)
                {
                    submitted = true;
                    loop!.SubmitTopology([1u, 2u, 3u], [(0, 1, 1f), (1, 2, 1f)]);
                }
            },
        };
        var options = new PhysicsLoopOptions { Backend = BackendPreference.Vulkan, StreamHz = 1, SettleFrames = int.MaxValue, Parameters = PhysicsParameters.Default with { WarmupIterations = 0 } };
        using (loop = new PhysicsLoop(options, time, null, () => backend))
        {
            loop.SubmitTopology([1u, 2u], [(0, 1, 1f)]);
            loop.Start();
            var tick = PerformanceProfile.For(PerformanceMode.Standard).Period;
            for (var t = 0; t < 10 && !submitted; t++)
            {
                time.Advance(tick);
            }

            await Assert.That(submitted).IsTrue();

            // At 1 Hz the stream would not publish again for a second; the new topology went out as the step ended.
            await Assert.That(loop.Positions.Ids.ToArray()).IsEquivalentTo(new[] { 1u, 2u, 3u });
        }
    }

    [Test]
    public async Task Warmup_chunks_fit_in_half_a_tick_at_the_measured_cost_of_an_iteration()
    {
        // 2 ms of (fake) time per iteration: the first chunk (no cost known yet) is the configured 5, taking 10 ms; from
        // then on only 4 fit in half of the 16.7 ms period, so a new topology never waits behind a long tick.
        var time = new FakeTimeProvider();
        var options = new PhysicsLoopOptions
        {
            Backend = BackendPreference.Vulkan, StreamHz = 1000, SettleFrames = int.MaxValue, WarmupIterationsPerTick = 5,
            Parameters = PhysicsParameters.Default with { WarmupIterations = 100 },
        };
        using var loop = new PhysicsLoop(options, time, null, () => new SlowBackend(time, TimeSpan.Zero, TimeSpan.FromMilliseconds(2)));
        var (ids, edges) = RandomTopology(100, 3);
        loop.SubmitTopology(ids, edges);
        loop.Start();
        var tick = PerformanceProfile.For(PerformanceMode.Standard).Period;
        time.Advance(tick);
        await Assert.That(loop.Status.Steps).IsEqualTo(5);
        time.Advance(tick);
        await Assert.That(loop.Status.Steps).IsEqualTo(9);
        time.Advance(tick);
        await Assert.That(loop.Status.Steps).IsEqualTo(13);
        await Assert.That(loop.Status.StepP99Microseconds).IsEqualTo(10_000d);
        await Assert.That(loop.Status.StepP50Microseconds).IsEqualTo(8_000d);
    }

    [Test]
    public async Task Positions_survive_a_topology_change_by_id()
    {
        var time = new FakeTimeProvider();
        using var loop = new PhysicsLoop(CpuOnly with { SettleFrames = int.MaxValue }, time);
        loop.SubmitTopology([10u, 20u, 30u], [(0, 1, 1f), (1, 2, 1f)]);
        loop.Start();
        loop.MoveNode(20, 123, 45, 6, pinned: true);
        time.Advance(TimeSpan.FromMilliseconds(100));
        // Node 20 moves to index 0 and a new node 40 appears next to its neighbour, where their spring rests (50 units).
        loop.SubmitTopology([20u, 40u, 10u], [(0, 1, 1f), (0, 2, 1f)]);
        time.Advance(TimeSpan.FromMilliseconds(20));
        var snapshot = loop.Positions;
        var ids = snapshot.Ids.ToArray();
        var state = snapshot.State.ToArray();
        await Assert.That(ids).IsEquivalentTo(new[] { 20u, 40u, 10u });
        await Assert.That(state[0]).IsEqualTo(123f);
        await Assert.That(state[1]).IsEqualTo(45f);
        float dx = state[6] - 123f, dy = state[7] - 45f, dz = state[8] - 6f;
        await Assert.That(MathF.Sqrt((dx * dx) + (dy * dy) + (dz * dz))).IsEqualTo(50f).Within(2f); // one 20 ms tick since
        await Assert.That(state.All(float.IsFinite)).IsTrue();
    }

    [Test]
    public async Task Step_time_percentiles_come_from_the_time_provider()
    {
        var time = new FakeTimeProvider();
        using var loop = new PhysicsLoop(CpuOnly with { SettleFrames = int.MaxValue }, time, null, () => new SlowBackend(time));
        loop.SubmitTopology([1u, 2u, 3u], []);
        loop.Start();
        await Assert.That(loop.Status.Backend).IsEqualTo(LayoutBackendKind.Cpu);
        using var loop2 = new PhysicsLoop(new PhysicsLoopOptions { Backend = BackendPreference.Vulkan, StreamHz = 1000, SettleFrames = int.MaxValue }, time, null, () => new SlowBackend(time));
        loop2.SubmitTopology([1u, 2u, 3u], []);
        loop2.Start();
        for (var t = 0; t < 10; t++) time.Advance(PerformanceProfile.For(PerformanceMode.Standard).Period);
        await Assert.That(loop2.Status.Backend).IsEqualTo(LayoutBackendKind.Vulkan);
        await Assert.That(loop2.Status.StepP50Microseconds).IsEqualTo(2000d);
        await Assert.That(loop2.Status.StepP99Microseconds).IsEqualTo(2000d);
    }

    [Test]
    public async Task No_vulkan_means_the_cpu_backend_with_a_reason()
    {
        var time = new FakeTimeProvider();
        using var loop = new PhysicsLoop(CpuOnly with { Backend = BackendPreference.Vulkan }, time, null,
            () => throw new VulkanUnavailableException("Vulkan loader not found (test)"));
        loop.SubmitTopology([1u, 2u], [(0, 1, 1f)]);
        loop.Start();
        time.Advance(TimeSpan.FromMilliseconds(100));
        var status = loop.Status;
        await Assert.That(status.Backend).IsEqualTo(LayoutBackendKind.Cpu);
        await Assert.That(status.BackendName).IsEqualTo("cpu");
        await Assert.That(status.FallbackReason!).Contains("Vulkan loader not found (test)");
        await Assert.That(status.Steps).IsGreaterThan(0);
    }

    [Test]
    public async Task Device_loss_switches_to_the_cpu_backend_and_keeps_going()
    {
        var time = new FakeTimeProvider();
        var lost = new LosingBackend(failOnStep: 3);
        using var loop = new PhysicsLoop(CpuOnly with { Backend = BackendPreference.Vulkan, SettleFrames = int.MaxValue }, time, null, () => lost);
        var (ids, edges) = RandomTopology(50, 3);
        loop.SubmitTopology(ids, edges);
        loop.Start();
        await Assert.That(loop.Status.Backend).IsEqualTo(LayoutBackendKind.Vulkan);
        time.Advance(TimeSpan.FromSeconds(1));
        var status = loop.Status;
        await Assert.That(status.Backend).IsEqualTo(LayoutBackendKind.Cpu);
        await Assert.That(status.FallbackReason!).Contains("device lost (test)");
        await Assert.That(status.Errors).IsEqualTo(1);
        await Assert.That(lost.Disposed).IsTrue();
        await Assert.That(status.Steps).IsGreaterThan(50);
        await Assert.That(loop.Positions.State.ToArray().All(float.IsFinite)).IsTrue();
    }

    [Test]
    [NotInParallel("vulkan")]
    public async Task Runs_on_the_real_vulkan_device_and_publishes_moving_positions()
    {
        var time = new FakeTimeProvider();
        using var loop = new PhysicsLoop(new PhysicsLoopOptions { Backend = BackendPreference.Vulkan, SettleFrames = int.MaxValue, StreamHz = 1000 }, time);
        var (ids, edges) = RandomTopology(500, 4);
        loop.SubmitTopology(ids, edges);
        loop.Start();
        time.Advance(TimeSpan.FromMilliseconds(500));
        var first = loop.Positions;
        time.Advance(TimeSpan.FromMilliseconds(500));
        var second = loop.Positions;
        var status = loop.Status;
        Console.WriteLine($"loop backend {status.BackendName} on {status.DeviceName}");
        await Assert.That(status.Backend).IsEqualTo(LayoutBackendKind.Vulkan);
        await Assert.That(status.FallbackReason).IsNull();
        await Assert.That(second.Sequence).IsGreaterThan(first.Sequence);
        await Assert.That(second.State.Span.SequenceEqual(first.State.Span)).IsFalse();
        await Assert.That(status.Steps).IsEqualTo(100 + 50);
    }

    [Test]
    [NotInParallel("vulkan")]
    public async Task Moving_nodes_on_vulkan_leaves_the_others_where_the_device_had_them()
    {
        var time = new FakeTimeProvider();
        var options = new PhysicsLoopOptions
        {
            // 1 Hz stream: between publications the host copies are stale, which is what this test is about.
            Backend = BackendPreference.Vulkan, StreamHz = 1, SettleFrames = int.MaxValue,
            Parameters = PhysicsParameters.Default with { WarmupIterations = 0 },
        };
        using var loop = new PhysicsLoop(options, time);
        var (ids, edges) = RandomTopology(500, 5);
        loop.SubmitTopology(ids, edges);
        loop.Start();
        var tick = PerformanceProfile.For(PerformanceMode.Standard).Period;
        time.Advance(tick);
        await Assert.That(loop.Status.Backend).IsEqualTo(LayoutBackendKind.Vulkan);
        var first = loop.Positions.State.ToArray();
        for (var t = 0; t < 30; t++) time.Advance(tick);

        // Indices 10 and 400 move; the dirty range 10..400 must not upload stale host copies of the nodes between,
        // which would rewind them to where they were at the last publication.
        loop.MoveNode(ids[10], 0, 0, 0);
        loop.MoveNode(ids[400], 1, 1, 1, pinned: true);
        time.Advance(tick);
        var after = loop.Positions.State.ToArray();
        double moved = 0;
        for (var i = 11; i < 400; i++)
        {
            float dx = after[i * 6] - first[i * 6], dy = after[i * 6 + 1] - first[i * 6 + 1], dz = after[i * 6 + 2] - first[i * 6 + 2];
            moved += MathF.Sqrt(dx * dx + dy * dy + dz * dz);
        }
        // 31 steps at up to 9.57 × 0.0227 per step: ~6.7 units if they kept going; a rewind leaves ~0.2.
        await Assert.That(moved / 389).IsGreaterThan(2.0);
        await Assert.That(after[400 * 6]).IsEqualTo(1f);
        await Assert.That(after[10 * 6 + 1]).IsLessThan(1f);
    }

    [Test]
    [NotInParallel("vulkan")]
    public async Task A_weight_handed_in_alone_reaches_the_real_vulkan_device()
    {
        var time = new FakeTimeProvider();
        var options = new PhysicsLoopOptions
        {
            Backend = BackendPreference.Vulkan, StreamHz = 1000, SettleFrames = int.MaxValue,
            Parameters = PhysicsParameters.Default with { WarmupIterations = 0 },
        };
        using var loop = new PhysicsLoop(options, time);
        // Node 1 pinned at -50, node 2 free at +50: 100 apart, beyond the repulsion cutoff, joined by a spring of weight 0
        // (off), so only the weak centering acts on node 2.
        loop.SubmitTopology([1u, 2u], [(0, 1, 0f)]);
        loop.Start();
        loop.MoveNode(1, -50, 0, 0, pinned: true);
        loop.MoveNode(2, 50, 0, 0);
        var tick = PerformanceProfile.For(PerformanceMode.Standard).Period;
        for (var t = 0; t < 20; t++) time.Advance(tick);
        await Assert.That(loop.Status.Backend).IsEqualTo(LayoutBackendKind.Vulkan);
        var topology = loop.Positions.TopologyVersion;
        var before = loop.Positions.State.Span[6];
        await Assert.That(50f - before).IsLessThan(0.1f);

        // The spring switched on by its weight alone: the device must be given it, or node 2 stays where it is.
        loop.SubmitWeights([(2u, 1u, 1f)]);
        for (var t = 0; t < 20; t++) time.Advance(tick);
        var after = loop.Positions;
        await Assert.That(before - after.State.Span[6]).IsGreaterThan(1f);
        await Assert.That(after.TopologyVersion).IsEqualTo(topology);
        await Assert.That(after.State.Span[0]).IsEqualTo(-50f);
    }

    [Test]
    [NotInParallel("vulkan")]
    public async Task Auto_prefers_the_cpu_path_over_a_software_vulkan_device()
    {
        var time = new FakeTimeProvider();
        VulkanLayoutBackend? opened = null;
        using var loop = new PhysicsLoop(new PhysicsLoopOptions { Backend = BackendPreference.Auto }, time, null, () => opened = VulkanLayoutBackend.Create());
        loop.Start();
        var status = loop.Status;
        // This suite runs where Vulkan exists; the decision depends on what kind of device it is.
        await Assert.That(opened).IsNotNull();
        if (opened!.Device.Type == "cpu")
        {
            await Assert.That(status.Backend).IsEqualTo(LayoutBackendKind.Cpu);
            await Assert.That(status.FallbackReason!).Contains("software implementation");
        }
        else
        {
            await Assert.That(status.Backend).IsEqualTo(LayoutBackendKind.Vulkan);
        }
    }

    /// <summary>Pretends to be a device whose step takes (fake) time: 2 ms a call by default, or so much per call and per iteration.</summary>
    private sealed class SlowBackend(FakeTimeProvider time, TimeSpan perCall, TimeSpan perIteration) : ILayoutBackend
    {
        private readonly CpuLayoutBackend _cpu = new();
        public SlowBackend(FakeTimeProvider time) : this(time, TimeSpan.FromMilliseconds(2), TimeSpan.Zero) { }
        public Action? DuringStep { get; init; }
        public LayoutBackendKind Kind => LayoutBackendKind.Vulkan;
        public string DeviceName => "slow test device";
        public float Step(LayoutGraph graph, PhysicsParameters parameters, int iterations)
        {
            DuringStep?.Invoke();
            time.Advance(perCall + perIteration * iterations);
            return _cpu.Step(graph, parameters, iterations);
        }
        public void ReadBack(LayoutGraph graph) { }
        public void Dispose() => _cpu.Dispose();
    }

    /// <summary>A "Vulkan" backend that loses its device on the n-th step.</summary>
    private sealed class LosingBackend(int failOnStep) : ILayoutBackend
    {
        private readonly CpuLayoutBackend _cpu = new();
        private int _steps;
        public bool Disposed { get; private set; }
        public LayoutBackendKind Kind => LayoutBackendKind.Vulkan;
        public string DeviceName => "doomed test device";
        public float Step(LayoutGraph graph, PhysicsParameters parameters, int iterations) =>
            ++_steps == failOnStep ? throw new VulkanDeviceLostException("device lost (test)") : _cpu.Step(graph, parameters, iterations);
        public void ReadBack(LayoutGraph graph) { }
        public void Dispose() { Disposed = true; _cpu.Dispose(); }
    }

    [Test]
    public async Task A_stop_while_the_device_comes_up_does_not_wait_for_it_and_the_device_is_never_started()
    {
        // The device factory is held on a gate, as a software Vulkan device loading LLVM on a busy box holds the start.
        var time = new FakeTimeProvider();
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var device = new GatedBackend();
        var loop = new PhysicsLoop(CpuOnly with { Backend = BackendPreference.Vulkan }, time, null, () =>
        {
            entered.Set();
            release.Wait();
            return device;
        });
        var start = Task.Run(loop.Start);
        await Assert.That(entered.Wait(TimeSpan.FromSeconds(30))).IsTrue();

        // The stop returns with the device still coming up: it does not wait on the start's gate.
        var stop = Task.Run(loop.Dispose);
        await stop.WaitAsync(TimeSpan.FromSeconds(30));
        await Assert.That(start.IsCompleted).IsFalse();

        release.Set();
        await start.WaitAsync(TimeSpan.FromSeconds(30));
        await Assert.That(device.Disposed).IsTrue().Because("what the start brought up after the stop is disposed, not leaked");
        time.Advance(TimeSpan.FromSeconds(1));
        await Assert.That(device.Steps).IsEqualTo(0);
        await Assert.That(loop.Status.Running).IsFalse();
        await Assert.That(() => loop.Start()).Throws<ObjectDisposedException>();
    }

    private sealed class GatedBackend : ILayoutBackend
    {
        public int Steps { get; private set; }

        public bool Disposed { get; private set; }

        public LayoutBackendKind Kind => LayoutBackendKind.Vulkan;

        public string DeviceName => "gated";

        public float Step(LayoutGraph graph, PhysicsParameters parameters, int iterations)
        {
            Steps++;
            return 0;
        }

        public void ReadBack(LayoutGraph graph)
        {
        }

        public void Dispose() => Disposed = true;
    }
}
