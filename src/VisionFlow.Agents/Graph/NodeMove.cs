namespace VisionFlow.Agents.Graph;

/// <summary>A node that changed index because another was removed (swap-with-last): downstream copies its slot.</summary>
public readonly record struct NodeMove(uint NodeId, int FromIndex, int ToIndex);
