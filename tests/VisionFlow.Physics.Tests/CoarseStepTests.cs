using Microsoft.Extensions.Time.Testing;
using VisionFlow.Physics.Loop;

namespace VisionFlow.Physics.Tests;

/// <summary>
/// Where the step share holds a big layout's steps back, each step spans more of the time step and ticks come as much
/// further apart: the layout moves as far a second, as well, for less CPU (issue 23: physics was a third of the service's
/// CPU at 10,000 agents while their first layout formed).
/// </summary>
public sealed class CoarseStepTests
{
    private static readonly TimeSpan Tick = PerformanceProfile.For(PerformanceMode.Standard).Period;

    /// <summary>The graph service's settings (GraphService; it allows steps of three), on a backend that takes a fixed time a step.</summary>
    private static readonly PhysicsLoopOptions Service = new()
    {
        Backend = BackendPreference.Vulkan, // the timed CPU backend below stands in as the device
        StreamHz = 60,
        MinPublishedMotion = 0.25f,
        CalmSpeed = 1f,
        CalmStride = 6,
        MaxStepShare = 0.1,
        MaxCoarseness = 2,
        LocalBurstSteps = 30,
        FullLayoutSteps = 3600,
    };

    /// <summary>
    /// Edge-length stress: Σ w·((d − rest)/rest)² / Σ w over the edges, with each spring's rest as the backends take it
    /// (a hub's springs lengthened). 0: every spring at rest.
    /// </summary>
    private static double Stress(LayoutGraph g, PhysicsParameters p)
    {
        double sum = 0, weights = 0;
        for (var i = 0; i < g.NodeCount; i++)
        {
            var degreeI = g.EdgeOffsets[i + 1] - g.EdgeOffsets[i];
            for (var e = g.EdgeOffsets[i]; e < g.EdgeOffsets[i + 1]; e++)
            {
                var j = g.EdgeTargets[e];
                if (j <= i) continue;
                var rest = p.For(g.Ids[i]).RestLength * PairMath.RestScale(degreeI, g.EdgeOffsets[j + 1] - g.EdgeOffsets[j]);
                var s = (TestGraphs.Distance(g, i, j) - rest) / rest;
                sum += g.EdgeWeights[e] * s * s;
                weights += g.EdgeWeights[e];
            }
        }

        return sum / weights;
    }

    /// <summary>Pairs closer than a fifth of the repulsion cutoff (crowding the stress does not see), over a grid.</summary>
    private static int Crowded(LayoutGraph g)
    {
        var limit = PhysicsParameters.Default.Agent.RepulsionCutoff / 5;
        var cells = new Dictionary<(int, int, int), List<int>>();
        (int, int, int) Cell(int i) => ((int)MathF.Floor(g.X[i] / limit), (int)MathF.Floor(g.Y[i] / limit), (int)MathF.Floor(g.Z[i] / limit));
        for (var i = 0; i < g.NodeCount; i++)
        {
            var c = Cell(i);
            if (!cells.TryGetValue(c, out var list)) cells[c] = list = [];
            list.Add(i);
        }

        var crowded = 0;
        for (var i = 0; i < g.NodeCount; i++)
        {
            var (cx, cy, cz) = Cell(i);
            for (var dx = -1; dx <= 1; dx++)
            for (var dy = -1; dy <= 1; dy++)
            for (var dz = -1; dz <= 1; dz++)
            {
                if (!cells.TryGetValue((cx + dx, cy + dy, cz + dz), out var list)) continue;
                foreach (var j in list)
                {
                    if (j > i && TestGraphs.Distance(g, i, j) < limit) crowded++;
                }
            }
        }

        return crowded;
    }

