using VisionFlow.Agents.Cache;
using VisionFlow.Protocol.Dialects;

namespace VisionFlow.Agents.Graph;

/// <summary>
/// Places the agent graph's hubs: one per swarm (those the server lists and those an agent names) joined to its members,
/// one per open task joined to the agents it is assigned to, so a real swarm is one connected shape. A hub keeps its
/// node id for as long as it is shown (ids by the swarm's or task's id), so the layout and the browsers keep its place.
/// </summary>
/// <remarks>
/// Owned by the graph's one builder. Builds come at telemetry rate while membership and the structure change rarely: the
/// last layout is reused, without allocating, while the agents' ids and swarms and the structure's lists are the same.
/// </remarks>
internal sealed class StructureHubs
{
    /// <summary>Task hubs drawn at most (the newest open ones): a long-lived server lists many.</summary>
    internal const int MaxTaskHubs = 256;

    /// <summary>Swarm hubs drawn at most.</summary>
    internal const int MaxSwarmHubs = 256;

    private static readonly HashSet<string> EndedSwarm = new(StringComparer.OrdinalIgnoreCase) { "terminated", "shutdown", "destroyed", "dissolved", "stopped" };
    private static readonly HashSet<string> EndedTask = new(StringComparer.OrdinalIgnoreCase) { "completed", "complete", "done", "cancelled", "canceled", "failed" };

    private readonly Dictionary<string, int> _swarmKeys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _taskKeys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _agentIndex = new(StringComparer.Ordinal);
    private string[] _agentIds = [];
    private string?[] _agentSwarms = [];
    private IReadOnlyList<SwarmInfo>? _swarmsFor;
    private IReadOnlyList<TaskSummary>? _tasksFor;
    private Layout _last = Layout.None;
    private int _nextSwarmKey;
    private int _nextTaskKey;

    /// <summary>The hubs for <paramref name="agents"/> and the structure's lists (either may be null: none known).</summary>
    public Layout Place(AgentSnapshot agents, IReadOnlyList<SwarmInfo>? swarms, IReadOnlyList<TaskSummary>? tasks)
    {
        if (ReferenceEquals(swarms, _swarmsFor) && ReferenceEquals(tasks, _tasksFor) && SameMembership(agents.Agents))
        {
            return _last;
        }

        Remember(agents.Agents);
        (_swarmsFor, _tasksFor) = (swarms, tasks);
        _last = Compute(agents.Agents, swarms ?? [], tasks ?? []);
        return _last;
    }

    private Layout Compute(IReadOnlyList<AgentInfo> agents, IReadOnlyList<SwarmInfo> swarms, IReadOnlyList<TaskSummary> tasks)
    {
        _agentIndex.Clear();
        for (var i = 0; i < agents.Count; i++) _agentIndex[agents[i].Id] = i;

        // Swarms: those listed and still running, then those an agent names that the listing lacks (unknown fields null).
        var shownSwarms = new List<SwarmInfo>();
        var swarmIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var swarm in swarms)
        {
            if (shownSwarms.Count < MaxSwarmHubs && !(swarm.Status is { } status && EndedSwarm.Contains(status)) && swarmIndex.TryAdd(swarm.Id, shownSwarms.Count))
            {
                shownSwarms.Add(swarm);
            }
        }

        foreach (var agent in agents)
        {
            if (agent.SwarmId is { } id && !swarmIndex.ContainsKey(id) && shownSwarms.Count < MaxSwarmHubs)
            {
                var listed = swarms.FirstOrDefault(s => s.Id == id);
                swarmIndex[id] = shownSwarms.Count;
                shownSwarms.Add(listed ?? new SwarmInfo(id, null, null, null, null, null));
            }
        }

