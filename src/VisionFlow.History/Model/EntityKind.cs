namespace VisionFlow.History.Model;

/// <summary>The things whose state is recorded, each keyed by its id (an edge by its two ends).</summary>
public enum EntityKind : byte
{
    /// <summary>An agent (fields: <see cref="AgentField"/>).</summary>
    Agent = 1,

    /// <summary>A swarm (fields: <see cref="SwarmField"/>).</summary>
    Swarm = 2,

    /// <summary>A task (fields: <see cref="TaskField"/>).</summary>
    Task = 3,

    /// <summary>A message-flow edge between two agents (fields: <see cref="EdgeField"/>).</summary>
    Edge = 4,

    /// <summary>A note of the knowledge graph (fields: <see cref="NoteField"/>).</summary>
    Note = 5,
}
