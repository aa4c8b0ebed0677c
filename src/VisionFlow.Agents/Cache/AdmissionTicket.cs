namespace VisionFlow.Agents.Cache;

/// <summary>Slots reserved for one spawn: <see cref="Commit"/> them with the agents it made, or <see cref="Release"/> them when it failed.</summary>
public readonly struct AdmissionTicket : IEquatable<AdmissionTicket>
{
    private readonly AgentAdmission? _owner;

    internal AdmissionTicket(AgentAdmission owner, int count)
    {
        _owner = owner;
        Count = count;
    }

    /// <summary>Slots held.</summary>
    public int Count { get; }

    /// <summary>The spawn made <paramref name="agentIds"/>: they count until telemetry shows them, or for <paramref name="grace"/> at most.</summary>
    public void Commit(IReadOnlyList<string> agentIds, TimeProvider time, TimeSpan grace)
    {
        ArgumentNullException.ThrowIfNull(agentIds);
        ArgumentNullException.ThrowIfNull(time);
        _owner?.Commit(Count, agentIds, (time.GetUtcNow() + grace).UtcTicks);
    }

    /// <summary>The spawn failed: the slots are free again.</summary>
    public void Release() => _owner?.Release(Count);

    /// <inheritdoc />
    public bool Equals(AdmissionTicket other) => ReferenceEquals(_owner, other._owner) && Count == other.Count;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is AdmissionTicket other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_owner, Count);

    /// <summary>Equality.</summary>
    public static bool operator ==(AdmissionTicket left, AdmissionTicket right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(AdmissionTicket left, AdmissionTicket right) => !left.Equals(right);
}
