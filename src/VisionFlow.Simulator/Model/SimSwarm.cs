using System.Text.Json;

namespace VisionFlow.Simulator.Model;

/// <summary>A simulated swarm: topology, limits and its live agents (index 0 is the coordinator/hub).</summary>
internal sealed class SimSwarm(string id, string topology, string strategy, int maxAgents, DateTimeOffset createdAt)
{
    public string Id { get; } = id;
    public JsonEncodedText IdJson { get; } = JsonEncodedText.Encode(id);
    public JsonEncodedText TopologyJson { get; } = JsonEncodedText.Encode(topology);
    public string Topology { get; } = topology;
    public string Strategy { get; } = strategy;
    public int MaxAgents { get; } = maxAgents;
    public DateTimeOffset CreatedAt { get; } = createdAt;
    public DateTimeOffset UpdatedAt { get; set; } = createdAt;
    public DateTimeOffset? TerminatedAt { get; set; }
    public bool IsTerminated => TerminatedAt is not null;
    public List<SimAgent> Agents { get; } = [];
    public int AgentsEver { get; set; }
    public int TaskCount { get; set; }
    public long MessagesExchanged { get; set; }
    public double FlowCarry { get; set; }
}
