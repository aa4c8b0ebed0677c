namespace VisionFlow.Agents.Intake;

/// <summary>Counters of the intake, read as one value; every refused input is in here.</summary>
public readonly record struct TelemetryCounters(
    long Lines,
    long EventsAccepted,
    long Malformed,
    long UnknownType,
    long MissingField,
    long IdTooLong,
    long OverCapacity,
    long UnknownAgent,
    long AgentListsParsed,
    long AgentListsFailed,
    long AgentListEntriesRejected,
    long RejectedOverLimit,
    long MetricsEvents,
    long FlowsRecorded,
    long FlowEdgesDropped,
    long Batches,
    long ChangeSetsPublished)
{
    /// <summary>Lines or agent-list entries refused for any reason.</summary>
    public long Refused => Malformed + UnknownType + MissingField + IdTooLong + OverCapacity + UnknownAgent;
}
