namespace VisionFlow.Agents.Cache;

/// <summary>A communication edge between two agents, weighted by decayed recent traffic.</summary>
public sealed record AgentEdgeInfo(string SourceId, string TargetId, double Weight, long Messages, long Bytes);
