using Microsoft.Extensions.Time.Testing;
using VisionFlow.Physics.Loop;

namespace VisionFlow.Physics.Tests;

/// <summary>
/// A layout rests within seconds of its last change, small or big: settled means no visible motion against the layout's
/// size, or the change's steps spent — a short burst for a local change (an edge or a weight among known nodes), a full
/// layout for new nodes or a big change — on the CPU path and the Vulkan path alike (issue 23).
/// </summary>
public sealed class SettleTests
{
    private static readonly TimeSpan Tick = PerformanceProfile.For(PerformanceMode.Standard).Period;

    /// <summary>The graph service's settings (GraphService), on the CPU path.</summary>
    private static readonly PhysicsLoopOptions Service = new()
    {
        Backend = BackendPreference.Cpu,
        StreamHz = 60,
        MinPublishedMotion = 0.25f,
        CalmSpeed = 1f,
        CalmStride = 6,
        LocalBurstSteps = 30,
        FullLayoutSteps = 3600,
    };

    private static (uint[] Ids, (int A, int B, float Weight)[] Edges) Topology(LayoutGraph g)
    {
        var edges = new List<(int, int, float)>();
        for (var i = 0; i < g.NodeCount; i++)
        {
            for (var e = g.EdgeOffsets[i]; e < g.EdgeOffsets[i + 1]; e++)
            {
                if (g.EdgeTargets[e] > i) edges.Add((i, g.EdgeTargets[e], g.EdgeWeights[e]));
            }
        }

        return (g.Ids.ToArray(), edges.ToArray());
    }

    /// <summary>Ticks until the layout rests (at most <paramref name="maxTicks"/>); the ticks it took.</summary>
    private static async Task<int> SettleAsync(FakeTimeProvider time, PhysicsLoop loop, int maxTicks)
    {
        // At least one tick: weights handed in are taken at the next one.
        var t = 0;
        do
        {
            time.Advance(Tick);
            t++;
        }
        while (t < maxTicks && !loop.Status.Settled);
        await Assert.That(loop.Status.Settled).IsTrue();
        return t;
    }

    /// <summary>Ten more seconds of time: a resting loop ticks, steps and publishes nothing.</summary>
    private static async Task AssertRestsAsync(FakeTimeProvider time, PhysicsLoop loop)
    {
        var before = loop.Status;
        var sequence = loop.Positions.Sequence;
        time.Advance(TimeSpan.FromSeconds(10));
        await Assert.That(loop.Status.Ticks).IsEqualTo(before.Ticks);
        await Assert.That(loop.Status.Steps).IsEqualTo(before.Steps);
        await Assert.That(loop.Positions.Sequence).IsEqualTo(sequence);
    }

    [Test]
    public async Task Ten_agents_rest_within_seconds_once_nothing_moves_visibly_not_when_every_speed_is_under_the_absolute_limit()
    {
        var time = new FakeTimeProvider();
        using var loop = new PhysicsLoop(Service, time);
        var (ids, edges) = Topology(TestGraphs.Swarm(10, seed: 7, radius: 10));
        loop.SubmitTopology(ids, edges);
        loop.Start();

        var ticks = await SettleAsync(time, loop, 3600);

        // Settled on motion (well inside the step cap), within ten seconds at 60 Hz, while some node still creeps above the
        // absolute limit that used to be the rule (it held 10 agents for ~30 s, the real Claude Flow's graph for minutes).
        var status = loop.Status;
        await Assert.That(status.Steps).IsLessThan(600 + 100);
        await Assert.That(ticks).IsLessThan(600);
        await Assert.That(status.MaxSpeed).IsGreaterThan(Service.SettleSpeed);
        await AssertRestsAsync(time, loop);
    }

