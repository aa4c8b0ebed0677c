using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using VisionFlow.Protocol.Contracts.Plain;

namespace VisionFlow.Protocol.Dialects;

/// <summary>
/// Reads agent, swarm and task objects of either dialect (camelCase MCP tool results, snake_case plain results) into the
/// product's summaries. What a member means comes from <see cref="WireVocabulary"/>, the table the telemetry parser reads
/// pushed lines and polled listings with, so a command's answer and the live cache map the same fields the same way.
/// </summary>
internal static class Summaries
{
    private const int FieldCount = WireVocabulary.FieldCount;

    public static SwarmInfo Swarm(JsonElement e, string? fallbackId = null)
    {
        var m = Members.Of(e, FieldCount);
        var agents = m[WireVocabulary.Agents];
        return new SwarmInfo(
            Str(m[WireVocabulary.SwarmId]) ?? Str(m[WireVocabulary.Id]) ?? fallbackId ?? throw Missing("swarm id"),
            Str(m[WireVocabulary.Topology]),
            Str(m[WireVocabulary.Status]) ?? (Bool(e, "success") == true ? "running" : null),
            Int(m[WireVocabulary.MaxAgents]),
            Int(m[WireVocabulary.AgentCount]) ?? (agents.ValueKind == JsonValueKind.Array ? agents.GetArrayLength() : null),
            Str(m[WireVocabulary.Strategy]) ?? (e.TryGetProperty("config", out var config) && config.ValueKind == JsonValueKind.Object
                ? Str(Members.Of(config, FieldCount)[WireVocabulary.Strategy]) : null),
            TaskCount: Int(m[WireVocabulary.TaskCount]),
            CreatedAt: Instant(m[WireVocabulary.CreatedAt]) ?? (e.TryGetProperty("initializedAt", out var initialized) ? Instant(initialized) : null));
    }

    public static AgentSummary Agent(JsonElement e, string? fallbackId = null)
    {
        var m = Members.Of(e, FieldCount);
        return new AgentSummary(
            Str(m[WireVocabulary.AgentId]) ?? Str(m[WireVocabulary.Id]) ?? fallbackId ?? throw Missing("agent id"),
            Str(m[WireVocabulary.Type]),
            Str(m[WireVocabulary.Status]),
            Str(m[WireVocabulary.SwarmId]),
            Num(m[WireVocabulary.CpuUsage]),
            Num(m[WireVocabulary.MemoryUsage]),
            Int(m[WireVocabulary.TasksActive]) ?? Int(m[WireVocabulary.TaskCount]),
            Long(m[WireVocabulary.TokensUsed]),
            Instant(m[WireVocabulary.CreatedAt]),
            Str(m[WireVocabulary.SessionId]),
            Num(m[WireVocabulary.Health]),
            Str(m[WireVocabulary.Model]));
    }

    public static AgentSummary Agent(AgentStatusResult a) =>
        new(a.AgentId, a.Type, a.Status, null, a.CpuUsage, a.MemoryUsage, a.TasksActive, a.TokensUsed, null);

    public static AgentSummary Agent(AgentSpawnResult r, AgentSpawnRequest request) =>
        new(r.AgentId, request.Type, r.Status, request.SwarmId, null, null, null, null, null, r.SessionId);

