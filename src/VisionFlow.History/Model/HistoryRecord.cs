namespace VisionFlow.History.Model;

/// <summary>One recorded change or event, as a reader gets it back: when it happened, then what.</summary>
public abstract record HistoryRecord(DateTimeOffset At);

/// <summary>How an entity changed.</summary>
public enum EntityOperation : byte
{
    /// <summary>It appeared (fields: all it had).</summary>
    Added = 1,

    /// <summary>Fields changed (fields: only those).</summary>
    Changed = 2,

    /// <summary>It went (no fields).</summary>
    Removed = 3,
}

/// <summary>An agent, swarm, task, edge or note appeared, changed or went. <paramref name="Second"/> is an edge's target (else null).</summary>
public sealed record EntityRecord(DateTimeOffset At, EntityOperation Operation, EntityKind Kind, string Id, string? Second, IReadOnlyList<FieldChange> Fields) : HistoryRecord(At);

/// <summary>The MCP link changed state (<paramref name="State"/> as the API words it: connecting, connected, reconnecting, unavailable, disabled).</summary>
public sealed record LinkRecord(DateTimeOffset At, string State, string? Detail, string? FailureKind, string? Address) : HistoryRecord(At);

/// <summary>The degradation level changed (levels 0 fully operational … 3 safe mode, as the connections layer numbers them).</summary>
public sealed record DegradationRecord(DateTimeOffset At, int From, int To, string? Reason) : HistoryRecord(At);

/// <summary>A command sent through the API: who sent it, what, to which id, with which body, and the answer (HTTP status and body or detail).</summary>
public sealed record CommandRecord(DateTimeOffset At, string Client, string Operation, string? Target, string? Request, int Status, string? Answer, TimeSpan Duration) : HistoryRecord(At);

/// <summary>Where the graph's nodes were (a sample; positions are kept at a lower rate than changes).</summary>
public sealed record PositionsRecord(DateTimeOffset At, IReadOnlyList<NodePosition> Nodes) : HistoryRecord(At);

/// <summary>One node's position.</summary>
public readonly record struct NodePosition(uint NodeId, float X, float Y, float Z);

/// <summary>Why recording stopped for a while.</summary>
public enum GapReason : byte
{
    /// <summary>The service was not running (or was killed) between <see cref="GapRecord.Since"/> and this record.</summary>
    Restart = 1,

    /// <summary>The disk was full.</summary>
    DiskFull = 2,

    /// <summary>Writing failed another way (permissions, I/O error).</summary>
    WriteError = 3,

    /// <summary>Changes came faster than the disk took them; a block of them was dropped.</summary>
    Backlog = 4,
}

/// <summary>Recording stopped from <paramref name="Since"/> until this record's moment; the state after it is whole again (a keyframe follows).</summary>
public sealed record GapRecord(DateTimeOffset At, DateTimeOffset Since, GapReason Reason, long Dropped) : HistoryRecord(At);
