using VisionFlow.Agents.Graph;

namespace VisionFlow.Agents.Tests;

public sealed class GraphModelTests
{
    [Test]
    public async Task Agent_ids_have_bit_31_and_knowledge_ids_do_not()
    {
        await Assert.That(NodeIds.Agent(5)).IsEqualTo(0x80000005u);
        await Assert.That(NodeIds.IsAgent(NodeIds.Agent(0))).IsTrue();
        await Assert.That(NodeIds.Knowledge(5)).IsEqualTo(5u);
        await Assert.That(NodeIds.IsAgent(NodeIds.Knowledge(int.MaxValue))).IsFalse();
        await Assert.That(NodeIds.KeyOf(NodeIds.Agent(77))).IsEqualTo(77);
    }

    [Test]
    public async Task Removal_swaps_the_last_node_in_and_reports_the_move()
    {
        var graph = new GraphModel();
        for (uint id = 10; id < 15; id++) graph.AddNode(id);
        graph.Commit();
        NodeMove[] moves = [];
        NodeChange[] removed = [];
        graph.Changed += (_, changes) =>
        {
            moves = changes.Moved.ToArray();
            removed = changes.Removed.ToArray();
        };
        graph.RemoveNode(11);
        graph.Commit();
        await Assert.That(removed).IsEquivalentTo(new[] { new NodeChange(11, 1) });
        await Assert.That(moves).IsEquivalentTo(new[] { new NodeMove(14, 4, 1) });
        await Assert.That(graph.IndexOf(14)).IsEqualTo(1);
        await Assert.That(graph.IndexOf(11)).IsEqualTo(-1);
        await Assert.That(graph.NodeIds.ToArray()).IsEquivalentTo(new uint[] { 10, 14, 12, 13 });
        graph.RemoveNode(13);
        graph.Commit();
        await Assert.That(moves.Length).IsEqualTo(0);
    }

    [Test]
    public async Task Indices_stay_consistent_under_random_adds_and_removes()
    {
        var graph = new GraphModel();
        var mirror = new List<uint>();
        var random = new Random(1234);
        graph.Changed += (_, changes) =>
        {
            foreach (var op in changes.Operations)
            {
                switch (op.Kind)
                {
                    case NodeOperationKind.Added:
                        if (op.Index != mirror.Count) throw new InvalidOperationException("add not at the end");
                        mirror.Add(op.NodeId);
                        break;
                    case NodeOperationKind.Removed:
                        if (mirror[op.Index] != op.NodeId) throw new InvalidOperationException("removed id mismatch");
                        mirror[op.Index] = mirror[^1];
                        mirror.RemoveAt(mirror.Count - 1);
                        break;
                    case NodeOperationKind.Moved:
                        if (mirror[op.Index] != op.NodeId) throw new InvalidOperationException("moved id mismatch");
                        break;
                }
            }
        };
        for (var step = 0; step < 2000; step++)
        {
            var id = (uint)random.Next(200);
            if (random.Next(3) == 0) graph.RemoveNode(id);
            else graph.AddNode(id);
            if (step % 7 == 0) graph.Commit();
        }

        graph.Commit();
        await Assert.That(mirror.ToArray()).IsEquivalentTo(graph.NodeIds.ToArray(), TUnit.Assertions.Enums.CollectionOrdering.Matching);
        for (var i = 0; i < graph.NodeCount; i++) await Assert.That(graph.IndexOf(graph.NodeIds[i])).IsEqualTo(i);
    }

