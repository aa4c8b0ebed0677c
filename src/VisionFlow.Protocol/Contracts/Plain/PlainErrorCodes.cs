namespace VisionFlow.Protocol.Contracts.Plain;

/// <summary>
/// The plain dialect's domain errors, in JSON-RPC's server-error range: the codes a plain server (the simulator among
/// them) answers with and the client reads, so both sides agree without matching message text.
/// </summary>
public static class PlainErrorCodes
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
}
