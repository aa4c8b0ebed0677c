using VisionFlow.History.Format;
using VisionFlow.History.Model;
using VisionFlow.History.Recording;
using VisionFlow.History.Store;

namespace VisionFlow.History.Tests;

/// <summary>
/// A <c>kill -9</c> leaves whatever the process had written to the kernel, and nothing more. These tests copy the folder
/// while the recorder runs (what a kill at that instant leaves) and cut the last segment at every byte of its last
/// frame (what a kill in the middle of a write leaves), then open the copy as the next run would.
/// </summary>
public sealed class DurabilityTests
{
    [Test]
    public async Task A_kill_at_any_moment_loses_at_most_the_last_flush_interval()
    {
        await using var h = HistoryFixture.Create();
        for (var second = 0; second < 5; second++)
        {
            for (var i = 0; i < 10; i++)
            {
                await h.AdvanceAsync(TimeSpan.FromMilliseconds(100));
                using var b = h.Recorder.Begin();
                b.AgentAdded($"s{second}-{i}", [new(AgentField.Status, "idle")]);
            }

            // The flush tick fired at the whole second; wait for the writer loop to have handed it to the kernel.
            await h.Recorder.FlushAsync();
            var copy = CopyOf(h.Directory);
            // Read the copy as the next run finds it (opening it cuts any torn tail), without that run's own first
            // keyframe, which would state "nothing yet" at the same moment.
            using (var store = HistoryStore.Open(copy, h.Options.MaxBytes, h.Options.Retention, h.Options.SegmentBytes))
            {
                var state = new Query.HistoryReader(store).StateAt(h.Time.GetUtcNow()).State!;
                await Assert.That(state.Agents.Count).IsEqualTo((second + 1) * 10);
            }

            Directory.Delete(copy, true);
        }
    }

    [Test]
    public async Task A_torn_tail_at_any_byte_is_dropped_and_the_store_reads_up_to_its_last_whole_frame()
    {
        await using var h = HistoryFixture.Create();
        using (var b = h.Recorder.Begin())
        {
            b.AgentAdded("kept", [new(AgentField.Status, "idle")]);
        }

        await h.TickAsync();
        var kept = h.Time.GetUtcNow();
        using (var b = h.Recorder.Begin())
        {
            for (var i = 0; i < 40; i++)
            {
                b.AgentAdded($"torn-{i}", [new(AgentField.Status, "busy"), new(AgentField.Type, "coder")]);
            }
        }

        await h.TickAsync();
        var segment = h.Segments().Last();
        var index = SegmentScanner.Scan(segment, true).Index!;
        var lastFrame = index.Chunks[^1];
        var frameStart = LastFrameOffset(segment, index);
        var end = index.Length;
        await Assert.That(end - frameStart).IsGreaterThan(HistoryFormat.FrameHeaderSize);

        for (var cut = frameStart + 1; cut < end; cut += Math.Max(1, (end - frameStart) / 60))
        {
            var copy = CopyOf(h.Directory);
            var copied = Path.Combine(copy, Path.GetFileName(segment));
            using (var f = new FileStream(copied, FileMode.Open))
            {
                f.SetLength(cut);
            }

            await using (var next = new HistoryRecorder(new HistoryRecorderOptions { Directory = copy }, h.Time))
            {
                await Assert.That(next.RecoveredTornBytes).IsEqualTo(cut - frameStart);
                var state = next.Reader.StateAt(kept).State!;
                await Assert.That(state.Agents.Select(a => a.Id)).IsEquivalentTo(new[] { "kept" });

                // The next run records on top, and all of it reads back.
                using (var b = next.Begin())
                {
                    b.AgentAdded("after", []);
                }

                await next.FlushAsync();
                await Assert.That(next.Reader.StateAt(h.Time.GetUtcNow()).State!.Agents.Single().Id).IsEqualTo("after");
            }

            await Assert.That(new FileInfo(copied).Length).IsEqualTo(frameStart);
            Directory.Delete(copy, true);
        }

        await Assert.That(lastFrame.FirstMicros).IsGreaterThan(0);
    }

