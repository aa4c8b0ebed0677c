using System.Text.Json;

namespace VisionFlow.Simulator.Model;

/// <summary>A simulated task; progress advances while it is in progress and has live assignees.</summary>
internal sealed class SimTask(string id, string type, string description, string priority, DateTimeOffset createdAt)
{
    public string Id { get; } = id;
    public string Type { get; } = type;
    public string Description { get; } = description;
    public string Priority { get; } = priority;
    public DateTimeOffset CreatedAt { get; } = createdAt;
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public DateTimeOffset? CancelledAt { get; set; }
    public TaskState State { get; set; } = TaskState.Pending;

    /// <summary>Percent, 0 to 100.</summary>
    public double Progress { get; set; }

    /// <summary>Percent per simulated second at full speed.</summary>
    public double Rate { get; set; }

    public List<SimAgent> Assignees { get; } = [];
    public string[] Tags { get; set; } = [];
    public JsonElement? Result { get; set; }
    public SimSwarm? Swarm { get; set; }

    public bool IsFinished => State is TaskState.Completed or TaskState.Cancelled;
}