    [Test]
    public async Task The_full_grant_scales_with_the_layout_from_ten_seconds_to_the_cap()
    {
        var scaled = new TickPolicy(Service with { FullLayoutStepsPerRootNode = 120 });
        await Assert.That(scaled.FullLayoutGrant(25)).IsEqualTo(PhysicsLoopOptions.MinFullLayoutSteps);
        await Assert.That(scaled.FullLayoutGrant(201)).IsEqualTo((int)Math.Ceiling(120 * Math.Sqrt(201)));
        await Assert.That(scaled.FullLayoutGrant(2_001)).IsEqualTo(Service.FullLayoutSteps);
        await Assert.That(scaled.FullLayoutGrant(10_001)).IsEqualTo(Service.FullLayoutSteps);
        await Assert.That(scaled.FullLayoutGrant(int.MaxValue)).IsEqualTo(Service.FullLayoutSteps); // a resume
        await Assert.That(scaled.FullLayoutGrant(25, fresh: true)).IsEqualTo(PhysicsLoopOptions.MinFreshLayoutSteps);
        await Assert.That(scaled.FullLayoutGrant(10_001, fresh: true)).IsEqualTo(Service.FullLayoutSteps);
        await Assert.That(new TickPolicy(Service).FullLayoutGrant(25)).IsEqualTo(Service.FullLayoutSteps);
        await Assert.That(new TickPolicy(Service with { FullLayoutSteps = 0 }).FullLayoutGrant(25)).IsEqualTo(int.MaxValue);
        await Assert.That(new TickPolicy(Service with { FullLayoutSteps = 300, FullLayoutStepsPerRootNode = 120 }).FullLayoutGrant(25)).IsEqualTo(300);
    }

    [Test]
    public async Task Ten_agents_whose_conversations_change_twice_a_second_step_in_bursts_once_their_arrival_s_grant_is_spent()
    {
        // The simulator's ten agents (here 24 members and their hub) arrive beside a formed knowledge graph and start, end
        // or re-pace a conversation about twice a second: each a local change that keeps the layout moving visibly. With
        // the grant scaled to what the arrival reaches its steps end after ~10 s of 60 Hz, and from then on the
        // conversations get a burst at most once a second, instead of the cap's whole minute at 60 steps a second.
        var time = new FakeTimeProvider();
        var options = Service with { FullLayoutStepsPerRootNode = 120, MinRest = TimeSpan.FromSeconds(1) };
        using var loop = new PhysicsLoop(options, time);
        var (notes, links) = Topology(TestGraphs.Random(12, edgesPerNode: 2, seed: 5));
        for (var i = 0; i < notes.Length; i++) notes[i] &= ~LayoutGraph.AgentBit;
        loop.SubmitTopology(notes, links);
        loop.Start();
        await SettleAsync(time, loop, 3600);
        var formed = loop.Status.Steps;

        var (ids, swarm, o) = BesideNotes(notes, links);
        var (stepsAt15, stepsAt25, rested) = await TalkAsync(time, loop, ids, swarm, o, 15, 25);

        // Between 15 s and 25 s after the arrival: bursts of at most 30 steps (a calm tick's stride past it), at most one a
        // second, where the cap's grant stepped all 600 ticks; and the layout was found resting between them.
        await Assert.That(stepsAt25 - stepsAt15).IsLessThanOrEqualTo(10 * (Service.LocalBurstSteps + Service.CalmStride));
        await Assert.That(stepsAt25 - stepsAt15).IsGreaterThan(0);
        await Assert.That(rested).IsGreaterThan(0);
        await Assert.That(stepsAt15 - formed).IsGreaterThanOrEqualTo(PhysicsLoopOptions.MinFullLayoutSteps);
    }

