using VisionFlow.Server.Mcp;
using VisionFlow.Server.Streaming;
using VisionFlow.Server.Structure;

namespace VisionFlow.Server.Api;

/// <summary>
/// The <c>swarms</c> and <c>tasks</c> topics of <c>/ws</c>: each swarm and task exactly as <c>GET /api/bots/swarms</c>
/// and <c>GET /api/bots/tasks</c> list it, kept current from the structure tracker's reads. A read that changed nothing
/// publishes nothing; one that did costs the few items it touched on every connected client (the topic sends only the
/// fields that differ).
/// </summary>
internal sealed class StructureTopics
{
    private readonly KeyedTopic _swarms;
    private readonly KeyedTopic _tasks;
    private readonly Lock _gate = new();
    private long _shown = -1; // the version of the snapshot the topics hold

    public StructureTopics(McpServices mcp, StreamTopics topics)
    {
        ArgumentNullException.ThrowIfNull(mcp);
        ArgumentNullException.ThrowIfNull(topics);
        _swarms = topics.Register("swarms", "swarms");
        _tasks = topics.Register("tasks", "tasks");
        mcp.Structure.Changed += OnChanged;
        Show(mcp.Structure.Snapshot);
    }

    // The tracker's snapshot is whole and immutable, so each change syncs the topic to it: additions, updates and
    // removals (a new session's empty start included) fall out of one comparison per item.
    private void OnChanged(StructureChanges changes) => Show(changes.Snapshot);

    // One at a time and never backwards: the first snapshot is shown on the constructor's thread while the tracker may
    // already raise Changed on its loop, and a sync of an older snapshot after a newer one would remove what is new.
    private void Show(StructureSnapshot snapshot)
    {
        lock (_gate)
        {
            if (snapshot.Version <= _shown) return;
            _shown = snapshot.Version;
            _swarms.Sync(snapshot.Swarms, s => s.Id, ApiJsonContext.Default.SwarmInfo);
            _tasks.Sync(snapshot.Tasks, t => t.Id, ApiJsonContext.Default.TaskSummary);
        }
    }
}
