namespace VisionFlow.History.Model;

/// <summary>A swarm's recorded fields (numbers are the format's).</summary>
public enum SwarmField : byte
{
    /// <summary>Topology (text: mesh, hierarchical, ...).</summary>
    Topology = 1,

    /// <summary>Strategy (text).</summary>
    Strategy = 2,

    /// <summary>Status word (text).</summary>
    Status = 3,

    /// <summary>Agent limit (integer).</summary>
    MaxAgents = 4,

    /// <summary>Agents in it (integer).</summary>
    AgentCount = 5,

    /// <summary>Created at (time).</summary>
    CreatedAt = 6,

    /// <summary>Name (text).</summary>
    Name = 7,
}
