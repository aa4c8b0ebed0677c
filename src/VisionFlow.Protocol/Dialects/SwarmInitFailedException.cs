namespace VisionFlow.Protocol.Dialects;

/// <summary>
/// A swarm initialize the server refused half way (an agent type it does not accept, a full swarm): what the command had
/// made is rolled back (its agents terminated, the swarm shut down), and this says exactly what happened — the type that
/// failed and the server's reason, what was undone, and whatever could not be undone and still exists.
/// </summary>
public sealed class SwarmInitFailedException : ToolFailedException
{
    /// <summary>Creates the error.</summary>
    public SwarmInitFailedException(
        string tool,
        string reason,
        string? failedType,
        string? swarmId,
        IReadOnlyList<string> rolledBackAgentIds,
        bool swarmRolledBack,
        IReadOnlyList<string> remainingAgentIds,
        IReadOnlyList<string>? acceptedTypes)
        : base(tool, Describe(reason, failedType, swarmId, rolledBackAgentIds, swarmRolledBack, remainingAgentIds), notFound: false)
    {
        Reason = reason;
        FailedType = failedType;
        SwarmId = swarmId;
        RolledBackAgentIds = rolledBackAgentIds;
        SwarmRolledBack = swarmRolledBack;
        RemainingAgentIds = remainingAgentIds;
        AcceptedTypes = acceptedTypes;
    }

    /// <summary>Creates the error.</summary>
    public SwarmInitFailedException()
        : this("swarm_init", "failed", null, null, [], false, [], null)
    {
    }

    /// <summary>Creates the error with a message.</summary>
    public SwarmInitFailedException(string message)
        : this("swarm_init", message, null, null, [], false, [], null)
    {
    }

    /// <summary>Creates the error with a message and cause.</summary>
    public SwarmInitFailedException(string message, Exception innerException)
        : this("swarm_init", innerException?.Message ?? message, null, null, [], false, [], null)
    {
    }

    /// <summary>The server's own words.</summary>
    public string Reason { get; }

    /// <summary>The agent type whose spawn was refused; null when the swarm itself was refused.</summary>
    public string? FailedType { get; }

    /// <summary>The swarm the command created (null when it created none).</summary>
    public string? SwarmId { get; }

    /// <summary>Agents the command spawned and then terminated again.</summary>
    public IReadOnlyList<string> RolledBackAgentIds { get; }

    /// <summary>Whether the swarm was shut down again.</summary>
    public bool SwarmRolledBack { get; }

    /// <summary>Agents the command spawned that could not be terminated: they still exist.</summary>
    public IReadOnlyList<string> RemainingAgentIds { get; }

    /// <summary>The types the server accepts, when it has said.</summary>
    public IReadOnlyList<string>? AcceptedTypes { get; }

    private static string Describe(string reason, string? failedType, string? swarmId, IReadOnlyList<string> rolledBack, bool swarmRolledBack, IReadOnlyList<string> remaining)
    {
        var what = failedType is null ? reason : $"spawning agent type '{failedType}' was refused: {reason}";
        if (swarmId is null)
        {
            return what;
        }

        var undone = rolledBack.Count == 0 ? string.Empty : $"terminated the {rolledBack.Count} agent(s) spawned before it ({string.Join(", ", rolledBack)}), ";
        var swarm = swarmRolledBack ? $"shut swarm {swarmId} down again" : $"could not shut swarm {swarmId} down: it still exists";
        var left = remaining.Count == 0 ? string.Empty : $"; agents that could not be terminated and still exist: {string.Join(", ", remaining)}";
        return $"{what}; rolled back: {undone}{swarm}{left}";
    }
}
