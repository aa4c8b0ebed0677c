namespace VisionFlow.Physics.Tests;

/// <summary>Runs on a real Vulkan device (lavapipe counts). No device means failure, never a skip or a CPU fallback.</summary>
[NotInParallel("vulkan")]
internal sealed class VulkanLayoutBackendTests
{
    /// <summary>
    /// Vulkan vs CPU after 20 steps from the same start: 0.05 units. Both compute the same float formulas, but the GPU
    /// adds a node's repulsion terms in bucket order (set by atomics) and its sqrt/division/cos/sin may differ by an
    /// ulp or two; those ~1e-6 relative differences are amplified by the step (forces up to 100, dt 0.0227, and
    /// coincidence/cutoff thresholds). Positions are ~10²–10³ units, so 0.05 is ~1e-4 relative, while a real formula
    /// slip (a wrong sign or coupling) moves nodes by whole units within a few steps.
    /// </summary>
    private const float AgreementTolerance = 0.05f;

    [Test]
    public async Task Backend_is_really_Vulkan_and_reports_its_device()
    {
        using var gpu = await VulkanDevice.OpenAsync();
        await Assert.That(gpu.Device.Type).IsNotEmpty();
        await Assert.That(gpu.Device.ApiVersion).StartsWith("1.");
    }

    [Test]
    [Arguments(500, false, 0f)]
    [Arguments(5000, false, 0f)]
    [Arguments(5000, true, 0f)]
    [Arguments(2000, false, 150f)] // dense: ~20 nodes inside each cutoff sphere, so repulsion order really differs
    public async Task Vulkan_and_cpu_agree_after_20_steps(int nodes, bool staging, float radius)
    {
        var cpuGraph = TestGraphs.Random(nodes, 5, seed: 10, radius: radius > 0 ? radius : null);
        var gpuGraph = TestGraphs.Clone(cpuGraph);
        using var cpu = new CpuLayoutBackend();
        using var gpu = await VulkanDevice.OpenAsync(staging);
        var cpuSpeed = cpu.Step(cpuGraph, PhysicsParameters.Default, 20);
        var gpuSpeed = gpu.Step(gpuGraph, PhysicsParameters.Default, 20);
        gpu.ReadBack(gpuGraph);
        var difference = TestGraphs.MaxPositionDifference(cpuGraph, gpuGraph);
        Console.WriteLine($"{nodes} nodes, 20 steps: max |cpu - vulkan| = {difference}");
        await Assert.That(difference).IsLessThan(AgreementTolerance);
        await Assert.That(gpuSpeed).IsEqualTo(cpuSpeed).Within(0.01f);
        // The comparison must be about something: the layout really moved.
        await Assert.That(TestGraphs.MaxPositionDifference(cpuGraph, TestGraphs.Random(nodes, 5, seed: 10, radius: radius > 0 ? radius : null))).IsGreaterThan(1f);
    }

    [Test]
    [Arguments(2)]
    [Arguments(3)]
    public async Task Vulkan_and_cpu_agree_with_coarse_steps(int k)
    {
        // The loop's coarse steps (k standard steps at once: k·dt, damping of k steps) are parameters like any other; both
        // paths take them alike, around a hub, in 10 steps (the same layout time as 20 or 30 standard ones).
        var p = Loop.PhysicsLoop.Coarse(PhysicsParameters.Default, k);
        var cpuGraph = TestGraphs.Swarm(1500, seed: 12, radius: 300);
        var gpuGraph = TestGraphs.Clone(cpuGraph);
        using var cpu = new CpuLayoutBackend();
        using var gpu = await VulkanDevice.OpenAsync();
        var cpuSpeed = cpu.Step(cpuGraph, p, 10);
        var gpuSpeed = gpu.Step(gpuGraph, p, 10);
        gpu.ReadBack(gpuGraph);
        await Assert.That(TestGraphs.MaxPositionDifference(cpuGraph, gpuGraph)).IsLessThan(AgreementTolerance);
        await Assert.That(gpuSpeed).IsEqualTo(cpuSpeed).Within(0.01f);
        await Assert.That(TestGraphs.MaxPositionDifference(cpuGraph, TestGraphs.Swarm(1500, seed: 12, radius: 300))).IsGreaterThan(1f);
    }

