namespace VisionFlow.History.Model;

/// <summary>How a field's value is stored; every value says its type, so a reader skips a field it does not know.</summary>
public enum FieldType : byte
{
    /// <summary>Unknown: the source never reported it, or stopped reporting it (null, never 0 or empty).</summary>
    Null = 0,

    /// <summary>false.</summary>
    False = 1,

    /// <summary>true.</summary>
    True = 2,

    /// <summary>A 64-bit integer (zig-zag varint).</summary>
    Int = 3,

    /// <summary>A 32-bit float, as reported (4 bytes).</summary>
    Float32 = 4,

    /// <summary>A 64-bit float (8 bytes).</summary>
    Float64 = 5,

    /// <summary>UTF-8 text.</summary>
    Text = 6,

    /// <summary>A moment: microseconds since the Unix epoch (zig-zag varint).</summary>
    Time = 7,

    /// <summary>A list of texts (a task's agents, a note's links).</summary>
    TextList = 8,
}
