namespace VisionFlow.Simulator.Model;

/// <summary>Why a simulator operation failed.</summary>
public enum SimulatorErrorKind
{
    /// <summary>Missing, mistyped or out-of-range arguments.</summary>
    InvalidArguments,

    /// <summary>No such plain method.</summary>
    UnknownMethod,

    /// <summary>No such MCP tool.</summary>
    UnknownTool,

    /// <summary>No swarm with that id.</summary>
    UnknownSwarm,

    /// <summary>No agent with that id.</summary>
    UnknownAgent,

    /// <summary>No task with that id.</summary>
    UnknownTask,

    /// <summary>The swarm (or the simulator) holds its maximum number of agents.</summary>
    MaxAgentsReached,

    /// <summary>The target exists but is in a state that does not allow the operation (terminated, completed).</summary>
    InvalidState,
}
