using VisionFlow.History.Format;
using VisionFlow.History.Model;

namespace VisionFlow.History.Tests;

/// <summary>Every record type survives encoding; moments are exact to the microsecond; damage is caught.</summary>
public sealed class FormatTests
{
    private static readonly DateTimeOffset T = new(2026, 3, 1, 3, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task Every_record_type_decodes_to_what_was_encoded()
    {
        HistoryRecord[] records =
        [
            new EntityRecord(T, EntityOperation.Added, EntityKind.Agent, "agent-1", null,
            [
                new(AgentField.Type, "coder"), new(AgentField.CpuUsage, 12.5f), new(AgentField.TokensUsed, 1234567890123L), new(AgentField.Stale, FieldValue.Of(false)),
                new(AgentField.Health, 0.25), new(AgentField.CreatedAt, (DateTimeOffset?)T.AddTicks(10)), new(AgentField.Model, FieldValue.Null), new(AgentField.Name, "ünïcødé ✓"),
            ]),
            new EntityRecord(T.AddTicks(10), EntityOperation.Changed, EntityKind.Task, "t-1", null, [new(TaskField.AgentIds, FieldValue.Of(new[] { "a", "b" })), new(TaskField.Progress, -0.0f)]),
            new EntityRecord(T.AddSeconds(1), EntityOperation.Removed, EntityKind.Edge, "a", "b", []),
            new LinkRecord(T.AddSeconds(1), "unavailable", "refused", "Refused", "10.0.0.1:9500"),
            new DegradationRecord(T.AddSeconds(2), 0, 3, null),
            new CommandRecord(T.AddSeconds(2), "::1", "POST /api/bots/multi-agent/init", null, "{\"topology\":\"mesh\"}", 503, null, TimeSpan.FromMilliseconds(1.5)),
            new PositionsRecord(T.AddSeconds(3), [new(0x8000_0001, 1.5f, float.NaN, -3), new(7, 0, 0, 0)]),
            new GapRecord(T.AddSeconds(4), T.AddSeconds(-60), GapReason.DiskFull, 42),
        ];

        var buffer = new RecordBuffer(64);
        var last = Micros.From(T);
        foreach (var r in records)
        {
            var m = Micros.From(r.At);
            if (m != last)
            {
                RecordEncoder.Moment(buffer, m - last);
                last = m;
            }

            RecordEncoder.Record(buffer, r);
        }

        var decoded = new List<HistoryRecord>();
        var decoder = new RecordDecoder(buffer.Written, Micros.From(T));
        while (decoder.TryRead(out var record))
        {
            decoded.Add(record!);
        }

        await Assert.That(decoder.Broken).IsFalse();
        await Assert.That(decoded.Count).IsEqualTo(records.Length);
        for (var i = 0; i < records.Length; i++)
        {
            await Assert.That(Text(decoded[i])).IsEqualTo(Text(records[i]));
        }
    }

    [Test]
    public async Task A_cut_record_stops_the_decoder_without_an_exception()
    {
        var buffer = new RecordBuffer(64);
        RecordEncoder.EntityHeader(buffer, EntityOperation.Added, EntityKind.Agent, "agent-1", null, 1);
        RecordEncoder.Field(buffer, (byte)AgentField.Status, "busy");
        var whole = buffer.Length;
        RecordEncoder.Link(buffer, "connected", "a long detail that will be cut", null, null);
        for (var cut = whole; cut < buffer.Length; cut++)
        {
            var decoder = new RecordDecoder(buffer.Written[..cut], 0);
            var n = 0;
            while (decoder.TryRead(out _))
            {
                n++;
            }

            await Assert.That(n).IsEqualTo(1);
        }
    }

    [Test]
    public async Task A_frame_checksum_catches_a_flipped_bit_anywhere()
    {
        var buffer = new RecordBuffer(64);
        for (var i = 0; i < 100; i++)
        {
            RecordEncoder.Link(buffer, "connected", $"detail {i}", null, null);
        }

        using var stream = new MemoryStream();
        var header = FrameIO.Encode(FrameKind.Changes, buffer.Written, 100, 1, 2, stream);
        await Assert.That(header.Codec).IsEqualTo(FrameCodec.Deflate);
        var bytes = stream.ToArray();
        for (var i = 0; i < bytes.Length; i += 7)
        {
            var copy = (byte[])bytes.Clone();
            copy[i] ^= 0x10;
            var ok = FrameHeader.TryRead(copy, out var h, out var checksum)
                && h.StoredLength == header.StoredLength
                && FrameHeader.ChecksumMatches(copy, copy.AsSpan(HistoryFormat.FrameHeaderSize, h.StoredLength), checksum);
            await Assert.That(ok).IsFalse().Because($"bit flipped at byte {i}");
        }

        var scratch = Array.Empty<byte>();
        var raw = FrameIO.Decode(header, bytes.AsSpan(HistoryFormat.FrameHeaderSize), ref scratch).ToArray();
        await Assert.That(raw).IsEquivalentTo(buffer.Written.ToArray());
    }

    [Test]
    public async Task Crc32C_matches_the_standard_check_value()
    {
        // RFC 3720's check value for "123456789".
        await Assert.That(Crc32C.Compute("123456789"u8)).IsEqualTo(0xE3069283u);
    }

    private static string Text(HistoryRecord r) => r switch
    {
        EntityRecord e => $"{e.At:O} {e.Operation} {e.Kind} {e.Id} {e.Second} " + string.Join(",", e.Fields.Select(f => $"{f.Field}:{f.Value.Type}:{f.Value}")),
        PositionsRecord p => $"{p.At:O} " + string.Join(",", p.Nodes),
        _ => r.ToString(),
    };
}
