using VisionFlow.Protocol.Contracts.Mcp;

namespace VisionFlow.Protocol.Dialects;

/// <summary>
/// Claude Flow's tool names for each operation, newest first: published 3.x servers offer <c>swarm_shutdown</c> and
/// <c>task_create</c>; older ones <c>swarm_destroy</c> and <c>task_orchestrate</c>. The first one the server lists wins.
/// </summary>
internal static class ToolMapping
{
    private static readonly Dictionary<SwarmOperation, string[]> Candidates = new()
    {
        [SwarmOperation.InitializeSwarm] = ["swarm_init"],
        [SwarmOperation.GetSwarm] = ["swarm_status"],
        [SwarmOperation.DissolveSwarm] = ["swarm_shutdown", "swarm_destroy"],
        [SwarmOperation.SpawnAgent] = ["agent_spawn"],
        [SwarmOperation.ListAgents] = ["agent_list"],
        [SwarmOperation.GetAgent] = ["agent_status"],
        [SwarmOperation.TerminateAgent] = ["agent_terminate"],
        [SwarmOperation.CreateTask] = ["task_create", "task_orchestrate"],
        [SwarmOperation.GetTask] = ["task_status"],
        [SwarmOperation.CancelTask] = ["task_cancel"],
        [SwarmOperation.ListTasks] = ["task_list"],
        [SwarmOperation.AssignTask] = ["task_assign"],
    };

    /// <summary>Picks the tool for <paramref name="operation"/>, or throws <see cref="OperationNotOfferedException"/>.</summary>
    public static McpTool Resolve(ServerProfile profile, SwarmOperation operation)
    {
        var candidates = Candidates[operation];
        foreach (var name in candidates)
        {
            if (profile.Tools.TryGetValue(name, out var tool))
            {
                return tool;
            }
        }

        throw new OperationNotOfferedException(operation, profile.ServerName, candidates);
    }

    /// <summary>Whether the tool's input schema declares <paramref name="property"/> (older servers name arguments differently).</summary>
    public static bool Accepts(McpTool tool, string property) =>
        tool.InputSchema is { ValueKind: System.Text.Json.JsonValueKind.Object } schema
        && schema.TryGetProperty("properties", out var props)
        && props.ValueKind == System.Text.Json.JsonValueKind.Object
        && props.TryGetProperty(property, out _);
}
