using VisionFlow.Protocol;

namespace VisionFlow.Simulator;

/// <summary>JSON-RPC error codes the simulator's plain dialect answers with (server-error range for domain errors).</summary>
public static class SimulatorErrorCodes
{
    /// <summary>Unknown swarm (<c>multi-agent_id</c>).</summary>
    public const int UnknownSwarm = -32001;

    /// <summary>Unknown agent.</summary>
    public const int UnknownAgent = -32002;

    /// <summary>Unknown task.</summary>
    public const int UnknownTask = -32003;

    /// <summary>Agent limit reached.</summary>
    public const int MaxAgentsReached = -32004;

    /// <summary>Operation not allowed in the target's current state.</summary>
    public const int InvalidState = -32005;

    /// <summary>The JSON-RPC code for an error kind.</summary>
    public static int For(SimulatorErrorKind kind) => kind switch
    {
        SimulatorErrorKind.InvalidArguments => JsonRpcErrorCodes.InvalidParams,
        SimulatorErrorKind.UnknownMethod or SimulatorErrorKind.UnknownTool => JsonRpcErrorCodes.MethodNotFound,
        SimulatorErrorKind.UnknownSwarm => UnknownSwarm,
        SimulatorErrorKind.UnknownAgent => UnknownAgent,
        SimulatorErrorKind.UnknownTask => UnknownTask,
        SimulatorErrorKind.MaxAgentsReached => MaxAgentsReached,
        SimulatorErrorKind.InvalidState => InvalidState,
        _ => JsonRpcErrorCodes.InternalError,
    };
}