    [Test]
    public async Task Vulkan_and_cpu_agree_around_a_hub()
    {
        // A swarm of 1,500 around one hub: the hub rule (rest length by degree) is exercised on every member's spring.
        var cpuGraph = TestGraphs.Swarm(1500, seed: 12, radius: 300);
        var gpuGraph = TestGraphs.Clone(cpuGraph);
        using var cpu = new CpuLayoutBackend();
        using var gpu = await VulkanDevice.OpenAsync();
        cpu.Step(cpuGraph, PhysicsParameters.Default, 20);
        gpu.Step(gpuGraph, PhysicsParameters.Default, 20);
        gpu.ReadBack(gpuGraph);
        await Assert.That(TestGraphs.MaxPositionDifference(cpuGraph, gpuGraph)).IsLessThan(AgreementTolerance);
        await Assert.That(TestGraphs.MaxPositionDifference(cpuGraph, TestGraphs.Swarm(1500, seed: 12, radius: 300))).IsGreaterThan(1f);
    }

    [Test]
    public async Task Dual_graph_coupling_matches_cpu()
    {
        // Small graph with many cross edges and close pairs, one step, where differences cannot compound.
        var p = PhysicsParameters.Default with { CrossGraphRepulsion = 0.1f, CrossGraphSpring = 2f };
        var cpuGraph = TestGraphs.Random(200, 4, seed: 11, radius: 60);
        var gpuGraph = TestGraphs.Clone(cpuGraph);
        using var cpu = new CpuLayoutBackend();
        using var gpu = await VulkanDevice.OpenAsync();
        cpu.Step(cpuGraph, p, 1);
        gpu.Step(gpuGraph, p, 1);
        gpu.ReadBack(gpuGraph);
        await Assert.That(TestGraphs.MaxPositionDifference(cpuGraph, gpuGraph)).IsLessThan(1e-3f);
    }

    [Test]
    public async Task Energy_falls_and_connected_nodes_end_closer()
    {
        var g = TestGraphs.Random(300, 1, seed: 3, radius: 150);
        var before = TestGraphs.SpringEnergy(g, NodeForceParameters.Default);
        using var gpu = await VulkanDevice.OpenAsync();
        // 1,500 iterations in submissions of 100, as the loop submits warm-up chunks: one submission of all of them is a
        // single fence wait of many seconds on lavapipe when other work shares the cores, past the 10 s that means lost.
        for (var i = 0; i < 15; i++) gpu.Step(g, PhysicsParameters.Default, 100);
        gpu.ReadBack(g);
        await Assert.That(TestGraphs.SpringEnergy(g, NodeForceParameters.Default)).IsLessThan(before * 0.5);
        var (connected, unconnected) = TestGraphs.MeanDistances(g, seed: 3);
        await Assert.That(connected).IsLessThan(unconnected * 0.8);
    }

    [Test]
    [MethodDataSource(typeof(DegenerateGraphs), nameof(DegenerateGraphs.All))]
    public async Task Degenerate_input_never_produces_NaN(DegenerateGraphs.Case c)
    {
        var g = c.Build();
        using var gpu = await VulkanDevice.OpenAsync();
        gpu.Step(g, PhysicsParameters.Default, 50);
        gpu.ReadBack(g);
        await Assert.That(TestGraphs.AllFinite(g)).IsTrue();
        await c.Check(g);
    }

