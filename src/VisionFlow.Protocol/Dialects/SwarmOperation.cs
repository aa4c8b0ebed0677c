namespace VisionFlow.Protocol.Dialects;

/// <summary>The product's operations, mapped onto whatever the connected server offers.</summary>
internal enum SwarmOperation
{
    /// <summary>Create a swarm (multi-agent system).</summary>
    InitializeSwarm,

    /// <summary>Read a swarm's status.</summary>
    GetSwarm,

    /// <summary>Shut a swarm down.</summary>
    DissolveSwarm,

    /// <summary>Create an agent.</summary>
    SpawnAgent,

    /// <summary>List agents.</summary>
    ListAgents,

    /// <summary>Read one agent.</summary>
    GetAgent,

    /// <summary>Stop an agent.</summary>
    TerminateAgent,

    /// <summary>Create and assign a task.</summary>
    CreateTask,

    /// <summary>Read a task's progress.</summary>
    GetTask,

    /// <summary>Cancel a task.</summary>
    CancelTask,

    /// <summary>List the server's tasks.</summary>
    ListTasks,

    /// <summary>Assign an existing task to agents.</summary>
    AssignTask,
}
