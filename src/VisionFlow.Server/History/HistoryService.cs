using Microsoft.Extensions.Logging;
using VisionFlow.History.Query;
using VisionFlow.History.Recording;
using VisionFlow.Server.Configuration;

namespace VisionFlow.Server.History;

/// <summary>
/// The service's history: the recorder over the history folder (the one owner of that folder, held by a lock file so a
/// second service on it records nothing instead of corrupting it), or a recording opened for <c>visionflow replay</c>,
/// or nothing (switched off, or the folder cannot be used: the service runs on and the health line says why).
/// </summary>
internal sealed partial class HistoryService : IAsyncDisposable
{
    private const string LockName = ".lock";
    private readonly FileStream? _lock;

    private HistoryService(HistoryRecorder? recorder, HistoryReader? reader, string? folder, string? replayFile, string? unavailable, FileStream? folderLock, string? warning = null)
    {
        Warning = warning;
        Recorder = recorder;
        Reader = reader;
        Folder = folder;
        ReplayFile = replayFile;
        Unavailable = unavailable;
        _lock = folderLock;
    }

    /// <summary>The recorder, while recording live (null when off, unusable or replaying).</summary>
    public HistoryRecorder? Recorder { get; }

    /// <summary>Queries over what was recorded, or over the replayed file; null when there is no history.</summary>
    public HistoryReader? Reader { get; }

    /// <summary>The history folder (live).</summary>
    public string? Folder { get; }

    /// <summary>The recording being replayed; null when live.</summary>
    public string? ReplayFile { get; }

    /// <summary>Serving a recording read-only (<c>visionflow replay</c>).</summary>
    public bool IsReplay => ReplayFile is not null;

    /// <summary>A truncated recording's warning (replay).</summary>
    public string? Warning { get; }

    /// <summary>Why there is no history, when there is none.</summary>
    public string? Unavailable { get; }

    /// <summary>Opens the history folder the options name (or the default one) and starts recording; never throws for a
    /// folder that cannot be used: the service goes on without history and says why.</summary>
    public static HistoryService Live(ServerOptions options, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(options);
        var logger = loggers.CreateLogger("VisionFlow.History");
        if (!options.History)
        {
            return new HistoryService(null, null, null, null, $"switched off ({Settings.History.Env}=false)", null);
        }

        var folder = options.HistoryFolderOrDefault(Environment.GetEnvironmentVariable);
        FileStream? folderLock = null;
        try
        {
            Directory.CreateDirectory(folder);

            // FileShare.None is an exclusive flock on Linux: held by this process until it exits, however it exits.
            folderLock = new FileStream(Path.Combine(folder, LockName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            var recorder = new HistoryRecorder(
                new HistoryRecorderOptions { Directory = folder, MaxBytes = options.HistoryMaxBytes, Retention = options.HistoryRetention },
                time,
                loggers.CreateLogger("VisionFlow.History.Recorder"));
            Log.Recording(logger, folder, options.HistoryMaxBytes, options.HistoryRetention.TotalDays);
            return new HistoryService(recorder, recorder.Reader, folder, null, null, folderLock);
        }
        catch (IOException ex) when (folderLock is null && Directory.Exists(folder))
        {
            var why = $"{folder} is in use by another visionflow ({ex.Message})";
            Log.NotRecording(logger, why);
            return new HistoryService(null, null, folder, null, why, null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            folderLock?.Dispose();
            var why = $"cannot record into {folder}: {ex.Message}";
            Log.NotRecording(logger, why);
            return new HistoryService(null, null, folder, null, why, null);
        }
    }

    /// <summary>A recording served read-only.</summary>
    public static HistoryService Replay(string path, RecordingFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return new HistoryService(null, file.Reader, null, Path.GetFullPath(path), null, null, file.Warning);
    }

    /// <summary>Whether history was switched off by configuration (rather than unusable).</summary>
    public bool SwitchedOff => Recorder is null && ReplayFile is null && Folder is null;

    public async ValueTask DisposeAsync()
    {
        if (Recorder is { } recorder)
        {
            await recorder.DisposeAsync().ConfigureAwait(false);
        }

        if (_lock is { } held)
        {
            await held.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6101, Level = LogLevel.Information, Message = "History: recording to {Folder} (at most {MaxBytes} bytes, {RetentionDays} days)")]
        public static partial void Recording(ILogger logger, string folder, long maxBytes, double retentionDays);

        [LoggerMessage(EventId = 6102, Level = LogLevel.Warning, Message = "History: not recording: {Reason}")]
        public static partial void NotRecording(ILogger logger, string reason);
    }
}
