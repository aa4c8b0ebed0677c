using VisionFlow.Agents.Flows;

namespace VisionFlow.Agents.Tests;

public sealed class MessageFlowEdgesTests
{
    private static readonly long Second = TimeSpan.TicksPerSecond;

    [Test]
    public async Task History_ring_keeps_the_newest_flows_only()
    {
        var edges = new MessageFlowEdges(historyCapacity: 4, maxEdges: 16, TimeSpan.FromSeconds(5), 0.01);
        for (var i = 0; i < 10; i++) edges.Record(new MessageFlow(0, 1, -1, i, i));
        await Assert.That(edges.HistoryCount).IsEqualTo(4);
        await Assert.That(edges.HistoryAt(0).Size).IsEqualTo(6);
        await Assert.That(edges.HistoryAt(3).Size).IsEqualTo(9);
        await Assert.That(edges.FlowsRecorded).IsEqualTo(10L);
        await Assert.That(edges.WeightOf(1, 0)).IsEqualTo(10.0);
    }

    [Test]
    public async Task Weights_halve_every_half_life_and_vanish_below_the_floor()
    {
        var edges = new MessageFlowEdges(16, 16, TimeSpan.FromSeconds(2), weightFloor: 1.0);
        edges.Decay(0);
        for (var i = 0; i < 8; i++) edges.Record(new MessageFlow(0, 1, -1, 0, 0));
        edges.ResetChangeFlags();
        edges.Decay(2 * Second);
        await Assert.That(edges.WeightOf(0, 1)).IsEqualTo(4.0).Within(1e-9);
        await Assert.That(edges.TopologyChanged).IsFalse();
        edges.Decay(6 * Second);
        await Assert.That(edges.WeightOf(0, 1)).IsEqualTo(1.0).Within(1e-9);
        edges.Decay(7 * Second);
        await Assert.That(edges.EdgeCount).IsEqualTo(0);
        await Assert.That(edges.TopologyChanged).IsTrue();
        await Assert.That(edges.FreedAt(0)).IsEqualTo((0, 1));
    }

    [Test]
    public async Task Edge_table_never_grows_past_its_capacity()
    {
        var edges = new MessageFlowEdges(8, maxEdges: 10, TimeSpan.FromSeconds(1), 0.5);
        edges.Decay(0);
        for (var i = 0; i < 100_000; i++) edges.Record(new MessageFlow(i % 300, (i * 7 + 1) % 300, -1, 1, 0));
        await Assert.That(edges.EdgeCount).IsEqualTo(10);
        await Assert.That(edges.DroppedEdgeFull).IsGreaterThan(0L);
        await Assert.That(edges.HistoryCount).IsEqualTo(8);
        // Once edges decay away, room comes back.
        edges.Decay(100 * Second);
        await Assert.That(edges.EdgeCount).IsEqualTo(0);
        edges.Record(new MessageFlow(1, 2, -1, 1, 0));
        await Assert.That(edges.EdgeCount).IsEqualTo(1);
    }

    [Test]
    public async Task Removing_an_agent_drops_its_edges_and_scrubs_history()
    {
        var edges = new MessageFlowEdges(8, 8, TimeSpan.FromSeconds(1), 0.5);
        edges.Record(new MessageFlow(0, 1, -1, 1, 0));
        edges.Record(new MessageFlow(1, 2, -1, 1, 0));
        edges.Record(new MessageFlow(2, 2, -1, 1, 0));
        await Assert.That(edges.EdgeCount).IsEqualTo(2);
        edges.RemoveAgent(1);
        await Assert.That(edges.EdgeCount).IsEqualTo(0);
        await Assert.That(edges.HistoryAt(0).ToKey).IsEqualTo(-1);
        await Assert.That(edges.HistoryAt(1).FromKey).IsEqualTo(-1);
        await Assert.That(edges.HistoryAt(2).FromKey).IsEqualTo(2);
    }
}
