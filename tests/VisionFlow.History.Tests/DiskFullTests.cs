using VisionFlow.Testing;
using VisionFlow.History.Model;
using VisionFlow.History.Recording;

namespace VisionFlow.History.Tests;

/// <summary>
/// A full disk, for real: a 1 MiB tmpfs mounted for the test (root only; CI runs as root). Recording pauses with a
/// status the health endpoint words as <c>paused (disk full)</c>, the callers never see an exception, and recording
/// resumes with a keyframe and a gap once there is room again.
/// </summary>
[NotInParallel("tmpfs")]
public sealed class DiskFullTests
{
    [Test]
    public async Task A_full_disk_pauses_recording_and_it_resumes_when_there_is_room()
    {
        using var disk = SmallDisk.TryMount("1m");
        if (disk is null)
        {
            Skip.Test("mounting a size-limited tmpfs needs root (CI runs as root)");
            return;
        }

        var mount = disk.Path;
        var filler = Path.Combine(mount, "filler");
        await using var h = HistoryFixture.Create(o => new() { Directory = o.Directory, MaxBytes = 64L * 1024 * 1024, GaugeInterval = TimeSpan.Zero }, Path.Combine(mount, "history"));
        using (var b = h.Recorder.Begin())
        {
            b.AgentAdded("before", [new(AgentField.Status, "idle")]);
        }

        await h.TickAsync();
        var pausedAt = h.Time.GetUtcNow();

        // Something else fills the disk.
        disk.Fill();

        var random = new Random(1);
        for (var i = 0; i < 50 && h.Recorder.Status.State == RecordingState.Recording; i++)
        {
            using (var b = h.Recorder.Begin())
            {
                for (var a = 0; a < 200; a++)
                {
                    b.AgentChanged($"flood-{a}", [new(AgentField.CpuUsage, (float)random.NextDouble())]);
                }
            }

            await h.TickAsync();
        }

        var status = h.Recorder.Status;
        await Assert.That(status.State).IsEqualTo(RecordingState.Paused);
        await Assert.That(status.Words).IsEqualTo("paused (disk full)");

        // Recording calls go on without effect or exception while paused.
        using (var b = h.Recorder.Begin())
        {
            b.AgentAdded("while-full", [new(AgentField.Status, "idle")]);
        }

        await h.TickAsync(2);
        await Assert.That(h.Recorder.Status.State).IsEqualTo(RecordingState.Paused);
        await Assert.That(h.Recorder.Reader.StateAt(pausedAt).State!.Agents.Select(a => a.Id)).Contains("before");

        // Room again: within a retry interval the recorder writes a keyframe of the state as it is now, and a gap.
        File.Delete(filler);
        await h.TickAsync((int)(h.Options.RetryInterval / h.Options.FlushInterval) + 1);
        await Assert.That(h.Recorder.Status.State).IsEqualTo(RecordingState.Recording);
        await Assert.That(h.Recorder.Status.DroppedRecords).IsGreaterThan(0);
        var now = h.Recorder.Reader.StateAt(h.Time.GetUtcNow()).State!;
        await Assert.That(now.Agents.Select(a => a.Id)).Contains("while-full");
        await Assert.That(now.LastGap!.Reason).IsEqualTo(GapReason.DiskFull);
    }
}
