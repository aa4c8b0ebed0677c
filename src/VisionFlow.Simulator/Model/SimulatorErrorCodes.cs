using VisionFlow.Protocol;
using VisionFlow.Protocol.Contracts.Plain;

namespace VisionFlow.Simulator.Model;

/// <summary>JSON-RPC error codes the simulator's plain dialect answers with (server-error range for domain errors).</summary>
public static class SimulatorErrorCodes
{
    /// <summary>Unknown swarm (<c>multi-agent_id</c>).</summary>
    public const int UnknownSwarm = PlainErrorCodes.UnknownSwarm;

    /// <summary>Unknown agent.</summary>
    public const int UnknownAgent = PlainErrorCodes.UnknownAgent;

    /// <summary>Unknown task.</summary>
    public const int UnknownTask = PlainErrorCodes.UnknownTask;

    /// <summary>Agent limit reached.</summary>
    public const int MaxAgentsReached = PlainErrorCodes.MaxAgentsReached;

    /// <summary>Operation not allowed in the target's current state.</summary>
    public const int InvalidState = PlainErrorCodes.InvalidState;

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