        var shownTasks = new List<TaskSummary>();
        var seenTasks = new HashSet<string>(StringComparer.Ordinal);
        foreach (var task in tasks)
        {
            if (shownTasks.Count < MaxTaskHubs && !(task.Status is { } status && EndedTask.Contains(status)) && seenTasks.Add(task.Id))
            {
                shownTasks.Add(task);
            }
        }

        var ids = new uint[shownSwarms.Count + shownTasks.Count];
        Keep(_swarmKeys, shownSwarms.Select(s => s.Id), ref _nextSwarmKey, NodeIds.Swarm, ids, 0);
        Keep(_taskKeys, shownTasks.Select(t => t.Id), ref _nextTaskKey, NodeIds.Task, ids, shownSwarms.Count);

        var edges = new List<(int Hub, int Agent)>();
        for (var i = 0; i < agents.Count; i++)
        {
            if (agents[i].SwarmId is { } id && swarmIndex.TryGetValue(id, out var hub)) edges.Add((hub, i));
        }

        for (var t = 0; t < shownTasks.Count; t++)
        {
            foreach (var assignee in shownTasks[t].AssignedTo)
            {
                if (_agentIndex.TryGetValue(assignee, out var agent)) edges.Add((shownSwarms.Count + t, agent));
            }
        }

        return new Layout(ids, shownSwarms, shownTasks, edges);
    }

    /// <summary>
    /// Node ids for <paramref name="shown"/> written to <paramref name="ids"/> from <paramref name="at"/>: a hub shown
    /// before keeps its id; one no longer shown gives its key up (so the map stays as small as what is drawn).
    /// </summary>
    private static void Keep(Dictionary<string, int> keys, IEnumerable<string> shown, ref int next, Func<int, uint> nodeId, uint[] ids, int at)
    {
        var now = new HashSet<string>(StringComparer.Ordinal);
        var i = at;
        foreach (var id in shown)
        {
            now.Add(id);
            if (!keys.TryGetValue(id, out var key))
            {
                do
                {
                    key = next;
                    next = (next + 1) & (int)NodeIds.KeyMask;
                }
                while (keys.ContainsValue(key));

                keys[id] = key;
            }

            ids[i++] = nodeId(key);
        }

        foreach (var gone in keys.Keys.Where(k => !now.Contains(k)).ToList()) keys.Remove(gone);
    }

    private bool SameMembership(IReadOnlyList<AgentInfo> agents)
    {
        if (agents.Count != _agentIds.Length) return false;
        for (var i = 0; i < agents.Count; i++)
        {
            if (!ReferenceEquals(agents[i].Id, _agentIds[i]) && agents[i].Id != _agentIds[i]) return false;
            if (!string.Equals(agents[i].SwarmId, _agentSwarms[i], StringComparison.Ordinal)) return false;
        }

        return true;
    }

    private void Remember(IReadOnlyList<AgentInfo> agents)
    {
        if (_agentIds.Length != agents.Count)
        {
            _agentIds = new string[agents.Count];
            _agentSwarms = new string?[agents.Count];
        }

        for (var i = 0; i < agents.Count; i++)
        {
            _agentIds[i] = agents[i].Id;
            _agentSwarms[i] = agents[i].SwarmId;
        }
    }

    /// <summary>
    /// One placement: hub node ids (swarms, then tasks), what each hub shows, and the edges as (hub index, agent index)
    /// pairs: membership (a swarm hub and its agent) and assignment (a task hub and its agent). Immutable once made.
    /// </summary>
    internal sealed class Layout(uint[] ids, IReadOnlyList<SwarmInfo> swarms, IReadOnlyList<TaskSummary> tasks, IReadOnlyList<(int Hub, int Agent)> edges)
    {
        public static Layout None { get; } = new([], [], [], []);

        public ReadOnlySpan<uint> Ids => ids;

        public IReadOnlyList<SwarmInfo> Swarms => swarms;

        public IReadOnlyList<TaskSummary> Tasks => tasks;

        public IReadOnlyList<(int Hub, int Agent)> Edges => edges;
    }
}
