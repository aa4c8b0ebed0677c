namespace VisionFlow.Agents.Cache;

/// <summary>Whether a spawn may proceed under MCP_MAX_AGENTS; <see cref="Error"/> is the message to return when not.</summary>
public readonly record struct SpawnAdmission(bool Allowed, int Current, int Requested, int Max, string? Error)
{
    internal static SpawnAdmission Check(int current, int requested, int max) =>
        current + requested <= max
            ? new SpawnAdmission(true, current, requested, max, null)
            : new SpawnAdmission(false, current, requested, max,
                $"agent limit reached: {current} agents running, {requested} requested, MCP_MAX_AGENTS is {max}");
}
