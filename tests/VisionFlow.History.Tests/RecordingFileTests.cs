using VisionFlow.History.Format;
using VisionFlow.History.Model;
using VisionFlow.History.Query;

namespace VisionFlow.History.Tests;

/// <summary>An exported range is one self-contained file that replays the same moments; a file that is not one, or
/// was cut short, gets a clear answer.</summary>
public sealed class RecordingFileTests
{
    [Test]
    public async Task An_exported_range_replays_the_same_states_and_events()
    {
        await using var h = await RecordedAsync();
        var t0 = HistoryFixture.Start;
        var path = Path.Combine(h.Directory, "..", Guid.NewGuid().ToString("N") + ".vfrec");
        long written;
        await using (var file = File.Create(path))
        {
            written = h.Recorder.Reader.Export(t0.AddSeconds(10), t0.AddSeconds(40), file);
        }

        try
        {
            var recording = RecordingFile.Open(path, out var error);
            await Assert.That(error).IsNull();
            await Assert.That(recording!.Warning).IsNull();
            var summary = recording.Reader.Summary();
            await Assert.That(summary.First).IsEqualTo(t0.AddSeconds(10));
            await Assert.That(summary.Last!.Value).IsLessThanOrEqualTo(t0.AddSeconds(40));
            await Assert.That(summary.Events).IsEqualTo(written);
            foreach (var s in new[] { 10, 15, 22.5, 33, 40 })
            {
                var at = t0.AddSeconds(s);
                await Assert.That(Describe(recording.Reader.StateAt(at).State!)).IsEqualTo(Describe(h.Recorder.Reader.StateAt(at).State!));
            }

            var fromStore = h.Recorder.Reader.Events(t0.AddSeconds(10.001), t0.AddSeconds(40), "agent-3").Events;
            var fromFile = recording.Reader.Events(t0.AddSeconds(10.001), t0.AddSeconds(40), "agent-3").Events;
            await Assert.That(fromFile.Count).IsGreaterThan(0);
            await Assert.That(fromFile.Select(e => e.ToString())).IsEquivalentTo(fromStore.Select(e => e.ToString()));
            await Assert.That(recording.Reader.StateAt(t0).Outcome).IsEqualTo(StateAtOutcome.BeforeFirst);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    [Arguments("text")]
    [Arguments("empty")]
    [Arguments("newer")]
    [Arguments("random")]
    public async Task A_file_that_is_not_a_recording_is_refused_in_one_line(string what)
    {
        var path = Path.GetTempFileName();
        try
        {
            byte[] bytes = what switch
            {
                "text" => "{\"agents\": []}\n"u8.ToArray(),
                "empty" => [],
                "newer" => Newer(),
                _ => [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 % 251))],
            };
            await File.WriteAllBytesAsync(path, bytes);
            var recording = RecordingFile.Open(path, out var error);
            await Assert.That(recording).IsNull();
            await Assert.That(error!).DoesNotContain("\n");
            await Assert.That(error!).Contains(what == "newer" ? "newer history format" : "not a recording");
        }
        finally
        {
            File.Delete(path);
        }

        static byte[] Newer()
        {
            var header = new byte[HistoryFormat.FileHeaderSize];
            new FileHeader(FileKind.Recording, 0, 0).Write(header);
            header[8] = 9;
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(28), Crc32C.Compute(header.AsSpan(0, 28)));
            return header;
        }
    }

    [Test]
    public async Task A_truncated_recording_replays_up_to_its_last_whole_record_with_a_warning()
    {
        await using var h = await RecordedAsync();
        var t0 = HistoryFixture.Start;
        var path = Path.Combine(h.Directory, "..", Guid.NewGuid().ToString("N") + ".vfrec");
        await using (var file = File.Create(path))
        {
            h.Recorder.Reader.Export(t0, t0.AddMinutes(5), file);
        }

        try
        {
            var whole = RecordingFile.Open(path, out _)!;
            var all = whole.Reader.Events(t0, t0.AddMinutes(5), limit: HistoryReader.MaxPage).Events.Select(e => e.ToString()).ToList();
            var length = new FileInfo(path).Length;

            // Cut in the middle of the last frame's payload.
            using (var f = new FileStream(path, FileMode.Open))
            {
                f.SetLength(length - 200);
            }

            var cut = RecordingFile.Open(path, out var error);
            await Assert.That(error).IsNull();
            await Assert.That(cut!.Warning!).Contains("truncated");
            await Assert.That(cut.Warning!).Contains("last whole record");
            var replayed = cut.Reader.Events(t0, t0.AddMinutes(5), limit: HistoryReader.MaxPage).Events.Select(e => e.ToString()).ToList();
            await Assert.That(replayed.Count).IsLessThan(all.Count);
            await Assert.That(replayed.Count).IsGreaterThan(0);
            await Assert.That(replayed).IsEquivalentTo(all.Take(replayed.Count));
            await Assert.That(cut.Tail.Count).IsGreaterThan(0).Because("the whole records at the start of the cut frame are recovered");
            var last = cut.Reader.Summary().Last!.Value;
            await Assert.That(cut.Reader.StateAt(last).State!.Agents.Count).IsGreaterThan(0);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<HistoryFixture> RecordedAsync()
    {
        var h = HistoryFixture.Create(o => new() { Directory = o.Directory, KeyframeMinBytes = 8192 });
        var random = new Random(11);
        for (var step = 0; step < 600; step++)
        {
            await h.AdvanceAsync(TimeSpan.FromMilliseconds(100));
            using (var b = h.Recorder.Begin())
            {
                var id = $"agent-{random.Next(12)}";
                b.AgentChanged(id, [new(AgentField.Status, random.Next(2) == 0 ? "busy" : "idle"), new(AgentField.CpuUsage, (float)random.NextDouble())]);
                if (step % 50 == 0)
                {
                    b.Degradation(step / 50 % 4, (step / 50 + 1) % 4, "test");
                    b.Command("127.0.0.1", "POST /api/bots/tasks", id, "{}", 201, "{}", TimeSpan.FromMilliseconds(4));
                }
            }

            if (step % 30 == 0)
            {
                h.Recorder.Positions([new(0x8000_0001, step, 2, 3), new(0x8000_0002, 4, step, 6)]);
            }
        }

        await h.Recorder.FlushAsync();
        return h;
    }

    private static string Describe(Query.StateAtResult r) => Describe(r.State!);

    private static string Describe(State.HistoryStateView s) =>
        string.Join(";", s.Agents.Select(a => a.Id + "=" + string.Join(",", a.Fields.Select(f => $"{f.Field}:{f.Value}"))))
        + $"|level {s.DegradationLevel}|positions {s.Positions?.Nodes.Count}";
}
