using VisionFlow.Agents.Telemetry;

namespace VisionFlow.Agents.Intake;

/// <summary>
/// The swarm of each agent our own commands spawned into one (a swarm's initialize, a spawn with a swarm id), and the
/// model the spawn's answer named, for the session they were spawned in: Claude Flow's <c>agent_list</c> names neither,
/// so without this an agent that a listing (re)adds, say after a listing taken before the spawn removed it, would lose
/// the membership we made and the model the server told us. What the server reports wins whenever it says anything; the overlay only fills the gap, and it dies with the
/// session (a restarted peer reports what it really has). Owned by the intake's loop: no locks.
/// </summary>
internal sealed class MembershipOverlay(int capacity)
{
    // Keyed by the agent's id, not its key: a key is released when a listing drops the agent and may be reused by another.
    private readonly Dictionary<string, (int Swarm, int Model)> _swarmOf = new(StringComparer.Ordinal);

    /// <summary>Agents whose swarm is held.</summary>
    public int Count => _swarmOf.Count;

    /// <summary>An answer to our spawn named the agent's swarm and model (label keys interned by the parser; -1 when it did not).</summary>
    public void Remember(string agentId, int swarmLabelKey, int modelLabelKey)
    {
        if (_swarmOf.Count >= capacity && !_swarmOf.ContainsKey(agentId))
        {
            // Bounded: a session that spawns without end forgets its oldest memberships first (insertion order is not
            // kept by Dictionary, so it forgets them all; the agents still present keep the swarm the cache holds).
            _swarmOf.Clear();
        }

        _swarmOf[agentId] = (swarmLabelKey, modelLabelKey);
    }

    /// <summary>The agent was terminated: its membership is over.</summary>
    public void Forget(string agentId) => _swarmOf.Remove(agentId);

    /// <summary>A new session (or none): nothing of the last one's holds.</summary>
    public void Clear() => _swarmOf.Clear();

    /// <summary>Fills in the swarm and the model of an event that does not name them, when our spawn's answer did.</summary>
    public void Apply(ref TelemetryEvent ev, string agentId)
    {
        if (_swarmOf.Count == 0 || !_swarmOf.TryGetValue(agentId, out var ours))
        {
            return;
        }

        if ((ev.Fields & TelemetryFields.Swarm) == 0 && ours.Swarm >= 0)
        {
            ev.SwarmKey = ours.Swarm;
            ev.Fields |= TelemetryFields.Swarm;
        }

        if ((ev.Fields & TelemetryFields.Model) == 0 && ours.Model >= 0)
        {
            ev.ModelKey = ours.Model;
            ev.Fields |= TelemetryFields.Model;
        }
    }
}