    /// <summary>A swarm as the simulator makes it, with some of its members talking hard (weight 64, the heaviest flow).</summary>
    private static LayoutGraph TalkingSwarm(int members)
    {
        var g = TestGraphs.Swarm(members, seed: 7, radius: 60);
        var rng = new Random(3);
        var edges = new List<(int, int, float)>();
        for (var i = 0; i < g.NodeCount; i++)
        {
            for (var e = g.EdgeOffsets[i]; e < g.EdgeOffsets[i + 1]; e++)
            {
                if (g.EdgeTargets[e] > i) edges.Add((i, g.EdgeTargets[e], g.EdgeWeights[e]));
            }
        }

        for (var k = 0; k < members / 20; k++)
        {
            var a = 1 + rng.Next(members);
            var b = 1 + rng.Next(members);
            if (a != b) edges.Add((a, b, 64f));
        }

        var talking = LayoutGraph.FromEdges(g.Ids.ToArray(), edges.ToArray());
        g.X.CopyTo(talking.X); g.Y.CopyTo(talking.Y); g.Z.CopyTo(talking.Z);
        talking.MarkPositionsDirty(0, talking.NodeCount);
        return talking;
    }

    [Test]
    [Arguments(2)]
    [Arguments(3)]
    public async Task A_coarse_step_lays_out_as_well_in_the_same_layout_time(int k)
    {
        // The same layout time in standard steps and in steps of k: the stress and the crowding end the same within a few
        // percent (the coarse integrator is no worse), and both far below where they started.
        foreach (var start in new[] { TalkingSwarm(1_000), TestGraphs.Random(400, edgesPerNode: 3, seed: 4) })
        {
            var p = PhysicsParameters.Default;
            var fine = TestGraphs.Clone(start);
            var coarse = TestGraphs.Clone(start);
            using var a = new CpuLayoutBackend(1);
            using var b = new CpuLayoutBackend(1);
            const int steps = 1_200;
            for (var s = 0; s < steps; s += 60) a.Step(fine, p, 60);
            for (var s = 0; s < steps / k; s += 20) b.Step(coarse, PhysicsLoop.Coarse(p, k), 20);

            await Assert.That(TestGraphs.AllFinite(coarse)).IsTrue();
            var (before, stressFine, stressCoarse) = (Stress(start, p), Stress(fine, p), Stress(coarse, p));
            await Assert.That(stressFine).IsLessThan(before / 4);
            await Assert.That(stressCoarse).IsLessThanOrEqualTo((stressFine * 1.1) + 1e-4);
            await Assert.That(Crowded(coarse)).IsLessThanOrEqualTo((int)(Crowded(fine) * 1.1) + 2);
        }
    }

    [Test]
    public async Task The_coarse_step_is_k_standard_steps_of_time_with_k_steps_of_damping()
    {
        var p = PhysicsParameters.Default;
        var c = PhysicsLoop.Coarse(p, 2);
        await Assert.That(c.Dt).IsEqualTo(p.Dt * 2);
        await Assert.That(c.Agent.Damping).IsEqualTo(p.Agent.Damping * p.Agent.Damping).Within(1e-6f);
        await Assert.That(c.Knowledge.Damping).IsEqualTo(p.Knowledge.Damping * p.Knowledge.Damping).Within(1e-6f);
        await Assert.That(c.Agent.MaxVelocity).IsEqualTo(p.Agent.MaxVelocity);
        await Assert.That(c.Agent.SpringK).IsEqualTo(p.Agent.SpringK);
    }

