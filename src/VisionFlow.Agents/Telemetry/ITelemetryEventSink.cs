namespace VisionFlow.Agents.Telemetry;

/// <summary>Receives the events of a polled agent list, one per agent, in order.</summary>
internal interface ITelemetryEventSink
{
    /// <summary>One parsed event.</summary>
    void OnEvent(in TelemetryEvent telemetryEvent);

    /// <summary>An entry that could not become an event (counted by the receiver).</summary>
    void OnRejected(TelemetryParseStatus status);
}
