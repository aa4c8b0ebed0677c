namespace VisionFlow.Server.Graph;

/// <summary>One node of <c>/api/graph</c>: kind <c>knowledge</c>, <c>agent</c>, <c>swarm</c> or <c>task</c>.</summary>
internal sealed record GraphNodeView(uint Id, string Kind, string Label, string? Status, string? Type, bool Stale);
