using VisionFlow.Server.Graph;

namespace VisionFlow.Server.Health;

/// <summary>The knowledge graph: where the notes come from and how many are shown.</summary>
internal sealed class KnowledgeProbe(GraphService graph) : ISubsystemProbe
{
    public SubsystemStatus Probe()
    {
        var view = graph.Source;
        var notes = view.KnowledgeNodes;
        var detail = $"{notes} notes from {graph.KnowledgeSource}" + (graph.KnowledgeReloadFailures > 0 ? $"; {graph.KnowledgeReloadFailures} reload failures" : string.Empty);
        return new("knowledge_graph", view.KnowledgeGraphEnabled ? SubsystemState.Up : SubsystemState.Disabled, detail);
    }
}