    public static TaskSummary Task(JsonElement e, string? fallbackId = null)
    {
        var m = Members.Of(e, FieldCount);

        // Claude Flow reports 0-100, the plain dialect 0-1: the product always shows [0, 1].
        var progress = Num(m[WireVocabulary.Progress]);
        if (progress > 1)
        {
            progress /= 100.0;
        }

        var assigned = new List<string>();
        var agents = m[WireVocabulary.AssignedTo].ValueKind != JsonValueKind.Undefined ? m[WireVocabulary.AssignedTo] : m[WireVocabulary.AgentId];
        if (agents.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in agents.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String)
                {
                    assigned.Add(item.GetString()!);
                }
            }
        }
        else if (agents.ValueKind == JsonValueKind.String)
        {
            assigned.Add(agents.GetString()!);
        }

        return new TaskSummary(
            Str(m[WireVocabulary.TaskId]) ?? Str(m[WireVocabulary.Id]) ?? fallbackId ?? throw Missing("task id"),
            Str(m[WireVocabulary.Description]) ?? Str(m[WireVocabulary.TaskText]),
            Str(m[WireVocabulary.Status]),
            progress is null ? null : Math.Clamp(progress.Value, 0, 1),
            assigned,
            Str(m[WireVocabulary.Priority]),
            Str(m[WireVocabulary.Type]),
            Instant(m[WireVocabulary.CreatedAt]));
    }

    public static TaskSummary Task(TaskStatusResult t) =>
        new(t.TaskId, null, t.Status, t.Progress is null ? null : Math.Clamp(t.Progress.Value > 1 ? t.Progress.Value / 100 : t.Progress.Value, 0, 1), t.AgentId is null ? [] : [t.AgentId], null);

    public static SwarmInfo Swarm(MultiAgentStatusResult m) =>
        new(m.MultiAgentId, m.Topology, m.Status, null, m.Agents?.Count, null, m.Agents?.Select(a => a.AgentId).ToList(),
            Agents: m.Agents?.Select(a => Agent(a) with { SwarmId = m.MultiAgentId }).ToList());

    /// <summary>The items of the array member <paramref name="name"/> of <paramref name="root"/> (or of a bare array), each read by <paramref name="read"/>.</summary>
    public static List<T> Items<T>(JsonElement root, string name, Func<JsonElement, T> read)
    {
        var items = new List<T>();
        var array = root.ValueKind == JsonValueKind.Array ? root
            : root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var member) ? member
            : default;
        if (array.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in array.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Object)
                {
                    items.Add(read(item));
                }
            }
        }

        return items;
    }

    /// <summary>A count the server reports (<c>total</c>, <c>totalSwarms</c>), when it does.</summary>
    public static int? Count(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var v) ? Int(v) : null;

    private static ToolFailedException Missing(string what) => new($"the server's answer has no {what}");

    private static string? Str(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString(),
        JsonValueKind.Number => v.GetRawText(),
        _ => null,
    };

    private static double? Num(JsonElement v)
    {
        if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && double.IsFinite(d))
        {
            return d;
        }

        return v.ValueKind == JsonValueKind.String && double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out d) && double.IsFinite(d)
            ? d
            : null;
    }

    private static int? Int(JsonElement v) => Num(v) is { } d && d is >= int.MinValue and <= int.MaxValue ? (int)d : null;

    private static long? Long(JsonElement v) => Num(v) is { } d && d is >= long.MinValue and <= long.MaxValue ? (long)d : null;

    /// <summary>An ISO 8601 text or a Unix time in milliseconds, as the parser reads <c>createdAt</c> too.</summary>
    private static DateTimeOffset? Instant(JsonElement v)
    {
        if (v.ValueKind == JsonValueKind.String && v.TryGetDateTimeOffset(out var stamp))
        {
            return stamp.ToUniversalTime();
        }

        return v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var unixMs) && unixMs is > 0 and < 253402300799999
            ? DateTimeOffset.FromUnixTimeMilliseconds(unixMs)
            : null;
    }

    private static bool? Bool(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? v.ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => null } : null;

    /// <summary>An object's members by meaning; the first member of each meaning wins (an agent id over a bare id is the caller's choice).</summary>
    private readonly struct Members(JsonElement[] values)
    {
        public JsonElement this[byte field] => values[field];

        public static Members Of(JsonElement e, int fieldCount)
        {
            var values = new JsonElement[fieldCount];
            if (e.ValueKind != JsonValueKind.Object)
            {
                return new Members(values);
            }

            foreach (var p in e.EnumerateObject())
            {
                var raw = JsonMarshal.GetRawUtf8PropertyName(p);
                var field = raw.Contains((byte)'\\') ? WireVocabulary.Classify(p.Name) : WireVocabulary.Classify(raw);
                if (field != WireVocabulary.None && values[field].ValueKind == JsonValueKind.Undefined)
                {
                    values[field] = p.Value;
                }
            }

            return new Members(values);
        }
    }
}