    [Test]
    public async Task Csr_matches_the_edge_list()
    {
        var graph = new GraphModel();
        var random = new Random(42);
        for (uint id = 0; id < 50; id++) graph.AddNode(NodeIds.Agent((int)id));
        for (var e = 0; e < 300; e++)
        {
            graph.SetEdge(NodeIds.Agent(random.Next(50)), NodeIds.Agent(random.Next(50)), random.NextSingle() + 0.1f);
        }

        graph.RemoveNode(NodeIds.Agent(3));
        graph.Commit();
        var offsets = graph.CsrOffsets.ToArray();
        var targets = graph.CsrTargets.ToArray();
        var weights = graph.CsrWeights.ToArray();
        await Assert.That(offsets.Length).IsEqualTo(graph.NodeCount + 1);
        await Assert.That(targets.Length).IsEqualTo(graph.EdgeCount * 2);
        var ids = graph.NodeIds.ToArray();
        for (var row = 0; row < graph.NodeCount; row++)
        {
            for (var k = offsets[row]; k < offsets[row + 1]; k++)
            {
                if (k > offsets[row]) await Assert.That(targets[k]).IsGreaterThan(targets[k - 1]);
                await Assert.That(graph.EdgeWeight(ids[row], ids[targets[k]])).IsEqualTo(weights[k]);
            }
        }

        foreach (var (a, b, w) in graph.Edges())
        {
            var row = graph.IndexOf(a);
            var found = targets.AsSpan(offsets[row], offsets[row + 1] - offsets[row]).IndexOf(graph.IndexOf(b));
            await Assert.That(found).IsGreaterThanOrEqualTo(0);
        }
    }

    [Test]
    public async Task Topology_version_bumps_only_on_topology_change()
    {
        var graph = new GraphModel();
        graph.AddNode(1);
        graph.AddNode(2);
        graph.SetEdge(1, 2, 1f);
        var first = graph.Commit();
        await Assert.That(graph.TopologyVersion).IsEqualTo(1L);
        var targets = graph.CsrTargets.ToArray();

        graph.SetEdge(1, 2, 3f);
        var changes = new List<(bool Topology, bool Weights)>();
        graph.Changed += (_, c) => changes.Add((c.TopologyChanged, c.WeightsChanged));
        graph.Commit();
        await Assert.That(graph.TopologyVersion).IsEqualTo(1L);
        await Assert.That(graph.CsrWeights.ToArray()).IsEquivalentTo(new[] { 3f, 3f });
        await Assert.That(graph.CsrTargets.ToArray()).IsEquivalentTo(targets);

        graph.Commit();
        graph.SetEdge(1, 2, 3f);
        graph.Commit();
        await Assert.That(graph.TopologyVersion).IsEqualTo(1L);

        graph.RemoveEdge(1, 2);
        graph.Commit();
        await Assert.That(graph.TopologyVersion).IsEqualTo(2L);
        await Assert.That(graph.CsrTargets.Length).IsEqualTo(0);
        await Assert.That(changes).IsEquivalentTo(new[] { (false, true), (true, false) });
    }

    [Test]
    public async Task Edges_need_both_nodes_and_go_with_them()
    {
        var graph = new GraphModel();
        graph.AddNode(1);
        await Assert.That(graph.SetEdge(1, 2, 1f)).IsFalse();
        await Assert.That(graph.SetEdge(1, 1, 1f)).IsFalse();
        graph.AddNode(2);
        graph.AddNode(3);
        graph.SetEdge(1, 2, 1f);
        graph.SetEdge(2, 3, 1f);
        graph.RemoveNode(2);
        graph.Commit();
        await Assert.That(graph.EdgeCount).IsEqualTo(0);
    }

    [Test]
    public async Task Dual_graph_keeps_both_id_spaces()
    {
        var dual = new DualGraph();
        dual.Knowledge.AddNode(NodeIds.Knowledge(1));
        dual.Agents.AddNode(NodeIds.Agent(1));
        dual.Knowledge.Commit();
        dual.Agents.Commit();
        await Assert.That(dual.NodeCount).IsEqualTo(2);
        await Assert.That(dual.TopologyVersion).IsEqualTo(2L);
        await Assert.That(dual.Knowledge.ContainsNode(NodeIds.Agent(1))).IsFalse();
    }
}