    [Test]
    public async Task A_restart_keeps_the_past_and_marks_the_time_it_was_down()
    {
        await using var h = HistoryFixture.Create();
        var t0 = h.Time.GetUtcNow();
        using (var b = h.Recorder.Begin())
        {
            b.AgentAdded("a1", [new(AgentField.Status, "idle")]);
        }

        await h.TickAsync();
        await h.Recorder.DisposeAsync();
        await h.AdvanceAsync(TimeSpan.FromMinutes(3));
        h.Open();
        using (var b = h.Recorder.Begin())
        {
            b.AgentAdded("a2", [new(AgentField.Status, "idle")]);
        }

        await h.TickAsync();
        var reader = h.Recorder.Reader;
        await Assert.That(reader.StateAt(t0).State!.Agents.Single().Id).IsEqualTo("a1");
        await Assert.That(reader.StateAt(h.Time.GetUtcNow()).State!.Agents.Single().Id).IsEqualTo("a2");
        var gap = reader.Events(t0, h.Time.GetUtcNow()).Events.OfType<GapRecord>().Single();
        await Assert.That(gap.Reason).IsEqualTo(GapReason.Restart);
        await Assert.That(gap.Since).IsEqualTo(t0).Because("the last moment recorded before the stop");
        await Assert.That(h.Segments().Count()).IsEqualTo(2);
    }

    [Test]
    public async Task A_damaged_byte_inside_a_closed_segment_ends_that_segment_there_and_nothing_else()
    {
        await using var h = HistoryFixture.Create(o => new() { Directory = o.Directory, KeyframeMinBytes = 1024, GaugeInterval = TimeSpan.Zero });
        var t0 = h.Time.GetUtcNow();
        for (var i = 0; i < 30; i++)
        {
            await h.AdvanceAsync(TimeSpan.FromSeconds(1));
            using var b = h.Recorder.Begin();
            b.AgentAdded($"agent-{i}", [new(AgentField.Status, "idle"), new(AgentField.Type, "coder")]);
        }

        await h.Recorder.FlushAsync();
        var segment = h.Segments().Single();
        var frames = Frames(segment).Where(f => f.Header.StoredLength > 4).ToList();
        var (offset, victim) = frames[frames.Count / 2];
        using (var f = File.OpenHandle(segment, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite))
        {
            var at = offset + HistoryFormat.FrameHeaderSize + (victim.StoredLength / 2);
            var one = new byte[1];
            RandomAccess.Read(f, one, at);
            one[0] ^= 0x5a;
            RandomAccess.Write(f, one, at);
        }

        // A checksum catches it: readers stop at that frame instead of replaying garbage; what came before still reads.
        var scan = SegmentScanner.Scan(segment, verifyChecksums: true);
        await Assert.That(scan.Tail!.Reason).Contains("checksum");
        await Assert.That(scan.Tail.Offset).IsEqualTo(offset);
        var before = Micros.ToTime(victim.FirstMicros).AddTicks(-10);
        var state = h.Recorder.Reader.StateAt(before).State!;
        await Assert.That(state.Agents.Count).IsEqualTo((int)((before - t0).TotalSeconds));
    }

    private static IEnumerable<(long Offset, FrameHeader Header)> Frames(string path)
    {
        using var file = File.OpenHandle(path);
        var length = RandomAccess.GetLength(file);
        var head = new byte[HistoryFormat.FrameHeaderSize];
        for (long offset = HistoryFormat.FileHeaderSize; offset < length;)
        {
            RandomAccess.Read(file, head, offset);
            FrameHeader.TryRead(head, out var frame, out _);
            yield return (offset, frame);
            offset += frame.TotalLength;
        }
    }

    private static long LastFrameOffset(string path, SegmentIndex index)
    {
        // Walk the frame headers of the last chunk to find where its last frame starts.
        var chunk = index.Chunks[^1];
        using var file = File.OpenHandle(path);
        var offset = chunk.Offset;
        var head = new byte[HistoryFormat.FrameHeaderSize];
        while (true)
        {
            RandomAccess.Read(file, head, offset);
            FrameHeader.TryRead(head, out var frame, out _);
            if (offset + frame.TotalLength >= index.Length)
            {
                return offset;
            }

            offset += frame.TotalLength;
        }
    }

    internal static string CopyOf(string directory)
    {
        var copy = directory + "-copy-" + Guid.NewGuid().ToString("N")[..8];
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.EnumerateFiles(directory))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        return copy;
    }
}
