namespace VisionFlow.Server.Graph;

/// <summary>One edge of <c>/api/graph</c> (node ids, weight, <c>link</c> or <c>message_flow</c>).</summary>
internal sealed record GraphEdgeView(uint Source, uint Target, float Weight, string Kind);
