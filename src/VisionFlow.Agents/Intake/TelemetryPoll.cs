namespace VisionFlow.Agents.Intake;

/// <summary>One poll result: the agent list JSON, or unavailable.</summary>
public readonly record struct TelemetryPoll(bool Available, ReadOnlyMemory<byte> Json)
{
    /// <summary>The upstream could not be asked (disconnected, circuit open).</summary>
    public static TelemetryPoll Unavailable => new(false, ReadOnlyMemory<byte>.Empty);

    /// <summary>An agent list (e.g. the text of Claude Flow's <c>agent_list</c> tool result, or the whole result).</summary>
    public static TelemetryPoll FromJson(ReadOnlyMemory<byte> json) => new(true, json);
}