    [Test]
    public async Task Ten_agents_talking_from_the_start_step_in_bursts_once_the_fresh_layout_s_grant_is_spent()
    {
        // As the service starts beside the simulator: the notes and the agents form together (a fresh layout: at least
        // 1,800 steps, 30 s at 60 Hz), and the conversations keep it moving all along. Once those are spent, bursts.
        var time = new FakeTimeProvider();
        using var loop = new PhysicsLoop(Service with { FullLayoutStepsPerRootNode = 120, MinRest = TimeSpan.FromSeconds(1) }, time);
        var (notes, links) = Topology(TestGraphs.Random(12, edgesPerNode: 2, seed: 5));
        for (var i = 0; i < notes.Length; i++) notes[i] &= ~LayoutGraph.AgentBit;
        var (ids, swarm, o) = BesideNotes(notes, links);
        loop.Start();
        var (stepsAt35, stepsAt45, rested) = await TalkAsync(time, loop, ids, swarm, o, 35, 45);
        await Assert.That(stepsAt35).IsGreaterThanOrEqualTo(PhysicsLoopOptions.MinFreshLayoutSteps);
        await Assert.That(stepsAt45 - stepsAt35).IsLessThanOrEqualTo(10 * (Service.LocalBurstSteps + Service.CalmStride));
        await Assert.That(rested).IsGreaterThan(0);
    }

    /// <summary>The notes, then a swarm of 24 members and their hub (ids, edges, and where the swarm's indices start).</summary>
    private static (uint[] Ids, (int A, int B, float Weight)[] Edges, int Offset) BesideNotes(uint[] notes, (int A, int B, float Weight)[] links)
    {
        var (members, edges) = Topology(TestGraphs.Swarm(24, seed: 7, radius: 60));
        var o = notes.Length;
        return ([.. notes, .. members], [.. links, .. edges.Select(e => (e.A + o, e.B + o, e.Weight))], o);
    }

    /// <summary>
    /// Hands in the graph, then every half second a conversation between two members starts or ends (weight 8), for
    /// <paramref name="to"/> seconds; the steps at <paramref name="from"/> and <paramref name="to"/> seconds and how
    /// many half-second samples after <paramref name="from"/> found the layout resting.
    /// </summary>
    private static Task<(long From, long To, int Rested)> TalkAsync(FakeTimeProvider time, PhysicsLoop loop, uint[] ids, (int A, int B, float Weight)[] graph, int o, int from, int to)
    {
        var talking = new HashSet<(int, int)>();
        var rng = new Random(11);
        long stepsFrom = 0, stepsTo = 0;
        var rested = 0;
        for (var half = 0; half <= 2 * to; half++)
        {
            if (half > 0)
            {
                var a = 1 + rng.Next(24);
                var b = 1 + ((a + rng.Next(23)) % 24);
                var pair = (o + Math.Min(a, b), o + Math.Max(a, b));
                if (!talking.Add(pair)) talking.Remove(pair);
            }

            loop.SubmitTopology(ids, [.. graph, .. talking.Select(p => (p.Item1, p.Item2, 8f))]);
            for (var t = 0; t < 30; t++) time.Advance(Tick); // half a second at 60 Hz
            if (half == 2 * from) stepsFrom = loop.Status.Steps;
            if (half == 2 * to) stepsTo = loop.Status.Steps;
            if (half > 2 * from && loop.Status.Settled) rested++;
        }

        return Task.FromResult((stepsFrom, stepsTo, rested));
    }

    [Test]
    public async Task A_fresh_layout_gets_the_steps_to_form()
    {
        // Thirteen notes with three links each form slowly (~1,400 steps, as the embedded knowledge graph's 13 notes and 31
        // links do): a fresh layout's grant (at least 1,800) does not cut it short, it rests on motion exactly as with the
        // cap alone.
        var time = new FakeTimeProvider();
        var scaled = Service with { FullLayoutStepsPerRootNode = 120 };
        var (notes, links) = Topology(TestGraphs.Random(13, edgesPerNode: 3, seed: 2));
        using var loop = new PhysicsLoop(scaled, time);
        loop.SubmitTopology(notes, links);
        loop.Start();
        await SettleAsync(time, loop, 7200);
        var referenceTime = new FakeTimeProvider();
        using var reference = new PhysicsLoop(Service, referenceTime);
        reference.SubmitTopology(notes, links);
        reference.Start();
        await SettleAsync(referenceTime, reference, 7200);
        await Assert.That(loop.Status.Steps).IsEqualTo(reference.Status.Steps);
        await Assert.That(loop.Status.Steps).IsGreaterThan(PhysicsParameters.Default.WarmupIterations + PhysicsLoopOptions.MinFullLayoutSteps);
    }

