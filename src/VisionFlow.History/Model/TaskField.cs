namespace VisionFlow.History.Model;

/// <summary>A task's recorded fields (numbers are the format's).</summary>
public enum TaskField : byte
{
    /// <summary>Description (text).</summary>
    Description = 1,

    /// <summary>Status word (text).</summary>
    Status = 2,

    /// <summary>Priority (text).</summary>
    Priority = 3,

    /// <summary>Progress, percent (float).</summary>
    Progress = 4,

    /// <summary>Agents assigned (text list).</summary>
    AgentIds = 5,

    /// <summary>Created at (time).</summary>
    CreatedAt = 6,

    /// <summary>Completed at (time).</summary>
    CompletedAt = 7,

    /// <summary>Swarm id (text).</summary>
    SwarmId = 8,

    /// <summary>Result or error text the server gave (text).</summary>
    Result = 9,
}
