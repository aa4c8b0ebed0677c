namespace VisionFlow.Server.Graph;

/// <summary>One node of <c>/api/graph</c>.</summary>
internal sealed record GraphNodeView(uint Id, string Kind, string Label, string? Status, string? Type, bool Stale);
