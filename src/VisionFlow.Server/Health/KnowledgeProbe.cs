using VisionFlow.Server.Hosting;

namespace VisionFlow.Server.Health;

/// <summary>The knowledge graph: where the notes come from and how many are shown.</summary>
internal sealed class KnowledgeProbe(RuntimeStart runtime) : ISubsystemProbe
{
    public SubsystemStatus Probe()
    {
        if (runtime.Starting || runtime.Graph is not { } graph)
        {
            return RuntimeProbe.NotYet("knowledge_graph", runtime);
        }

        var view = graph.Source;
        var notes = view.KnowledgeNodes;
        var detail = $"{notes} notes from {graph.KnowledgeSource}" + (graph.KnowledgeReloadFailures > 0 ? $"; {graph.KnowledgeReloadFailures} reload failures" : string.Empty);
        return new("knowledge_graph", view.KnowledgeGraphEnabled ? SubsystemState.Up : SubsystemState.Disabled, detail);
    }
}