    [Test]
    public async Task Steps_coarsen_only_while_the_share_holds_them_back()
    {
        var policy = new TickPolicy(Service);
        var period = PerformanceProfile.For(PerformanceMode.Standard).Period;

        // Unmeasured, and cheap steps: the standard step at the mode's period.
        await Assert.That(policy.Coarseness(PerformanceMode.Standard)).IsEqualTo(1);
        policy.Stepped(1, TimeSpan.FromMicroseconds(300), 5f, PhysicsParameters.Default.Dt);
        await Assert.That(policy.Coarseness(PerformanceMode.Standard)).IsEqualTo(1);
        await Assert.That(policy.Period(PerformanceMode.Standard)).IsEqualTo(period);

        // A step of 3 ms against a tenth of a 16.7 ms period: the share asks two periods; steps of two, four periods apart.
        var costly = new TickPolicy(Service);
        costly.Stepped(1, TimeSpan.FromMilliseconds(3), 5f, PhysicsParameters.Default.Dt);
        await Assert.That(costly.Coarseness(PerformanceMode.Standard)).IsEqualTo(2);
        await Assert.That(costly.Period(PerformanceMode.Standard)).IsEqualTo(period * 4);

        // Never past the most allowed, however far the share holds them back; none without the option.
        var dear = new TickPolicy(Service);
        dear.Stepped(1, TimeSpan.FromMilliseconds(9), 5f, PhysicsParameters.Default.Dt);
        await Assert.That(dear.Coarseness(PerformanceMode.Standard)).IsEqualTo(2);
        await Assert.That(dear.Period(PerformanceMode.Standard)).IsEqualTo(period * 12);
        var three = new TickPolicy(Service with { MaxCoarseness = 3 });
        three.Stepped(1, TimeSpan.FromMilliseconds(9), 5f, PhysicsParameters.Default.Dt);
        await Assert.That(three.Coarseness(PerformanceMode.Standard)).IsEqualTo(3);
        await Assert.That(three.Period(PerformanceMode.Standard)).IsEqualTo(period * 18);
        var off = new TickPolicy(Service with { MaxCoarseness = 1 });
        off.Stepped(1, TimeSpan.FromMilliseconds(9), 5f, PhysicsParameters.Default.Dt);
        await Assert.That(off.Coarseness(PerformanceMode.Standard)).IsEqualTo(1);
        await Assert.That(off.Period(PerformanceMode.Standard)).IsEqualTo(period * 6);

        // The warm-up keeps the standard step.
        var warming = new TickPolicy(Service);
        warming.Stepped(1, TimeSpan.FromMilliseconds(3), 5f, PhysicsParameters.Default.Dt);
        warming.NodesPlaced(10);
        await Assert.That(warming.Coarseness(PerformanceMode.Standard)).IsEqualTo(1);
    }

    [Test]
    public async Task A_step_that_costs_about_the_share_holds_its_pace_through_small_swings()
    {
        // 2,000 agents on the CPU path: a step of about the limit (a tenth of 16.7 ms). Once the share holds the steps
        // back, a step a little cheaper does not bring back every period (four times the ticks with steps of two); only
        // one that fits a period with a fifth to spare does.
        var policy = new TickPolicy(Service);
        var period = PerformanceProfile.For(PerformanceMode.Standard).Period;
        void Cost(double ms)
        {
            for (var i = 0; i < 100; i++) policy.Stepped(1, TimeSpan.FromMilliseconds(ms), 5f, PhysicsParameters.Default.Dt);
        }

        Cost(1.60);
        await Assert.That(policy.Period(PerformanceMode.Standard)).IsEqualTo(period);
        Cost(1.75);
        await Assert.That(policy.Period(PerformanceMode.Standard)).IsEqualTo(period * 4);
        await Assert.That(policy.Coarseness(PerformanceMode.Standard)).IsEqualTo(2);
        Cost(1.60);
        await Assert.That(policy.Period(PerformanceMode.Standard)).IsEqualTo(period * 4);
        Cost(1.40);
        await Assert.That(policy.Period(PerformanceMode.Standard)).IsEqualTo(period * 4);
        Cost(1.20);
        await Assert.That(policy.Period(PerformanceMode.Standard)).IsEqualTo(period);
        await Assert.That(policy.Coarseness(PerformanceMode.Standard)).IsEqualTo(1);

        // Dearer steps are held back at once.
        Cost(4.0);
        await Assert.That(policy.Period(PerformanceMode.Standard)).IsEqualTo(period * 6);
    }

    [Test]
    public async Task A_small_layout_steps_in_twos_every_other_period()
    {
        var period = PerformanceProfile.For(PerformanceMode.Standard).Period;
        var small = Service with { SmallLayoutNodes = 256 };
        var policy = new TickPolicy(small);
        policy.Sized(25);
        policy.Stepped(1, TimeSpan.FromMicroseconds(20), 5f, PhysicsParameters.Default.Dt);
        await Assert.That(policy.Coarseness(PerformanceMode.Standard)).IsEqualTo(2);
        await Assert.That(policy.Period(PerformanceMode.Standard)).IsEqualTo(period * 2);

        // Bigger, or warming up, or without coarse steps at all: the standard step at the mode's period.
        policy.Sized(257);
        await Assert.That(policy.Coarseness(PerformanceMode.Standard)).IsEqualTo(1);
        await Assert.That(policy.Period(PerformanceMode.Standard)).IsEqualTo(period);
        policy.Sized(25);
        policy.NodesPlaced(1);
        await Assert.That(policy.Coarseness(PerformanceMode.Standard)).IsEqualTo(1);
        var off = new TickPolicy(small with { MaxCoarseness = 1 });
        off.Sized(25);
        await Assert.That(off.Coarseness(PerformanceMode.Standard)).IsEqualTo(1);

        // Calm: six steps of two, twelve periods apart (the calm stride's pace, in half the ticks).
        var calm = new TickPolicy(small with { CalmSpeed = 1f, CalmStride = 6 });
        calm.Sized(25);
        calm.Stepped(1, TimeSpan.FromMicroseconds(20), 0.5f, PhysicsParameters.Default.Dt);
        await Assert.That(calm.Iterations(PerformanceMode.Standard)).IsEqualTo(6);
        await Assert.That(calm.Period(PerformanceMode.Standard)).IsEqualTo(period * 12);
    }