    [Test]
    public async Task Pinned_nodes_stay_put()
    {
        var g = TestGraphs.Random(300, 3, seed: 4);
        g.SetPinned(7, true);
        var x7 = (g.X[7], g.Y[7], g.Z[7]);
        var x8 = g.X[8];
        using var gpu = await VulkanDevice.OpenAsync();
        gpu.Step(g, PhysicsParameters.Default, 100);
        gpu.ReadBack(g);
        await Assert.That((g.X[7], g.Y[7], g.Z[7])).IsEqualTo(x7);
        await Assert.That(g.X[8]).IsNotEqualTo(x8);
    }

    [Test]
    [Arguments(false)]
    [Arguments(true)]
    public async Task Partial_upload_matches_a_full_upload(bool staging)
    {
        var a = TestGraphs.Random(2000, 5, seed: 12);
        using var gpuA = await VulkanDevice.OpenAsync(staging);
        gpuA.Step(a, PhysicsParameters.Default, 10);
        gpuA.ReadBack(a);
        a.SetPosition(5, 1, 2, 3);
        a.SetPosition(6, -40, 10, 0);
        a.SetPinned(900, true);
        var b = TestGraphs.Clone(a);

        var uploadedBefore = gpuA.BytesUploaded;
        var topologyUploads = gpuA.TopologyUploads;
        gpuA.Step(a, PhysicsParameters.Default, 1);
        var partialBytes = gpuA.BytesUploaded - uploadedBefore;
        // Nodes 5..900 changed: 896 nodes × (16 B position + 16 B velocity + 4 B flags); no CSR re-upload.
        await Assert.That(partialBytes).IsEqualTo(896L * 36);
        await Assert.That(gpuA.TopologyUploads).IsEqualTo(topologyUploads);

        using var gpuB = await VulkanDevice.OpenAsync();
        gpuB.Step(b, PhysicsParameters.Default, 1);
        gpuA.ReadBack(a);
        gpuB.ReadBack(b);
        // One step from identical state: only bucket-order summation differs.
        await Assert.That(TestGraphs.MaxPositionDifference(a, b)).IsLessThan(1e-3f);
        await Assert.That(a.X[5]).IsNotEqualTo(1f);
        await Assert.That(a.X[900]).IsEqualTo(b.X[900]);
    }

    [Test]
    [Arguments(false)]
    [Arguments(true)]
    public async Task Topology_change_reuploads_the_csr(bool staging)
    {
        var g = TestGraphs.Random(1000, 3, seed: 13);
        using var gpu = await VulkanDevice.OpenAsync(staging);
        gpu.Step(g, PhysicsParameters.Default, 5);
        await Assert.That(gpu.TopologyUploads).IsEqualTo(1);
        gpu.Step(g, PhysicsParameters.Default, 5);
        await Assert.That(gpu.TopologyUploads).IsEqualTo(1);

        gpu.ReadBack(g);
        // Grow the graph and rewire: a long chain over the old nodes plus 500 new ones.
        var ids = new uint[1500];
        for (var i = 0; i < ids.Length; i++) ids[i] = (uint)i;
        var edges = new (int, int, float)[1499];
        for (var i = 0; i < edges.Length; i++) edges[i] = (i, i + 1, 1f);
        var (offsets, targets, weights) = LayoutGraph.BuildCsr(ids.Length, edges);
        g.SetTopology(ids, offsets, targets, weights);
        for (var i = 1000; i < 1500; i++) g.SetPosition(i, i - 1250f, 0, 30f);
        var cpuGraph = TestGraphs.Clone(g);

        gpu.Step(g, PhysicsParameters.Default, 3);
        gpu.ReadBack(g);
        await Assert.That(gpu.TopologyUploads).IsEqualTo(2);
        using var cpu = new CpuLayoutBackend();
        cpu.Step(cpuGraph, PhysicsParameters.Default, 3);
        await Assert.That(TestGraphs.MaxPositionDifference(g, cpuGraph)).IsLessThan(AgreementTolerance);
    }
}
