using System.Text.Json;

namespace VisionFlow.Simulator.Model;

/// <summary>Wire spellings of the model's enums, pre-encoded for the telemetry writer.</summary>
internal static class Names
{
    private static readonly string[] AgentStates = ["initializing", "idle", "active", "busy", "terminated"];
    private static readonly JsonEncodedText[] AgentStatesJson = Array.ConvertAll(AgentStates, s => JsonEncodedText.Encode(s));
    private static readonly string[] TaskStates = ["pending", "in_progress", "completed", "cancelled"];

    public static readonly string[] Topologies = ["hierarchical", "mesh", "hierarchical-mesh", "ring", "star", "hybrid", "adaptive", "pheromone-adaptive"];
    public static readonly string[] Strategies = ["specialized", "balanced", "adaptive"];
    public static readonly string[] Priorities = ["low", "normal", "high", "critical"];
    public static readonly string[] DefaultAgentTypes = ["coordinator", "coder", "researcher", "tester", "reviewer", "planner", "analyst", "architect"];

    public static string Of(AgentState s) => AgentStates[(int)s];

    public static JsonEncodedText JsonOf(AgentState s) => AgentStatesJson[(int)s];

    public static string Of(TaskState s) => TaskStates[(int)s];

    /// <summary>ISO-8601 UTC with milliseconds, the spelling claude-flow uses.</summary>
    public static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public static string? Iso(DateTimeOffset? t) => t is { } v ? Iso(v) : null;
}