    [Test]
    public async Task Thirteen_notes_form_as_well_and_rest_as_soon_in_half_the_ticks()
    {
        // The embedded knowledge graph's shape, on fake time: stepped in twos it rests within a second of when it rests
        // in single steps, as well formed, after half the ticks (each a wake-up of the service) and no more frames.
        var notes = TestGraphs.Random(13, edgesPerNode: 3, seed: 2);
        var ids = notes.Ids.ToArray();
        var edges = new List<(int, int, float)>();
        for (var i = 0; i < notes.NodeCount; i++)
        {
            for (var e = notes.EdgeOffsets[i]; e < notes.EdgeOffsets[i + 1]; e++)
            {
                if (notes.EdgeTargets[e] > i) edges.Add((i, notes.EdgeTargets[e], notes.EdgeWeights[e]));
            }
        }

        async Task<(PhysicsStatus Status, int Ticks, long Frames, double Stress)> RunAsync(int smallLayoutNodes)
        {
            var time = new FakeTimeProvider();
            using var loop = new PhysicsLoop(Service with { Backend = BackendPreference.Cpu, MaxStepShare = 0, SmallLayoutNodes = smallLayoutNodes }, time);
            loop.SubmitTopology(ids, [.. edges]);
            loop.Start();
            var t = 0;
            while (t < 7200 && !loop.Status.Settled)
            {
                time.Advance(Tick);
                t++;
            }

            await Assert.That(loop.Status.Settled).IsTrue();
            var g = LayoutGraph.FromEdges(ids, [.. edges]);
            var positions = loop.Positions;
            var state = positions.State.Span;
            for (var i = 0; i < g.NodeCount; i++)
            {
                (g.X[i], g.Y[i], g.Z[i]) = (state[(i * 6) + 0], state[(i * 6) + 1], state[(i * 6) + 2]);
            }

            return (loop.Status, t, positions.Sequence, Stress(g, PhysicsParameters.Default));
        }

        var (single, singleTicks, singleFrames, singleStress) = await RunAsync(0);
        var (paired, pairedTicks, pairedFrames, pairedStress) = await RunAsync(256);
        await Assert.That(Math.Abs(pairedTicks - singleTicks)).IsLessThanOrEqualTo(60);
        await Assert.That((double)paired.Ticks).IsLessThan(single.Ticks * 0.6);
        await Assert.That(pairedFrames).IsLessThanOrEqualTo(singleFrames);
        await Assert.That(pairedStress).IsLessThanOrEqualTo((singleStress * 1.1) + 1e-4);
    }

    [Test]
    public async Task A_coarse_step_counts_as_its_standard_steps_against_the_grant_and_towards_calm()
    {
        var policy = new TickPolicy(Service with { SettleFrames = 30 });
        policy.Wake(local: false, reach: 1);
        var granted = policy.StepsLeft;
        await Assert.That(policy.Stepped(1, TimeSpan.FromMilliseconds(3), 5f, PhysicsParameters.Default.Dt, coarseness: 2)).IsFalse();
        await Assert.That(policy.StepsLeft).IsEqualTo(granted - 2);

        // Calm: 15 coarse steps are the 30 calm standard steps.
        var calm = new TickPolicy(Service);
        calm.Wake(local: false, reach: 1);
        var settledAt = 0;
        for (var i = 1; i <= 30 && settledAt == 0; i++)
        {
            if (calm.Stepped(1, TimeSpan.FromMilliseconds(3), 0.01f, PhysicsParameters.Default.Dt, coarseness: 2)) settledAt = i;
        }

        await Assert.That(settledAt).IsEqualTo(15);
    }

