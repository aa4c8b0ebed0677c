using Microsoft.Extensions.Time.Testing;
using VisionFlow.Physics.Loop;
using VisionFlow.Server.Graph;

namespace VisionFlow.Server.Tests;

/// <summary>The graph's seam to physics: an unchanged build is not handed over, weights go alone, a topology goes whole.</summary>
public sealed class PhysicsFeedTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1.0 / 60);
    private static readonly uint[] Pair = [1u, 2u];

    /// <summary>A started loop holding two linked nodes at rest length, settled.</summary>
    private static async Task<(PhysicsLoop Physics, PhysicsFeed Feed, FakeTimeProvider Time)> SettledPairAsync()
    {
        var time = new FakeTimeProvider();
        var physics = new PhysicsLoop(new PhysicsLoopOptions { Backend = BackendPreference.Cpu }, time);
        var feed = new PhysicsFeed(physics);
        await Assert.That(feed.Hand(Pair, [(0, 1, 1f)])).IsEqualTo(LayoutChange.Topology);
        physics.Start();
        physics.MoveNode(1, -25, 0, 0);
        physics.MoveNode(2, 25, 0, 0);
        for (var t = 0; t < 6000 && !physics.Status.Settled; t++) time.Advance(Tick);
        await Assert.That(physics.Status.Settled).IsTrue();
        return (physics, feed, time);
    }

    [Test]
    public async Task The_same_build_again_does_not_reach_physics_and_the_layout_stays_at_rest()
    {
        var (physics, feed, time) = await SettledPairAsync();
        using var _ = physics;
        var settled = physics.Status;
        var positions = physics.Positions.Sequence;

        // An agent's status or CPU changed: the graph is rebuilt, the layout's input is the same.
        var results = Enumerable.Range(0, 100).Select(_ => feed.Hand(Pair, [(0, 1, 1f)])).Distinct().ToArray();
        time.Advance(TimeSpan.FromSeconds(10));

        await Assert.That(results).IsEquivalentTo(new[] { LayoutChange.None });
        // Not even woken to look: a resubmitted topology would have cost one tick (and a CSR rebuild) each time.
        await Assert.That(physics.Status.Ticks).IsEqualTo(settled.Ticks);
        await Assert.That(physics.Status.Steps).IsEqualTo(settled.Steps);
        await Assert.That(physics.Positions.Sequence).IsEqualTo(positions);
    }

    [Test]
    public async Task Changed_weights_go_alone_and_wake_the_layout_without_a_new_topology()
    {
        var (physics, feed, time) = await SettledPairAsync();
        using var _ = physics;
        var topology = physics.Positions.TopologyVersion;

        await Assert.That(feed.Hand(Pair, [(0, 1, 3f)])).IsEqualTo(LayoutChange.Weights);
        time.Advance(Tick);
        await Assert.That(physics.Status.Settled).IsFalse();
        await Assert.That(physics.Positions.TopologyVersion).IsEqualTo(topology);

        // Handed over once: the same weight again is no change.
        await Assert.That(feed.Hand(Pair, [(0, 1, 3f)])).IsEqualTo(LayoutChange.None);
    }

    [Test]
    public async Task A_new_node_or_a_rewired_edge_is_a_new_topology()
    {
        var (physics, feed, _) = await SettledPairAsync();
        using var __ = physics;

        await Assert.That(feed.Hand([1u, 2u, 3u], [(0, 1, 1f), (1, 2, 1f)])).IsEqualTo(LayoutChange.Topology);
        await Assert.That(physics.Positions.Ids.ToArray()).IsEquivalentTo(new[] { 1u, 2u, 3u });
        await Assert.That(physics.Status.Settled).IsFalse();

        var version = physics.Positions.TopologyVersion;
        await Assert.That(feed.Hand([1u, 2u, 3u], [(0, 1, 1f), (0, 2, 1f)])).IsEqualTo(LayoutChange.Topology);
        await Assert.That(physics.Positions.TopologyVersion).IsGreaterThan(version);
    }
}
