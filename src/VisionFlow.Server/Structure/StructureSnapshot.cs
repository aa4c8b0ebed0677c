using VisionFlow.Protocol.Dialects;

namespace VisionFlow.Server.Structure;

/// <summary>
/// The swarms and tasks of the MCP server as <see cref="StructureTracker"/> last read them: immutable, safe to read from
/// any thread. Lists are as the server reported them (unknown fields null); an unavailable snapshot lists nothing.
/// </summary>
/// <param name="Version">Increases with every read that changed something (never for one that did not).</param>
/// <param name="Session">The link session it was read in; 0 when none was open.</param>
/// <param name="Swarms">The swarms the server shows, and those of ours and of the live agents it still has.</param>
/// <param name="SwarmTotal">How many swarms the server says it has (<c>totalSwarms</c>); null when it does not say.</param>
/// <param name="SwarmsListed">Whether the swarms were read in this session (else <see cref="SwarmsError"/> says why not).</param>
/// <param name="SwarmsError">Why the last read of the swarms failed; null when it did not.</param>
/// <param name="Tasks">The server's tasks, newest first (Claude Flow's <c>task_list</c>).</param>
/// <param name="TaskTotal">How many tasks the server says it has; null when it does not say.</param>
/// <param name="TasksListed">Whether the tasks were read in this session.</param>
/// <param name="TasksError">Why the last read of the tasks failed (not offered, timed out, link down); null when it did not.</param>
/// <param name="ReadAt">When the last read ended; null before the first.</param>
internal sealed record StructureSnapshot(
    long Version,
    long Session,
    IReadOnlyList<SwarmInfo> Swarms,
    int? SwarmTotal,
    bool SwarmsListed,
    Exception? SwarmsError,
    IReadOnlyList<TaskSummary> Tasks,
    int? TaskTotal,
    bool TasksListed,
    Exception? TasksError,
    DateTimeOffset? ReadAt)
{
    /// <summary>Nothing read: no session.</summary>
    public static StructureSnapshot Empty { get; } = new(0, 0, [], null, false, null, [], null, false, null, null);

    /// <summary>Whether anything was read in an open session.</summary>
    public bool Available => Session > 0 && (SwarmsListed || TasksListed);
}
