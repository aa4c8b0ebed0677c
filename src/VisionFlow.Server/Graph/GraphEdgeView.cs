namespace VisionFlow.Server.Graph;

/// <summary>One edge of <c>/api/graph</c> (node ids, weight, <c>link</c>, <c>message_flow</c>, <c>membership</c> or <c>assignment</c>).</summary>
internal sealed record GraphEdgeView(uint Source, uint Target, float Weight, string Kind);
