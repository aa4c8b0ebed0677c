namespace VisionFlow.Agents.Telemetry;

/// <summary>Outcome of parsing a polled agent list.</summary>
internal enum AgentListParseStatus : byte
{
    /// <summary>An agent list was found; its entries went to the sink.</summary>
    Ok = 0,
    /// <summary>Not valid JSON.</summary>
    Malformed,
    /// <summary>The server answered <c>"success": false</c>.</summary>
    Failed,
    /// <summary>Valid JSON without an agent list.</summary>
    NoAgentList,
}
