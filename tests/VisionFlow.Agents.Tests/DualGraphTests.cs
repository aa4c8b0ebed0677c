using VisionFlow.Agents.Graph;
using VisionFlow.Agents.Knowledge;

namespace VisionFlow.Agents.Tests;

/// <summary>The dual graph applies changes: topology changes lay out again, weight changes go alone, the rest is nothing.</summary>
public sealed class DualGraphTests
{
    private static readonly uint A = DualGraph.AgentNode(1), B = DualGraph.AgentNode(2), C = DualGraph.AgentNode(3);

    private static DualGraph Shown()
    {
        var graph = new DualGraph();
        graph.SetKnowledge(KnowledgeLoader.LoadTexts([("x", "[[y]]"), ("y", "")]));
        graph.SetAgentGraph(null);
        graph.Publish();
        return graph;
    }

    [Test]
    public async Task Agents_and_edges_coming_and_going_change_the_topology_with_knowledge_first()
    {
        var graph = Shown();
        graph.AddAgent(A);
        graph.AddAgent(B);
        graph.SetEdge(B, A, 3.5f); // laid out as 4: the nearest power of two
        await Assert.That(graph.TopologyChanged).IsTrue();
        var build = graph.Publish();
        await Assert.That(build.NodeCount).IsEqualTo(4);
        await Assert.That(graph.Ids.ToArray()[2..]).IsEquivalentTo(new[] { A, B });
        var ids = graph.Ids.ToArray();
        await Assert.That(graph.Edges.ToArray().Select(e => (ids[e.A], ids[e.B], e.Weight))).Contains((A, B, 4f));

        graph.RemoveAgent(A); // takes its edge with it
        await Assert.That(graph.TopologyChanged).IsTrue();
        graph.Publish();
        await Assert.That(graph.Ids.ToArray()).DoesNotContain(A);
        await Assert.That(graph.Edges.Length).IsEqualTo(1); // the note link
    }

    [Test]
    public async Task A_weight_change_is_handed_alone_and_nothing_else_is_a_change()
    {
        var graph = Shown();
        graph.AddAgent(A);
        graph.AddAgent(B);
        graph.SetEdge(A, B, 2f);
        graph.Publish();
        var version = graph.Current.Version;

        graph.SetEdge(B, A, 4f);
        await Assert.That(graph.TopologyChanged).IsFalse();
        await Assert.That(graph.WeightChanges.ToArray()).IsEquivalentTo(new[] { (A, B, 4f) });
        graph.Publish();
        await Assert.That(graph.WeightChanges.IsEmpty).IsTrue();

        // The same weight, an agent already there, knowledge already shown: nothing to publish.
        graph.SetEdge(A, B, 4f);
        graph.AddAgent(A);
        graph.SetAgentGraph(null);
        await Assert.That(graph.HasChanges).IsFalse();
        await Assert.That(graph.Publish().Version).IsEqualTo(version + 1);
    }

    [Test]
    public async Task An_edge_to_an_agent_not_yet_shown_waits_for_it_and_a_hidden_agent_graph_lays_out_knowledge_only()
    {
        var graph = Shown();
        graph.AddAgent(A);
        graph.Publish();
        graph.SetEdge(A, C, 2f);
        await Assert.That(graph.TopologyChanged).IsFalse(); // C is not laid out
        graph.AddAgent(C);
        graph.Publish();
        await Assert.That(graph.Edges.Length).IsEqualTo(2);

        graph.SetAgentGraph("degraded");
        var hidden = graph.Publish();
        await Assert.That(hidden.NodeCount).IsEqualTo(2);
        await Assert.That(hidden.AgentGraphShown).IsFalse();
        graph.SetEdge(A, C, 5f); // not laid out: no weight to hand over (laid out as 4 later)
        await Assert.That(graph.WeightChanges.IsEmpty).IsTrue();
        graph.SetAgentGraph(null);
        graph.Publish();
        await Assert.That(graph.Edges.ToArray().Any(e => e.Weight == 4f)).IsTrue();
    }

    [Test]
    public async Task A_flow_weight_enters_the_layout_with_a_conversation_and_moves_it_only_by_octaves()
    {
        var graph = Shown();
        graph.AddAgent(A);
        graph.AddAgent(B);
        graph.Publish();

        // One message is no conversation: the edge is known but not laid out, and nothing changes for physics.
        graph.SetEdge(A, B, 1f);
        await Assert.That(graph.HasChanges).IsFalse();
        graph.SetEdge(A, B, 2.2f);
        await Assert.That(graph.TopologyChanged).IsTrue();
        graph.Publish();
        var ids = graph.Ids.ToArray();
        await Assert.That(graph.Edges.ToArray().Select(e => (ids[e.A], ids[e.B], e.Weight))).Contains((A, B, 2f));

        // Decay and single messages move the weight within an octave of its level: nothing to hand over.
        foreach (var w in new[] { 1.9f, 1.4f, 1.05f, 2.8f, 3.9f, 2.5f })
        {
            graph.SetEdge(A, B, w);
            await Assert.That(graph.HasChanges).IsFalse();
        }

        // A conversation that speeds up by an octave is a weight change; one that fades away leaves the layout.
        graph.SetEdge(A, B, 4.5f);
        await Assert.That(graph.WeightChanges.ToArray()).IsEquivalentTo(new[] { (A, B, 4f) });
        graph.Publish();
        graph.SetEdge(A, B, 0.6f); // quiet for a while: down an octave or two, still laid out
        await Assert.That(graph.TopologyChanged).IsFalse();
        graph.Publish();
        graph.SetEdge(A, B, 0.2f); // silent for long: out
        await Assert.That(graph.TopologyChanged).IsTrue();
        graph.Publish();
        await Assert.That(graph.Edges.Length).IsEqualTo(1); // the note link
        graph.SetEdge(A, B, 1.5f); // known again, below the threshold: still out
        await Assert.That(graph.HasChanges).IsFalse();
    }
}
