using VisionFlow.History.Model;
using VisionFlow.History.Recording;

namespace VisionFlow.History.Tests;

/// <summary>The store stays inside its size and age bounds under a flood, oldest first, and recording allocates nothing.</summary>
public sealed class LimitsTests
{
    [Test]
    public async Task The_store_never_holds_more_than_its_max_bytes_under_a_flood()
    {
        const long max = 1024 * 1024;
        await using var h = HistoryFixture.Create(o => new() { Directory = o.Directory, MaxBytes = max, GaugeInterval = TimeSpan.Zero });
        var random = new Random(3);
        var t0 = h.Time.GetUtcNow();
        for (var tick = 0; tick < 200; tick++)
        {
            for (var sub = 0; sub < 10; sub++)
            {
                await h.AdvanceAsync(TimeSpan.FromMilliseconds(100));
                using var b = h.Recorder.Begin();
                for (var a = 0; a < 100; a++)
                {
                    // Noise does not compress: the worst case for the bound.
                    b.AgentChanged($"agent-{a:D4}", [new(AgentField.CpuUsage, (float)random.NextDouble()), new(AgentField.MemoryUsage, (float)random.NextDouble())]);
                }
            }

            await h.Recorder.FlushAsync();
            var total = h.Segments().Sum(f => new FileInfo(f).Length);
            await Assert.That(total).IsLessThanOrEqualTo(max);
        }

        var summary = h.Recorder.Reader.Summary();
        await Assert.That(summary.First!.Value).IsGreaterThan(t0).Because("the oldest segments went");
        var state = h.Recorder.Reader.StateAt(h.Time.GetUtcNow()).State!;
        await Assert.That(state.Agents.Count).IsEqualTo(100);
        await Assert.That(h.Recorder.Status.State).IsEqualTo(RecordingState.Recording);
    }

    [Test]
    public async Task A_flood_that_never_lets_the_tick_run_still_rolls_segments_at_their_size()
    {
        // No clock advance: the once-a-second tick never runs, as when a flood holds the recorder's lock back to back.
        const long max = 1024 * 1024;
        await using var h = HistoryFixture.Create(o => new() { Directory = o.Directory, MaxBytes = max, GaugeInterval = TimeSpan.Zero });
        var random = new Random(9);
        for (var round = 0; round < 400; round++)
        {
            using (var b = h.Recorder.Begin())
            {
                for (var a = 0; a < 100; a++)
                {
                    b.AgentChanged($"agent-{a:D4}", [new(AgentField.CpuUsage, (float)random.NextDouble()), new(AgentField.MemoryUsage, (float)random.NextDouble())]);
                }
            }

            await h.Recorder.WhenWrittenAsync();
        }

        await h.Recorder.FlushAsync();
        var sizes = h.Segments().Select(f => new FileInfo(f).Length).ToList();
        await Assert.That(sizes.Count).IsGreaterThan(2);
        await Assert.That(sizes.Max()).IsLessThanOrEqualTo(h.Options.SegmentBytes + (2 * h.Options.BlockBytes)).Because("a segment is rolled at its size, tick or not");
        await Assert.That(sizes.Sum()).IsLessThanOrEqualTo(max);
    }

    [Test]
    public async Task Segments_older_than_the_retention_go()
    {
        await using var h = HistoryFixture.Create(o => new() { Directory = o.Directory, Retention = TimeSpan.FromMinutes(2) });
        var t0 = h.Time.GetUtcNow();
        for (var s = 0; s < 10 * 60; s++)
        {
            await h.AdvanceAsync(TimeSpan.FromSeconds(1));
            using var b = h.Recorder.Begin();
            b.AgentChanged("a1", [new(AgentField.Status, s % 2 == 0 ? "busy" : "idle")]);
        }

        await h.Recorder.FlushAsync();
        var summary = h.Recorder.Reader.Summary();
        var now = h.Time.GetUtcNow();

        // Retention 2 min; segments roll every minute (a sixteenth of the retention, at least a minute), so at most
        // one segment's age beyond the retention is still there.
        await Assert.That(summary.First!.Value).IsGreaterThanOrEqualTo(now - TimeSpan.FromMinutes(3));
        await Assert.That(summary.First.Value).IsGreaterThan(t0);
        await Assert.That(h.Recorder.Reader.StateAt(now).State!.Agents.Single().Get(AgentField.Status).AsText).IsEqualTo("idle").Because("the last of 600 alternating changes");
    }

    [Test]
    public async Task Recording_a_change_allocates_nothing_in_steady_state()
    {
        await using var h = HistoryFixture.Create(o => new() { Directory = o.Directory, GaugeInterval = TimeSpan.Zero });
        var ids = Enumerable.Range(0, 1000).Select(i => $"agent-{i:D4}").ToArray();
        var statuses = new[] { "idle", "busy" };
        void Round(int r)
        {
            using var b = h.Recorder.Begin();
            foreach (var id in ids)
            {
                b.AgentChanged(id, [new(AgentField.Status, statuses[r & 1]), new(AgentField.CpuUsage, (float)r), new(AgentField.TokensUsed, (long)r)]);
            }
        }

        for (var r = 0; r < 20; r++)
        {
            Round(r);
            await h.Recorder.FlushAsync();
        }

        // The writer loop returns frames to the pool as it goes; measure this thread's allocations across many frames.
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var r = 20; r < 40; r++)
        {
            Round(r);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        await Assert.That(allocated / (20.0 * ids.Length)).IsLessThan(1.0).Because($"{allocated} bytes for {20 * ids.Length} changes");
    }

    [Test]
    public async Task Options_out_of_range_are_refused_by_name()
    {
        await Assert.That(new HistoryRecorderOptions { Directory = "x", MaxBytes = 1000 }.Validate()).Contains("max bytes");
        await Assert.That(new HistoryRecorderOptions { Directory = "x", Retention = TimeSpan.FromSeconds(5) }.Validate()).Contains("retention");
        await Assert.That(new HistoryRecorderOptions { Directory = "x", FlushInterval = TimeSpan.FromSeconds(5) }.Validate()).Contains("flush interval");
        await Assert.That(new HistoryRecorderOptions { Directory = " " }.Validate()).Contains("directory");
        await Assert.That(new HistoryRecorderOptions { Directory = "x" }.Validate()).IsNull();
        await Assert.That(() => new HistoryRecorder(new HistoryRecorderOptions { Directory = "x", MaxBytes = 5 })).Throws<ArgumentException>();
    }
}
