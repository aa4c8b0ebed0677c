namespace VisionFlow.History.Recording;

/// <summary>Whether history is being written.</summary>
public enum RecordingState
{
    /// <summary>Changes are written as they come.</summary>
    Recording,

    /// <summary>Writing failed (see <see cref="HistoryStatus.Reason"/>); changes are dropped until a retry succeeds. The service goes on serving.</summary>
    Paused,

    /// <summary>The recorder was stopped.</summary>
    Stopped,
}

/// <summary>Why recording paused.</summary>
public enum PauseReason
{
    /// <summary>Not paused.</summary>
    None,

    /// <summary>The file system said there is no space left (or the quota is spent).</summary>
    DiskFull,

    /// <summary>Another write failure (permissions, I/O error); <see cref="HistoryStatus.Detail"/> says which.</summary>
    WriteError,
}

/// <summary>The recorder's state as the health endpoint shows it.</summary>
public sealed record HistoryStatus(RecordingState State, PauseReason Reason, string? Detail, DateTimeOffset? Since, long DroppedRecords)
{
    /// <summary>The health line's words: <c>recording</c>, <c>paused (disk full)</c>, <c>paused (write error: …)</c>, <c>stopped</c>.</summary>
    public string Words => State switch
    {
        RecordingState.Recording => "recording",
        RecordingState.Paused when Reason == PauseReason.DiskFull => "paused (disk full)",
        RecordingState.Paused => $"paused (write error: {Detail})",
        _ => "stopped",
    };
}
