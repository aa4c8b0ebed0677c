using System.Text.Json;
using VisionFlow.Agents.Cache;
using VisionFlow.Server.Mcp;

namespace VisionFlow.Server.Api;

/// <summary>
/// The serialized <c>GET /api/bots/agents</c> body, rebuilt only when the agent snapshot, the link or the degradation
/// level changes: every viewer polls it, and serializing thousands of agents per request would cost more than serving.
/// </summary>
internal sealed class AgentsResponseCache
{
    private Entry? _last;

    public byte[] Get(McpGateway gateway)
    {
        var snapshot = gateway.Intake.Cache.Snapshot;
        var state = gateway.State;
        var detail = gateway.StateDetail;
        var level = gateway.Degradation.Current.LevelName;
        var profile = gateway.Profile;
        var last = Volatile.Read(ref _last);
        if (last is not null && ReferenceEquals(last.Snapshot, snapshot) && last.State == state && ReferenceEquals(last.Detail, detail)
            && ReferenceEquals(last.Level, level) && ReferenceEquals(last.Profile, profile))
        {
            return last.Body;
        }

        var available = snapshot.Available && state == McpLinkState.Connected;
        var agents = available ? snapshot.Agents.Select(ToView).ToList() : [];
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new AgentsResponse(
                available,
                !available ? "none" : profile?.IsSimulator == true ? "simulator" : "mcp",
                available && profile?.IsSimulator == true,
                profile?.Describe(),
                available ? null : detail,
                agents.Count,
                snapshot.MaxAgents,
                snapshot.RejectedOverLimit,
                level,
                agents),
            ServerJsonContext.Default.AgentsResponse);
        Volatile.Write(ref _last, new Entry(snapshot, state, detail, level, profile, body));
        return body;
    }

    internal static AgentView ToView(AgentInfo a) =>
        new(a.Id, a.NodeId, a.Type, a.Status, a.CpuUsage, a.MemoryUsage, a.TasksActive, a.TokensUsed, a.SwarmId, a.LastSeen, a.IsStale);

    private sealed record Entry(AgentSnapshot Snapshot, McpLinkState State, string Detail, string Level, Protocol.Dialects.ServerProfile? Profile, byte[] Body);
}
