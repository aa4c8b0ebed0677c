namespace VisionFlow.History.Format;

/// <summary>The first byte of each record in a frame's payload.</summary>
internal enum RecordType : byte
{
    /// <summary>The moment of the records after it: zig-zag varint µs since the previous moment (the first one of a
    /// frame is relative to the frame's first moment).</summary>
    Moment = 0x01,

    /// <summary>An entity appeared: kind (u8), id, second id (edges' target, else null), field count, fields.</summary>
    EntityAdded = 0x10,

    /// <summary>Some fields of an entity changed: as <see cref="EntityAdded"/>, with only the changed fields.</summary>
    EntityChanged = 0x11,

    /// <summary>An entity went: kind, id, second id.</summary>
    EntityRemoved = 0x12,

    /// <summary>The MCP link's state changed: state word, detail, failure kind, address (texts, each may be null).</summary>
    Link = 0x20,

    /// <summary>The degradation level changed: from (u8), to (u8), reason.</summary>
    Degradation = 0x21,

    /// <summary>A command sent through the API: client, operation, target, request, status (varint), answer, duration µs (varint).</summary>
    Command = 0x22,

    /// <summary>Node positions: count, then per node its id (varint) and x, y, z (f32 each).</summary>
    Positions = 0x23,

    /// <summary>Recording stopped for a while: since (zig-zag varint µs), reason (u8), records dropped (varint).</summary>
    Gap = 0x24,
}
