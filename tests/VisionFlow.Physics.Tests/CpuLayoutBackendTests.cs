namespace VisionFlow.Physics.Tests;

internal sealed class CpuLayoutBackendTests
{
    [Test]
    public async Task Grid_path_matches_the_brute_force_formulas()
    {
        // Dense enough that most pairs sit inside the cutoff, so the grid's neighbour search is really exercised.
        var g = TestGraphs.Random(600, 3, seed: 1, radius: 120);
        var reference = TestGraphs.Clone(g);
        using var cpu = new CpuLayoutBackend();
        for (var s = 0; s < 3; s++)
        {
            cpu.Step(g, PhysicsParameters.Default, 1);
            ReferenceLayout.Step(reference, PhysicsParameters.Default);
        }
        // float vs double sums of ~100 terms after 3 steps: differences stay far below a thousandth of a unit.
        await Assert.That(TestGraphs.MaxPositionDifference(g, reference)).IsLessThan(1e-3f);
    }

    [Test]
    public async Task Grid_path_matches_the_brute_force_formulas_around_a_hub()
    {
        // A hub of 300 members (degree far above PairMath.HubDegree): its springs take the longer rest length.
        var g = TestGraphs.Swarm(300, seed: 3, radius: 150);
        var reference = TestGraphs.Clone(g);
        using var cpu = new CpuLayoutBackend();
        for (var s = 0; s < 3; s++)
        {
            cpu.Step(g, PhysicsParameters.Default, 1);
            ReferenceLayout.Step(reference, PhysicsParameters.Default);
        }

        await Assert.That(TestGraphs.MaxPositionDifference(g, reference)).IsLessThan(1e-3f);
    }

    [Test]
    [Arguments(128, 100.0)] // 50·√(128/32)
    [Arguments(512, 200.0)] // 50·√(512/32)
    [Arguments(16, 50.0)] // below the hub degree: the plain rest length
    public async Task A_hub_holds_its_members_at_a_distance_that_grows_with_the_square_root_of_their_number(int members, double expected)
    {
        // Start where every member sat before the hub rule, one rest length (50) from the hub, packed on a sphere.
        var g = TestGraphs.Swarm(members, seed: 4, radius: 50, sphere: true);
        g.SetPinned(0, true);
        using var cpu = new CpuLayoutBackend();
        cpu.Step(g, PhysicsParameters.Default, 1500);
        var mean = TestGraphs.MeanDistanceFromHub(g);
        Console.WriteLine($"{members} members: mean distance from the hub {mean:F1} (expected about {expected})");
        await Assert.That(mean).IsEqualTo(expected).Within(expected * 0.1);
    }

    [Test]
    public async Task Result_is_bitwise_identical_whatever_the_parallelism()
    {
        var a = TestGraphs.Random(5000, 5, seed: 2);
        var b = TestGraphs.Clone(a);
        using var serial = new CpuLayoutBackend(maxDegreeOfParallelism: 1);
        using var parallel = new CpuLayoutBackend(maxDegreeOfParallelism: 4);
        serial.Step(a, PhysicsParameters.Default, 20);
        parallel.Step(b, PhysicsParameters.Default, 20);
        await Assert.That(TestGraphs.MaxPositionDifference(a, b)).IsEqualTo(0f);
        await Assert.That(a.VX.SequenceEqual(b.VX)).IsTrue();
    }

    [Test]
    public async Task Cross_graph_repulsion_is_scaled_by_the_coupling()
    {
        var p = PhysicsParameters.Default with
        {
            Knowledge = NodeForceParameters.Default with { CenterGravityK = 0 },
            Agent = NodeForceParameters.Default with { CenterGravityK = 0 },
        };
        float SpeedAfterOneStep(uint secondId)
        {
            var g = new LayoutGraph([0u, secondId], [0, 0, 0], [], []);
            g.SetPosition(0, 0, 0, 0);
            g.SetPosition(1, 10, 0, 0);
            using var cpu = new CpuLayoutBackend();
            cpu.Step(g, p, 1);
            return MathF.Abs(g.VX[0]);
        }
        var same = SpeedAfterOneStep(1);
        var cross = SpeedAfterOneStep(1 | LayoutGraph.AgentBit);
        await Assert.That(same).IsGreaterThan(0f);
        await Assert.That(cross / same).IsEqualTo(0.3f).Within(1e-4f);
    }

