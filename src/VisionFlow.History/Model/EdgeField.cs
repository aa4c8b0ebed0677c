namespace VisionFlow.History.Model;

/// <summary>A message-flow edge's recorded fields (numbers are the format's); all three are gauges.</summary>
public enum EdgeField : byte
{
    /// <summary>Layout weight (float).</summary>
    Weight = 1,

    /// <summary>Messages carried (integer).</summary>
    Messages = 2,

    /// <summary>Bytes carried (integer).</summary>
    Bytes = 3,
}
