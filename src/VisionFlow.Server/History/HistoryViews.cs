using VisionFlow.History.Model;
using VisionFlow.History.State;
using VisionFlow.Protocol.Dialects;
using VisionFlow.Server.Api;

namespace VisionFlow.Server.History;

/// <summary>Maps what the history store gives back onto the live API's shapes and names.</summary>
internal static class HistoryViews
{
    private static readonly string[] LevelNames = ["fully_operational", "partial_degradation", "emergency_mode", "safe_mode"];

    private static readonly Dictionary<byte, string> AgentNames = new()
    {
        [(byte)AgentField.Type] = "type", [(byte)AgentField.Status] = "status", [(byte)AgentField.CpuUsage] = "cpu_usage",
        [(byte)AgentField.MemoryUsage] = "memory_usage", [(byte)AgentField.TasksActive] = "tasks_active", [(byte)AgentField.TokensUsed] = "tokens_used",
        [(byte)AgentField.SwarmId] = "swarm_id", [(byte)AgentField.Stale] = "stale", [(byte)AgentField.LastSeen] = "last_seen",
        [(byte)AgentField.TelemetryTimestamp] = "telemetry_timestamp", [(byte)AgentField.Health] = "health", [(byte)AgentField.Model] = "model",
        [(byte)AgentField.Name] = "name", [(byte)AgentField.CreatedAt] = "created_at", [(byte)AgentField.TaskCount] = "task_count",
        [(byte)AgentField.NodeId] = "node_id",
    };

    private static readonly Dictionary<byte, string> SwarmNames = new()
    {
        [(byte)SwarmField.Topology] = "topology", [(byte)SwarmField.Strategy] = "strategy", [(byte)SwarmField.Status] = "status",
        [(byte)SwarmField.MaxAgents] = "max_agents", [(byte)SwarmField.AgentCount] = "agent_count", [(byte)SwarmField.CreatedAt] = "created_at",
        [(byte)SwarmField.Name] = "name",
    };

    private static readonly Dictionary<byte, string> TaskNames = new()
    {
        [(byte)TaskField.Description] = "description", [(byte)TaskField.Status] = "status", [(byte)TaskField.Priority] = "priority",
        [(byte)TaskField.Progress] = "progress", [(byte)TaskField.AgentIds] = "assigned_to", [(byte)TaskField.CreatedAt] = "created_at",
        [(byte)TaskField.CompletedAt] = "completed_at", [(byte)TaskField.SwarmId] = "swarm_id", [(byte)TaskField.Result] = "result",
    };

    private static readonly Dictionary<byte, string> EdgeNames = new()
    {
        [(byte)EdgeField.Weight] = "weight", [(byte)EdgeField.Messages] = "messages", [(byte)EdgeField.Bytes] = "bytes",
    };

    private static readonly Dictionary<byte, string> NoteNames = new() { [(byte)NoteField.Links] = "links", [(byte)NoteField.Title] = "title" };

    /// <summary>The API's name of a degradation level number (0 … 3).</summary>
    public static string LevelName(int level) => level >= 0 && level < LevelNames.Length ? LevelNames[level] : $"level_{level}";

    public static HistoryStateResponse State(HistoryStateView s, DateTimeOffset asked, bool afterLast, DateTimeOffset first, DateTimeOffset last) => new(
        asked,
        afterLast ? "after_last" : "recorded",
        first,
        last,
        LevelName(s.DegradationLevel),
        s.DegradationLevel,
        [.. s.Agents.Select(Agent)],
        [.. s.Swarms.Select(Swarm)],
        [.. s.Tasks.Select(Task)],
        [.. s.Edges.Select(e => new HistoryEdgeView(e.Id, e.Second ?? string.Empty, e.Get(EdgeField.Weight).AsDouble, e.Get(EdgeField.Messages).AsInt, e.Get(EdgeField.Bytes).AsInt))],
        [.. s.Notes.Select(n => new HistoryNoteView(n.Id, n.Get(NoteField.Links).AsTextList))],
        s.Link is { } link ? new HistoryLinkView(link.At, link.State, link.Detail, link.FailureKind, link.Address) : null,
        s.Degradation is { } d ? Event(d) : null,
        s.Positions is { } p ? Positions(p) : null,
        s.LastGap is { } gap ? Event(gap) : null);

    /// <summary>An agent as <c>GET /api/bots/agents</c> shows it.</summary>
    public static AgentView Agent(EntityView a) => new(
        a.Id,
        a.Get(AgentField.NodeId).AsInt is { } node ? (uint)node : 0,
        a.Get(AgentField.Type).AsText,
        a.Get(AgentField.Status).AsText,
        Float(a.Get(AgentField.CpuUsage)),
        Float(a.Get(AgentField.MemoryUsage)),
        a.Get(AgentField.TasksActive).AsInt is { } tasks ? (int)tasks : null,
        a.Get(AgentField.TokensUsed).AsInt,
        a.Get(AgentField.SwarmId).AsText,
        a.Get(AgentField.LastSeen).AsTime ?? DateTimeOffset.UnixEpoch,
        a.Get(AgentField.Stale).AsBool ?? false,
        Float(a.Get(AgentField.Health)),
        a.Get(AgentField.CreatedAt).AsTime,
        a.Get(AgentField.Model).AsText);