    [Test]
    public async Task Ten_thousand_agents_rest_once_the_steps_of_their_arrival_are_spent()
    {
        var time = new FakeTimeProvider();
        var options = Service with { FullLayoutSteps = 300 };
        using var loop = new PhysicsLoop(options, time);
        // One swarm, as the simulator runs them: its members start on the sphere where the hub's springs rest.
        var (ids, edges) = Topology(TestGraphs.Swarm(10_000, seed: 7, radius: 500));
        loop.SubmitTopology(ids, edges);
        loop.Start();

        await SettleAsync(time, loop, 2000);

        // The warm-up, then at most the grant (a calm tick may run a stride of six past it).
        var status = loop.Status;
        await Assert.That(status.Steps).IsLessThanOrEqualTo(PhysicsParameters.Default.WarmupIterations + 300 + Service.CalmStride);
        await AssertRestsAsync(time, loop);
    }

    [Test]
    public async Task A_local_change_in_a_resting_layout_costs_a_short_burst_and_it_rests_again()
    {
        var time = new FakeTimeProvider();
        using var loop = new PhysicsLoop(Service with { FullLayoutSteps = 600 }, time);
        var (ids, edges) = Topology(TestGraphs.Swarm(200, seed: 3, radius: 200, sphere: true));
        loop.SubmitTopology(ids, edges);
        loop.Start();
        await SettleAsync(time, loop, 3000);
        var rested = loop.Status;
        static float Gap(PositionSnapshot p, int a, int b)
        {
            var s = p.State.Span;
            float dx = s[a * 6] - s[b * 6], dy = s[(a * 6) + 1] - s[(b * 6) + 1], dz = s[(a * 6) + 2] - s[(b * 6) + 2];
            return MathF.Sqrt((dx * dx) + (dy * dy) + (dz * dz));
        }

        // A conversation starts between two members on opposite sides: an edge enters the layout, nothing is placed anew.
        var (a, b) = (1, 200);
        var gapBefore = Gap(loop.Positions, a, b);
        loop.SubmitTopology(ids, [.. edges, (a, b, 4f)]);
        await SettleAsync(time, loop, 1000);
        var burst = loop.Status.Steps - rested.Steps;
        await Assert.That(burst).IsGreaterThan(0);
        await Assert.That(burst).IsLessThanOrEqualTo(Service.LocalBurstSteps + Service.CalmStride);
        await Assert.That(loop.Status.WarmingUp).IsFalse();
        await Assert.That(Gap(loop.Positions, a, b)).IsLessThan(gapBefore); // the burst shows the pull
        await AssertRestsAsync(time, loop);

        // Its weight steps up an octave: a weight, the same short burst.
        var before = loop.Status.Steps;
        loop.SubmitWeights([(ids[a], ids[b], 8f)]);
        await SettleAsync(time, loop, 1000);
        await Assert.That(loop.Status.Steps - before).IsGreaterThan(0);
        await Assert.That(loop.Status.Steps - before).IsLessThanOrEqualTo(Service.LocalBurstSteps + Service.CalmStride);

        // It ends: the edge leaves, again a burst.
        before = loop.Status.Steps;
        loop.SubmitTopology(ids, edges);
        await SettleAsync(time, loop, 1000);
        await Assert.That(loop.Status.Steps - before).IsLessThanOrEqualTo(Service.LocalBurstSteps + Service.CalmStride);
        await AssertRestsAsync(time, loop);
    }

