using VisionFlow.Server.Runtime;

namespace VisionFlow.Server.Health;

/// <summary>The knowledge graph: where the notes come from and how many are shown.</summary>
internal sealed class KnowledgeProbe(RuntimeStart runtime) : ISubsystemProbe
{
    public SubsystemStatus Probe()
    {
        // Before the graph's first build (version 0) nothing says whether the notes are shown: starting, not "disabled".
        if (runtime.Starting || runtime.Graph is not { } graph || (runtime.Scheduled && graph.Source.Version == 0))
        {
            return RuntimeProbe.NotYet("knowledge_graph", runtime);
        }

        var view = graph.Source;
        var notes = view.KnowledgeNodes;
        var detail = $"{notes} notes from {graph.KnowledgeSource}" + (graph.KnowledgeReloadFailures > 0 ? $"; {graph.KnowledgeReloadFailures} reload failures" : string.Empty);
        return new("knowledge_graph", view.KnowledgeGraphEnabled ? SubsystemState.Up : SubsystemState.Disabled, detail);
    }
}
