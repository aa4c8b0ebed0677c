namespace VisionFlow.Agents.Flows;

/// <summary>One message between two agents (keys into the agent id table).</summary>
internal readonly record struct MessageFlow(int FromKey, int ToKey, int MessageTypeKey, int Size, long TimestampUtcTicks);