    [Test]
    public async Task Cross_graph_springs_are_scaled_by_the_coupling()
    {
        var p = PhysicsParameters.Default with
        {
            Knowledge = NodeForceParameters.Default with { CenterGravityK = 0 },
            Agent = NodeForceParameters.Default with { CenterGravityK = 0 },
        };
        float SpeedAfterOneStep(uint secondId)
        {
            // 60 apart: outside the repulsion cutoff, so only the spring acts (stretched by 10).
            var g = LayoutGraph.FromEdges([0u, secondId], [(0, 1, 1f)]);
            g.SetPosition(0, 0, 0, 0);
            g.SetPosition(1, 60, 0, 0);
            using var cpu = new CpuLayoutBackend();
            cpu.Step(g, p, 1);
            return g.VX[0];
        }
        var same = SpeedAfterOneStep(1);
        var cross = SpeedAfterOneStep(1 | LayoutGraph.AgentBit);
        await Assert.That(same).IsGreaterThan(0f);
        await Assert.That(cross / same).IsEqualTo(0.5f).Within(1e-4f);
    }

    [Test]
    public async Task Agent_nodes_use_the_agent_parameter_set()
    {
        var p = PhysicsParameters.Default with { Agent = NodeForceParameters.Default with { Damping = 0.5f } };
        var g = new LayoutGraph([0u, LayoutGraph.AgentBit | 1], [0, 0, 0], [], []);
        g.SetPosition(0, 100, 0, 0);
        g.SetPosition(1, 100, 200, 0);
        using var cpu = new CpuLayoutBackend();
        cpu.Step(g, p, 1);
        // Only centering acts: same force magnitude on both, so velocities differ by the damping ratio.
        await Assert.That(g.VX[1] / g.VX[0]).IsEqualTo(0.5f / 0.96f).Within(1e-4f);
    }

    [Test]
    public async Task Energy_falls_and_connected_nodes_end_closer()
    {
        // max_velocity·dt caps travel at ~0.22 units per step, so the graph starts compact enough to relax in 1500 steps.
        var g = TestGraphs.Random(300, 1, seed: 3, radius: 150);
        var before = TestGraphs.SpringEnergy(g, NodeForceParameters.Default);
        using var cpu = new CpuLayoutBackend();
        cpu.Step(g, PhysicsParameters.Default, 1500);
        var after = TestGraphs.SpringEnergy(g, NodeForceParameters.Default);
        await Assert.That(after).IsLessThan(before * 0.5);
        var (connected, unconnected) = TestGraphs.MeanDistances(g, seed: 3);
        await Assert.That(connected).IsLessThan(unconnected * 0.8);
    }

    [Test]
    [MethodDataSource(typeof(DegenerateGraphs), nameof(DegenerateGraphs.All))]
    public async Task Degenerate_input_never_produces_NaN(DegenerateGraphs.Case c)
    {
        var g = c.Build();
        using var cpu = new CpuLayoutBackend();
        cpu.Step(g, PhysicsParameters.Default, 50);
        await Assert.That(TestGraphs.AllFinite(g)).IsTrue();
        await c.Check(g);
    }

    [Test]
    public async Task Pinned_nodes_stay_put()
    {
        var g = TestGraphs.Random(300, 3, seed: 4);
        g.SetPinned(7, true);
        g.SetPinned(42, true);
        var x7 = (g.X[7], g.Y[7], g.Z[7]);
        var x42 = (g.X[42], g.Y[42], g.Z[42]);
        using var cpu = new CpuLayoutBackend();
        cpu.Step(g, PhysicsParameters.Default, 100);
        await Assert.That((g.X[7], g.Y[7], g.Z[7])).IsEqualTo(x7);
        await Assert.That((g.X[42], g.Y[42], g.Z[42])).IsEqualTo(x42);
        await Assert.That(g.X[8]).IsNotEqualTo(TestGraphs.Random(300, 3, seed: 4).X[8]);
    }

    [Test]
    public async Task A_topology_that_shrinks_before_the_next_step_still_steps()
    {
        // Nodes came and went between two steps (a task's hub appears and is gone again): the dirty range marked for the
        // larger topology must not outlive it. It did, and every later step threw IndexOutOfRange from ConsumeDirty.
        var g = TestGraphs.Random(12, 2, seed: 7);
        using var cpu = new CpuLayoutBackend();
        cpu.Step(g, PhysicsParameters.Default, 1);
        var ids = new uint[] { 1, 2, 3 };
        g.SetTopology(ids, [0, 1, 2, 2], [1, 2], [1f, 1f]);
        g.MarkPositionsDirty(0, 3);
        var bigger = Enumerable.Range(1, 20).Select(i => (uint)i).ToArray();
        g.SetTopology(bigger, new int[21], [], []);
        g.MarkPositionsDirty(15, 5);
        g.SetTopology(ids, [0, 1, 2, 2], [1, 2], [1f, 1f]);
        await Assert.That(g.DirtyRange).IsEqualTo((0, 3));
        cpu.Step(g, PhysicsParameters.Default, 5);
        await Assert.That(TestGraphs.AllFinite(g)).IsTrue();
        await Assert.That(g.DirtyRange).IsEqualTo((0, 0));
    }
}
