namespace VisionFlow.History.State;

/// <summary>An entity's key: its id, and for an edge the target's id.</summary>
internal readonly record struct EntityKey(string Id, string? Second);
