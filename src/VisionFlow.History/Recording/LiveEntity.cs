using VisionFlow.History.Model;
using VisionFlow.History.State;

namespace VisionFlow.History.Recording;

/// <summary>An entity as the recorder holds it now: its values, which fields it ever had, which changed since they were
/// last written and when that was. The recorder writes keyframes from these.</summary>
internal sealed class LiveEntity(EntityKind kind, EntityKey key)
{
    /// <summary>Field numbers the recorder keeps (bits of a 64-bit mask).</summary>
    public const int MaxField = 63;

    public EntityKind Kind { get; } = kind;

    public EntityKey Key { get; } = key;

    public FieldValue[] Values { get; private set; } = new FieldValue[8];

    /// <summary>Fields ever set.</summary>
    public ulong Known { get; set; }

    /// <summary>Fields changed since last written.</summary>
    public ulong Dirty { get; set; }

    public long LastWrittenMicros { get; set; } = long.MinValue / 4;

    /// <summary>Waiting in the gauge queue.</summary>
    public bool Queued { get; set; }

    /// <summary>Removed (a queued entry for it is skipped).</summary>
    public bool Gone { get; set; }

    /// <summary>Sets a field; true when its value changed.</summary>
    public bool Set(byte field, in FieldValue value)
    {
        if (field >= Values.Length)
        {
            var grown = Values;
            Array.Resize(ref grown, Math.Min(MaxField + 1, Math.Max(field + 1, Values.Length * 2)));
            Values = grown;
        }

        var bit = 1UL << field;
        if ((Known & bit) != 0 && Values[field].Equals(value))
        {
            return false;
        }

        Values[field] = value;
        Known |= bit;
        Dirty |= bit;
        return true;
    }
}
