namespace VisionFlow.Agents.Graph;

/// <summary>Kind of a <see cref="NodeOperation"/>.</summary>
public enum NodeOperationKind : byte
{
    /// <summary>Node appended at <see cref="NodeOperation.Index"/> (always the current count).</summary>
    Added,
    /// <summary>Node removed from <see cref="NodeOperation.Index"/>: the last node moves into it, the count shrinks by one.</summary>
    Removed,
    /// <summary>Follows a removal: node moved from <see cref="NodeOperation.FromIndex"/> to <see cref="NodeOperation.Index"/>.</summary>
    Moved,
}

/// <summary>One node operation, in the order it happened; replaying them on a mirror array reproduces the model's order.</summary>
public readonly record struct NodeOperation(NodeOperationKind Kind, uint NodeId, int Index, int FromIndex);
