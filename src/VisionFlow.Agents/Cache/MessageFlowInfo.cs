namespace VisionFlow.Agents.Cache;

/// <summary>A recent message between agents (ids are empty when that agent has since gone).</summary>
internal sealed record MessageFlowInfo(string FromId, string ToId, string MessageType, int Size, DateTimeOffset? Timestamp);
