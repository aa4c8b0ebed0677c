namespace VisionFlow.Server.Structure;

/// <summary>Items added and updated (as they now are) and the ids of those removed.</summary>
internal sealed record KeyedChanges<T>(IReadOnlyList<T> Added, IReadOnlyList<T> Updated, IReadOnlyList<string> Removed)
{
    /// <summary>Whether anything changed.</summary>
    public bool HasChanges => Added.Count > 0 || Updated.Count > 0 || Removed.Count > 0;
}
