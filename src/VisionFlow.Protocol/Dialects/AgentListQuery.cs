namespace VisionFlow.Protocol.Dialects;

/// <summary><c>agent.list</c>'s <c>{filter, limit}</c>: agents whose status or type equals <see cref="Filter"/>, at most <see cref="Limit"/> of them.</summary>
public sealed record AgentListQuery(string? Filter, int? Limit);
