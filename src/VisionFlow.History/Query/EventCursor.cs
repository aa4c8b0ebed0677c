using System.Globalization;

namespace VisionFlow.History.Query;

/// <summary>Where a page of events starts: segment, frame offset, record index in the frame. Written as <c>s.o.i</c>.</summary>
internal readonly record struct EventCursor(ulong Segment, long Offset, int Index) : IComparable<EventCursor>
{
    public int CompareTo(EventCursor other) =>
        Segment != other.Segment ? Segment.CompareTo(other.Segment) : Offset != other.Offset ? Offset.CompareTo(other.Offset) : Index.CompareTo(other.Index);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Segment}.{Offset}.{Index}");

    public static bool TryParse(string? text, out EventCursor cursor)
    {
        cursor = default;
        var parts = text?.Split('.');
        if (parts is not [var s, var o, var i]
            || !ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var segment)
            || !long.TryParse(o, NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
            || !int.TryParse(i, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            return false;
        }

        cursor = new EventCursor(segment, offset, index);
        return true;
    }
}