    [Test]
    public async Task A_layout_as_dear_as_ten_thousand_nodes_on_two_cores_moves_as_far_a_second_for_half_the_steps()
    {
        // The real CPU path, with each step taking 3 ms of (fake) time, as 10,000 agents' steps do on the service's box:
        // the loop with coarse steps runs half the steps of the loop without, and the layout is as far along.
        var graph = TalkingSwarm(600);
        var ids = graph.Ids.ToArray();
        var edges = new List<(int, int, float)>();
        for (var i = 0; i < graph.NodeCount; i++)
        {
            for (var e = graph.EdgeOffsets[i]; e < graph.EdgeOffsets[i + 1]; e++)
            {
                if (graph.EdgeTargets[e] > i) edges.Add((i, graph.EdgeTargets[e], graph.EdgeWeights[e]));
            }
        }

        async Task<(PhysicsStatus Status, double Stress, float MaxDt)> RunAsync(int maxCoarseness)
        {
            var time = new CostlyClock();
            TimedBackend? backend = null;
            using var loop = new PhysicsLoop(Service with { MaxCoarseness = maxCoarseness }, time, null,
                () => backend = new TimedBackend(time, TimeSpan.FromMilliseconds(3)));
            loop.SubmitTopology(ids, [.. edges]);
            loop.Start();
            for (var t = 0; t < 60 * 20; t++) time.Advance(Tick); // 20 s
            var g = TestGraphs.Clone(backend!.Last!);
            return (loop.Status, Stress(g, PhysicsParameters.Default), backend.MaxDt);
        }

        var (fine, fineStress, fineDt) = await RunAsync(1);
        var (coarse, coarseStress, coarseDt) = await RunAsync(2);
        await Assert.That(fineDt).IsEqualTo(PhysicsParameters.Default.Dt);
        await Assert.That(coarseDt).IsEqualTo(PhysicsParameters.Default.Dt * 2);
        var warmup = PhysicsParameters.Default.WarmupIterations;
        // Held by the share at 3 ms a step: two periods a tick (30 steps a second) without, four with (15 of twice the time).
        await Assert.That((double)(coarse.Steps - warmup)).IsLessThan((fine.Steps - warmup) * 0.6);
        await Assert.That((double)(coarse.Steps - warmup)).IsGreaterThan((fine.Steps - warmup) * 0.4);
        await Assert.That(coarseStress).IsLessThanOrEqualTo((fineStress * 1.1) + 1e-4);
    }

    /// <summary>
    /// Fake time whose timestamps run ahead by what the steps cost (<see cref="Spend"/>): the loop measures a step's cost
    /// with timestamps, and advancing the timers themselves from inside a tick would tick again within it.
    /// </summary>
    private sealed class CostlyClock : FakeTimeProvider
    {
        private long _spent;

        public void Spend(TimeSpan cost) => _spent += (long)(cost.TotalSeconds * TimestampFrequency);

        public override long GetTimestamp() => base.GetTimestamp() + _spent;
    }

    /// <summary>The real CPU path, taking <paramref name="perStep"/> of the clock's time a step (a device as dear as 10,000 nodes).</summary>
    private sealed class TimedBackend(CostlyClock time, TimeSpan perStep) : ILayoutBackend
    {
        private readonly CpuLayoutBackend _cpu = new(1);

        public LayoutGraph? Last { get; private set; }

        public float MaxDt { get; private set; }

        public LayoutBackendKind Kind => LayoutBackendKind.Cpu;

        public string DeviceName => "timed CPU";

        public float Step(LayoutGraph graph, PhysicsParameters parameters, int iterations)
        {
            Last = graph;
            MaxDt = MathF.Max(MaxDt, parameters.Dt);
            var speed = _cpu.Step(graph, parameters, iterations);
            time.Spend(perStep * iterations);
            return speed;
        }

        public void ReadBack(LayoutGraph graph) => _cpu.ReadBack(graph);

        public void Dispose() => _cpu.Dispose();
    }
}