    private static SwarmInfo Swarm(EntityView s) => new(
        s.Id,
        s.Get(SwarmField.Topology).AsText,
        s.Get(SwarmField.Status).AsText,
        s.Get(SwarmField.MaxAgents).AsInt is { } max ? (int)max : null,
        s.Get(SwarmField.AgentCount).AsInt is { } count ? (int)count : null,
        s.Get(SwarmField.Strategy).AsText,
        CreatedAt: s.Get(SwarmField.CreatedAt).AsTime);

    private static TaskSummary Task(EntityView t) => new(
        t.Id,
        t.Get(TaskField.Description).AsText,
        t.Get(TaskField.Status).AsText,
        t.Get(TaskField.Progress).AsDouble,
        t.Get(TaskField.AgentIds).AsTextList ?? [],
        t.Get(TaskField.Priority).AsText,
        CreatedAt: t.Get(TaskField.CreatedAt).AsTime);

    private static HistoryPositionsView Positions(PositionsRecord p)
    {
        var ids = new uint[p.Nodes.Count];
        var xyz = new float[p.Nodes.Count * 3];
        for (var i = 0; i < ids.Length; i++)
        {
            var n = p.Nodes[i];
            ids[i] = n.NodeId;
            xyz[i * 3] = Finite(n.X);
            xyz[(i * 3) + 1] = Finite(n.Y);
            xyz[(i * 3) + 2] = Finite(n.Z);
        }

        return new HistoryPositionsView(p.At, ids, xyz);
    }

    /// <summary>One record as <c>/api/history/events</c> lists it.</summary>
    public static HistoryEventView Event(HistoryRecord record) => record switch
    {
        EntityRecord e => Empty(e.At, e.Kind.ToString().ToLowerInvariant()) with
        {
            Operation = e.Operation.ToString().ToLowerInvariant(),
            Id = e.Id,
            Target = e.Second,
            Fields = e.Operation == EntityOperation.Removed ? null : Fields(e.Kind, e.Fields),
        },
        LinkRecord l => Empty(l.At, "link") with { State = l.State, Detail = l.Detail, Reason = l.FailureKind, Target = l.Address },
        DegradationRecord d => Empty(d.At, "degradation") with { From = LevelName(d.From), To = LevelName(d.To), Reason = d.Reason },
        CommandRecord c => Empty(c.At, "command") with
        {
            Operation = c.Operation,
            Id = c.Target,
            Client = c.Client,
            Request = c.Request,
            Status = c.Status,
            Answer = c.Answer,
            DurationMs = Math.Round(c.Duration.TotalMilliseconds, 3),
        },
        PositionsRecord p => Empty(p.At, "positions") with { Nodes = p.Nodes.Count },
        GapRecord g => Empty(g.At, "gap") with { Reason = GapName(g.Reason), Since = g.Since, Dropped = g.Dropped },
        _ => Empty(record.At, "unknown"),
    };

    private static string GapName(GapReason reason) => reason switch
    {
        GapReason.Restart => "restart",
        GapReason.DiskFull => "disk_full",
        GapReason.WriteError => "write_error",
        GapReason.Backlog => "backlog",
        _ => "other",
    };

    private static HistoryEventView Empty(DateTimeOffset at, string kind) =>
        new(at, kind, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);

    private static Dictionary<string, string?> Fields(EntityKind kind, IReadOnlyList<FieldChange> fields)
    {
        var names = kind switch
        {
            EntityKind.Agent => AgentNames,
            EntityKind.Swarm => SwarmNames,
            EntityKind.Task => TaskNames,
            EntityKind.Edge => EdgeNames,
            _ => NoteNames,
        };
        var map = new Dictionary<string, string?>(fields.Count, StringComparer.Ordinal);
        foreach (var f in fields)
        {
            var name = names.TryGetValue(f.Field, out var known) ? known : $"field_{f.Field}";
            map[name] = f.Value.IsNull ? null : f.Value.Type is FieldType.Float32 or FieldType.Float64 && !double.IsFinite(f.Value.AsDouble!.Value) ? null : f.Value.ToString();
        }

        return map;
    }

    private static float? Float(FieldValue value) => value.AsDouble is { } d && double.IsFinite(d) ? (float)d : null;

    private static float Finite(float f) => float.IsFinite(f) ? f : 0f;
}
