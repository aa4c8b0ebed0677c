using VisionFlow.History.Model;

namespace VisionFlow.History.Format;

/// <summary>Encodes records into a frame's payload (<see cref="RecordType"/> describes each layout).</summary>
internal static class RecordEncoder
{
    public static void Moment(RecordBuffer b, long deltaMicros)
    {
        b.Byte((byte)RecordType.Moment);
        b.VarInt(deltaMicros);
    }

    public static void EntityHeader(RecordBuffer b, EntityOperation operation, EntityKind kind, string id, string? second, int fieldCount)
    {
        b.Byte((byte)(operation switch { EntityOperation.Added => RecordType.EntityAdded, EntityOperation.Changed => RecordType.EntityChanged, _ => RecordType.EntityRemoved }));
        b.Byte((byte)kind);
        b.Text(id);
        b.Text(second);
        if (operation != EntityOperation.Removed)
        {
            b.VarUInt((ulong)fieldCount);
        }
    }

    public static void Field(RecordBuffer b, byte field, in FieldValue value)
    {
        b.Byte(field);
        b.Value(value);
    }

    public static void Link(RecordBuffer b, string state, string? detail, string? failureKind, string? address)
    {
        b.Byte((byte)RecordType.Link);
        b.Text(state);
        b.Text(detail);
        b.Text(failureKind);
        b.Text(address);
    }

    public static void Degradation(RecordBuffer b, int from, int to, string? reason)
    {
        b.Byte((byte)RecordType.Degradation);
        b.Byte((byte)from);
        b.Byte((byte)to);
        b.Text(reason);
    }

    public static void Command(RecordBuffer b, string client, string operation, string? target, string? request, int status, string? answer, TimeSpan duration)
    {
        b.Byte((byte)RecordType.Command);
        b.Text(client);
        b.Text(operation);
        b.Text(target);
        b.Text(request);
        b.VarUInt((ulong)Math.Max(0, status));
        b.Text(answer);
        b.VarUInt((ulong)Math.Max(0, duration.Ticks / TimeSpan.TicksPerMicrosecond));
    }

    public static void Positions(RecordBuffer b, ReadOnlySpan<NodePosition> nodes)
    {
        b.Byte((byte)RecordType.Positions);
        b.VarUInt((ulong)nodes.Length);
        foreach (var n in nodes)
        {
            b.VarUInt(n.NodeId);
            b.Single(n.X);
            b.Single(n.Y);
            b.Single(n.Z);
        }
    }

    public static void Gap(RecordBuffer b, long sinceMicros, GapReason reason, long dropped)
    {
        b.Byte((byte)RecordType.Gap);
        b.VarInt(sinceMicros);
        b.Byte((byte)reason);
        b.VarUInt((ulong)Math.Max(0, dropped));
    }

    /// <summary>Encodes a decoded record again (export), without its moment.</summary>
    public static void Record(RecordBuffer b, HistoryRecord record)
    {
        switch (record)
        {
            case EntityRecord e:
                EntityHeader(b, e.Operation, e.Kind, e.Id, e.Second, e.Fields.Count);
                if (e.Operation != EntityOperation.Removed)
                {
                    foreach (var f in e.Fields)
                    {
                        Field(b, f.Field, f.Value);
                    }
                }

                break;
            case LinkRecord l:
                Link(b, l.State, l.Detail, l.FailureKind, l.Address);
                break;
            case DegradationRecord d:
                Degradation(b, d.From, d.To, d.Reason);
                break;
            case CommandRecord c:
                Command(b, c.Client, c.Operation, c.Target, c.Request, c.Status, c.Answer, c.Duration);
                break;
            case PositionsRecord p:
                Positions(b, p.Nodes is NodePosition[] array ? array : p.Nodes.ToArray());
                break;
            case GapRecord g:
                Gap(b, Micros.From(g.Since), g.Reason, g.Dropped);
                break;
        }
    }
}
