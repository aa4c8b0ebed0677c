namespace VisionFlow.Agents.Graph;

/// <summary>A node added at, or removed from, an index.</summary>
public readonly record struct NodeChange(uint NodeId, int Index);
