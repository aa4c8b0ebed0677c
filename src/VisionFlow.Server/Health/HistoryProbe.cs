using VisionFlow.History.Recording;
using VisionFlow.Server.History;
using VisionFlow.Server.Runtime;

namespace VisionFlow.Server.Health;

/// <summary>History: recording, paused and why (<c>paused (disk full)</c>: degraded, the service goes on), replaying, or off.</summary>
internal sealed class HistoryProbe(RuntimeStart runtime) : ISubsystemProbe
{
    public SubsystemStatus Probe()
    {
        // The folder is opened after the listener, with the runtime; a health probe never opens it itself.
        if (runtime.History is not { } history)
        {
            return RuntimeProbe.NotYet("history", runtime);
        }

        if (history.ReplayFile is { } file)
        {
            return new("history", SubsystemState.Up, $"replaying {file} (read-only)");
        }

        if (history.Recorder is not { } recorder)
        {
            return new("history", history.SwitchedOff ? SubsystemState.Disabled : SubsystemState.Down, history.Unavailable ?? "off");
        }

        var status = recorder.Status;
        return status.State switch
        {
            RecordingState.Recording => new("history", SubsystemState.Up, $"recording to {history.Folder}"),
            RecordingState.Paused => new("history", SubsystemState.Degraded,
                $"{status.Words} since {status.Since:O}: the service goes on, recording resumes by itself ({status.DroppedRecords} records dropped so far)"),
            _ => new("history", SubsystemState.Down, status.Words),
        };
    }
}