    [Test]
    public async Task A_local_change_during_a_burst_joins_it_rather_than_lengthening_it()
    {
        var time = new FakeTimeProvider();
        using var loop = new PhysicsLoop(Service with { FullLayoutSteps = 600, MinRest = TimeSpan.FromSeconds(1) }, time);
        var (ids, edges) = Topology(TestGraphs.Swarm(50, seed: 3, radius: 100, sphere: true));
        loop.SubmitTopology(ids, edges);
        loop.Start();
        await SettleAsync(time, loop, 3000);
        time.Advance(TimeSpan.FromSeconds(2)); // rested long enough: the next local change steps at once
        var rested = loop.Status.Steps;

        // A conversation starts across the swarm, and others change every 100 ms: within the next second, one burst's
        // steps at most (topped up by each change, it stepped all along).
        loop.SubmitTopology(ids, [.. edges, (1, 50, 8f)]);
        for (var k = 0; k < 9; k++)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            loop.SubmitWeights([(ids[0], ids[2 + k], 2f)]);
        }

        await Assert.That(loop.Status.Steps - rested).IsGreaterThan(0);
        await Assert.That(loop.Status.Steps - rested).IsLessThanOrEqualTo(Service.LocalBurstSteps + Service.CalmStride);

        // The changes that came after it rested go in one more burst once its second of rest is over, and that is all.
        time.Advance(TimeSpan.FromSeconds(3));
        await Assert.That(loop.Status.Steps - rested).IsLessThanOrEqualTo(2 * (Service.LocalBurstSteps + Service.CalmStride));
        await SettleAsync(time, loop, 1000);
        await AssertRestsAsync(time, loop);
    }

    [Test]
    public async Task Local_changes_soon_after_the_layout_rested_are_shown_at_once_and_stepped_together_after_the_rest()
    {
        var time = new FakeTimeProvider();
        using var loop = new PhysicsLoop(Service with { FullLayoutSteps = 600, MinRest = TimeSpan.FromSeconds(1) }, time);
        var (ids, edges) = Topology(TestGraphs.Swarm(50, seed: 3, radius: 100, sphere: true));
        loop.SubmitTopology(ids, edges);
        loop.Start();
        await SettleAsync(time, loop, 3000);
        var rested = loop.Status;
        var topology = loop.Positions.TopologyVersion;

        // A conversation starts right after the layout came to rest: on screen at once, not stepped yet.
        loop.SubmitTopology(ids, [.. edges, (1, 50, 4f)]);
        await Assert.That(loop.Positions.TopologyVersion).IsGreaterThan(topology);
        time.Advance(TimeSpan.FromMilliseconds(400));
        await Assert.That(loop.Status.Steps).IsEqualTo(rested.Steps);
        await Assert.That(loop.Status.Settled).IsTrue();

        // Another starts pacing up meanwhile: it joins the same burst, once the second of rest is over.
        loop.SubmitWeights([(ids[1], ids[50], 8f)]);
        time.Advance(TimeSpan.FromMilliseconds(400));
        await Assert.That(loop.Status.Steps).IsEqualTo(rested.Steps);
        time.Advance(TimeSpan.FromMilliseconds(300));
        await Assert.That(loop.Status.Steps).IsGreaterThan(rested.Steps);
        await SettleAsync(time, loop, 1000);
        var burst = loop.Status.Steps - rested.Steps;
        await Assert.That(burst).IsGreaterThan(0);
        await Assert.That(burst).IsLessThanOrEqualTo(Service.LocalBurstSteps + Service.CalmStride);
        await AssertRestsAsync(time, loop);

        // A new node never waits for the rest.
        var before = loop.Status.Steps;
        loop.SubmitTopology([.. ids, 0x8000_0000u | 900], [.. edges, (1, 50, 8f), (0, ids.Length, 1f)]);
        time.Advance(Tick * 2);
        await Assert.That(loop.Status.Steps).IsGreaterThan(before);
    }

    [Test]
    public async Task A_new_node_or_a_big_change_still_lays_out_fully()
    {
        var time = new FakeTimeProvider();
        using var loop = new PhysicsLoop(Service with { FullLayoutSteps = 600 }, time);
        var (ids, edges) = Topology(TestGraphs.Swarm(200, seed: 3, radius: 200, sphere: true));
        loop.SubmitTopology(ids, edges);
        loop.Start();
        await SettleAsync(time, loop, 3000);

        // Twenty conversations start at once among forty members (more than 2 % of the nodes): not a local change.
        var before = loop.Status.Steps;
        var many = Enumerable.Range(0, 20).Select(k => (1 + k, 200 - k, 8f));
        loop.SubmitTopology(ids, [.. edges, .. many]);
        await SettleAsync(time, loop, 3000);
        await Assert.That(loop.Status.Steps - before).IsGreaterThan(Service.LocalBurstSteps + Service.CalmStride);

        // A new agent joins the swarm: placed next to the hub, warmed up, and laid out out to its spring's rest length
        // (the hub's springs rest at 50·√(degree/32), PairMath.RestScale), not left where it was placed.
        before = loop.Status.Steps;
        var newId = 0x8000_0000u | 5000;
        loop.SubmitTopology([.. ids, newId], [.. edges, .. many, (0, ids.Length, 1f)]);
        await Assert.That(loop.Status.WarmingUp).IsTrue();
        await SettleAsync(time, loop, 3000);
        await Assert.That(loop.Status.Steps - before).IsGreaterThan(PhysicsParameters.Default.WarmupIterations + Service.LocalBurstSteps);
        var state = loop.Positions.State.Span;
        var n = ids.Length;
        float dx = state[n * 6] - state[0], dy = state[(n * 6) + 1] - state[1], dz = state[(n * 6) + 2] - state[2];
        var rest = 50f * PairMath.RestScale(201, 1);
        await Assert.That(MathF.Sqrt((dx * dx) + (dy * dy) + (dz * dz))).IsGreaterThan(rest * 0.8f);
        await AssertRestsAsync(time, loop);
    }

    [Test]
    [NotInParallel("vulkan")]
    public async Task The_cpu_and_the_vulkan_path_rest_alike()
    {
        var (ids, edges) = Topology(TestGraphs.Swarm(60, seed: 5, radius: 30));
        var results = new List<(LayoutBackendKind Backend, long Fresh, long Burst)>();
        foreach (var backend in new[] { BackendPreference.Cpu, BackendPreference.Vulkan })
        {
            var time = new FakeTimeProvider();
            using var loop = new PhysicsLoop(Service with { Backend = backend }, time);
            loop.SubmitTopology(ids, edges);
            loop.Start();
            await SettleAsync(time, loop, 3600);
            var fresh = loop.Status.Steps;
            await AssertRestsAsync(time, loop);

            loop.SubmitTopology(ids, [.. edges, (1, 60, 4f)]);
            await SettleAsync(time, loop, 1000);
            results.Add((loop.Status.Backend, fresh, loop.Status.Steps - fresh));
            await AssertRestsAsync(time, loop);
        }

        Console.WriteLine(string.Join("; ", results));
        await Assert.That(results[0].Backend).IsEqualTo(LayoutBackendKind.Cpu);
        await Assert.That(results[1].Backend).IsEqualTo(LayoutBackendKind.Vulkan);

        // Both settle on motion (well inside the full grant) after about as many steps: the device's speed is the same
        // bound the CPU path computes, the float sums differ only in their order.
        foreach (var (_, fresh, burst) in results)
        {
            await Assert.That(fresh).IsLessThan(Service.FullLayoutSteps);
            await Assert.That(burst).IsLessThanOrEqualTo(Service.LocalBurstSteps + Service.CalmStride);
        }

        await Assert.That(Math.Abs(results[0].Fresh - results[1].Fresh)).IsLessThanOrEqualTo(Math.Max(30, results[0].Fresh / 5));
    }

    [Test]
    public async Task The_motion_limit_grows_with_the_layout_and_never_falls_under_the_absolute_one()
    {
        var policy = new TickPolicy(new PhysicsLoopOptions { SettleSpeed = 0.1f, SettleMotion = 0.005f });
        var dt = PhysicsParameters.Default.Dt;
        policy.Measured(10);
        await Assert.That(policy.SettleSpeedLimit(dt)).IsEqualTo(0.1f);
        policy.Measured(880); // 10,000 agents around their swarm's hub
        await Assert.That(policy.SettleSpeedLimit(dt)).IsEqualTo(0.005f * 880 / (60 * dt)).Within(1e-4f);
        policy.Measured(10_000);
        await Assert.That(policy.SettleSpeedLimit(dt)).IsGreaterThan(new TickPolicy(new PhysicsLoopOptions()).SettleSpeedLimit(dt));
        policy.Measured(float.NaN);
        await Assert.That(policy.SettleSpeedLimit(dt)).IsEqualTo(0.1f);
        await Assert.That(new TickPolicy(new PhysicsLoopOptions { SettleMotion = 0 }).SettleSpeedLimit(dt)).IsEqualTo(0.1f);
    }

    [Test]
    public async Task Local_means_a_few_nodes_or_two_percent_of_them()
    {
        await Assert.That(TickPolicy.IsLocal(2, 12)).IsTrue();
        await Assert.That(TickPolicy.IsLocal(8, 12)).IsTrue();
        await Assert.That(TickPolicy.IsLocal(9, 12)).IsFalse();
        await Assert.That(TickPolicy.IsLocal(200, 10_000)).IsTrue();
        await Assert.That(TickPolicy.IsLocal(201, 10_000)).IsFalse();
    }

    [Test]
    public async Task Placement_counts_the_known_nodes_a_change_reaches()
    {
        var placement = new NodePlacement();
        LayoutGraph? graph = null;
        uint[] ids = [1, 2, 3, 4, 5];
        (int, int, float)[] chain = [(0, 1, 1f), (1, 2, 1f), (2, 3, 1f), (3, 4, 1f)];
        Apply(ids, chain, out var newNodes, out _);
        await Assert.That(newNodes).IsEqualTo(5);

        // One edge in: its two ends.
        Apply(ids, [.. chain, (0, 4, 1f)], out newNodes, out var touched);
        await Assert.That((newNodes, touched)).IsEqualTo((0, 2));

        // One edge in (1–3) and one out (3–4): their ends, 3 reached by both.
        Apply(ids, [(0, 1, 1f), (1, 2, 1f), (3, 4, 1f), (0, 4, 1f), (0, 2, 1f)], out _, out touched);
        await Assert.That(touched).IsEqualTo(3);

        // Only a weight: its two ends (taken in place).
        Apply(ids, [(0, 1, 1f), (1, 2, 1f), (3, 4, 1f), (0, 4, 1f), (0, 2, 2f)], out _, out touched);
        await Assert.That(touched).IsEqualTo(2);

        // A node leaves (5, joined to 4 and 1): itself and its two neighbours.
        Apply([1, 2, 3, 4], [(0, 1, 1f), (1, 2, 1f), (0, 2, 2f)], out newNodes, out touched);
        await Assert.That((newNodes, touched)).IsEqualTo((0, 3));

        void Apply(uint[] nodeIds, (int, int, float)[] edges, out int placed, out int reached)
        {
            var (offsets, targets, weights) = LayoutGraph.BuildCsr(nodeIds.Length, edges);
            placement.Apply(ref graph, nodeIds, offsets, targets, weights, out placed, out reached);
        }
    }
}
