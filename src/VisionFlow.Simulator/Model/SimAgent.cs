using System.Text.Json;

namespace VisionFlow.Simulator.Model;

/// <summary>A simulated agent and its resource telemetry; mutated only under the simulator's lock.</summary>
internal sealed class SimAgent(string id, string type, SimSwarm? swarm, DateTimeOffset createdAt)
{
    public string Id { get; } = id;
    public JsonEncodedText IdJson { get; } = JsonEncodedText.Encode(id);
    public string Type { get; } = type;
    public JsonEncodedText TypeJson { get; } = JsonEncodedText.Encode(type);
    public SimSwarm? Swarm { get; } = swarm;
    public DateTimeOffset CreatedAt { get; } = createdAt;
    public DateTimeOffset? TerminatedAt { get; set; }
    public AgentState State { get; set; } = AgentState.Initializing;

    /// <summary>Seconds left in the current initializing/idle/active phase.</summary>
    public double PhaseLeft { get; set; }

    public double CpuUsage { get; set; }
    public double MemoryUsage { get; set; }
    public double BaseMemory { get; set; }
    public long TokensUsed { get; set; }
    public double TokenCarry { get; set; }
    public int TasksCompleted { get; set; }
    public List<SimTask> Tasks { get; } = [];

    /// <summary>Position in the simulator's live-agent list (swap-removal keeps removal O(1)).</summary>
    public int LiveIndex { get; set; }
}
