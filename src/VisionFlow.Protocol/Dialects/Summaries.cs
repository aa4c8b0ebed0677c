using System.Globalization;
using System.Text.Json;
using VisionFlow.Protocol.Contracts.Plain;

namespace VisionFlow.Protocol.Dialects;

/// <summary>Maps both dialects' JSON (camelCase MCP tool results, snake_case plain results) onto the product's summaries.</summary>
internal static class Summaries
{
    public static SwarmInfo Swarm(JsonElement e, string? fallbackId = null) => new(
        Str(e, "swarmId", "swarm_id", "multi-agent_id", "id") ?? fallbackId ?? throw Missing("swarm id"),
        Str(e, "topology"),
        Str(e, "status") ?? (Bool(e, "success") == true ? "running" : null),
        Int(e, "maxAgents", "max_agents"),
        Int(e, "agentCount", "agent_count") ?? (e.TryGetProperty("agents", out var a) && a.ValueKind == JsonValueKind.Array ? a.GetArrayLength() : null),
        Str(e, "strategy"));

    public static AgentSummary Agent(JsonElement e, string? fallbackId = null) => new(
        Str(e, "agentId", "agent_id", "id") ?? fallbackId ?? throw Missing("agent id"),
        Str(e, "agentType", "type"),
        Str(e, "status"),
        Str(e, "swarmId", "swarm_id", "swarm"),
        Num(e, "cpu_usage", "cpuUsage"),
        Num(e, "memory_usage", "memoryUsage"),
        Int(e, "tasks_active", "tasksActive", "taskCount"),
        Long(e, "tokens_used", "tokensUsed"),
        Str(e, "createdAt", "created_at"),
        Str(e, "sessionId", "session_id"));

    public static AgentSummary Agent(AgentStatusResult a) =>
        new(a.AgentId, a.Type, a.Status, null, a.CpuUsage, a.MemoryUsage, a.TasksActive, a.TokensUsed, null);

    public static AgentSummary Agent(AgentSpawnResult r, AgentSpawnRequest request) =>
        new(r.AgentId, request.Type, r.Status, request.SwarmId, null, null, null, null, null, r.SessionId);

    public static TaskSummary Task(JsonElement e, string? fallbackId = null)
    {
        var progress = Num(e, "progress");
        // Claude Flow reports 0-100, the plain dialect 0-1: the product always shows [0, 1].
        if (progress > 1)
        {
            progress /= 100.0;
        }

        var assigned = new List<string>();
        foreach (var key in new[] { "assignedTo", "assigned_to", "agentIds", "agent_id", "agentId" })
        {
            if (!e.TryGetProperty(key, out var v))
            {
                continue;
            }

            if (v.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in v.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.String)
                    {
                        assigned.Add(item.GetString()!);
                    }
                }
            }
            else if (v.ValueKind == JsonValueKind.String)
            {
                assigned.Add(v.GetString()!);
            }

            break;
        }

        return new TaskSummary(
            Str(e, "taskId", "task_id", "orchestrationId", "id") ?? fallbackId ?? throw Missing("task id"),
            Str(e, "description", "task"),
            Str(e, "status"),
            progress is null ? null : Math.Clamp(progress.Value, 0, 1),
            assigned,
            Str(e, "priority"));
    }

    public static TaskSummary Task(TaskStatusResult t) =>
        new(t.TaskId, null, t.Status, t.Progress is null ? null : Math.Clamp(t.Progress.Value > 1 ? t.Progress.Value / 100 : t.Progress.Value, 0, 1), t.AgentId is null ? [] : [t.AgentId], null);

    public static SwarmInfo Swarm(MultiAgentStatusResult m) =>
        new(m.MultiAgentId, m.Topology, m.Status, null, m.Agents?.Count, null, m.Agents?.Select(a => a.AgentId).ToList());

    private static ToolFailedException Missing(string what) => new($"the server's answer has no {what}");

    private static string? Str(JsonElement e, params ReadOnlySpan<string> names)
    {
        foreach (var name in names)
        {
            if (e.TryGetProperty(name, out var v))
            {
                if (v.ValueKind == JsonValueKind.String)
                {
                    return v.GetString();
                }

                if (v.ValueKind == JsonValueKind.Number)
                {
                    return v.GetRawText();
                }
            }
        }

        return null;
    }

    private static double? Num(JsonElement e, params ReadOnlySpan<string> names)
    {
        foreach (var name in names)
        {
            if (e.TryGetProperty(name, out var v))
            {
                if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && double.IsFinite(d))
                {
                    return d;
                }

                if (v.ValueKind == JsonValueKind.String && double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out d) && double.IsFinite(d))
                {
                    return d;
                }
            }
        }

        return null;
    }

    private static int? Int(JsonElement e, params ReadOnlySpan<string> names) => Num(e, names) is { } d && d is >= int.MinValue and <= int.MaxValue ? (int)d : null;

    private static long? Long(JsonElement e, params ReadOnlySpan<string> names) => Num(e, names) is { } d && d is >= long.MinValue and <= long.MaxValue ? (long)d : null;

    private static bool? Bool(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) ? v.ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => null } : null;
}
