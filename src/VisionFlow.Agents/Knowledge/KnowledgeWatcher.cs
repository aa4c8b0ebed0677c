namespace VisionFlow.Agents.Knowledge;

/// <summary>
/// Follows a folder of notes: file-system events (re)arm one debounce timer on the <see cref="TimeProvider"/>, and when
/// it fires the folder is reloaded and the new set raised (<see cref="Reloaded"/>) for the graph to show. A watcher
/// overflow also schedules a full reload, so no change is lost.
/// </summary>
public sealed class KnowledgeWatcher : IDisposable
{
    private readonly string _folder;
    private readonly KnowledgeLimits _limits;
    private readonly TimeSpan _debounce;
    private readonly ITimer _timer;
    private readonly Lock _reloadGate = new();
    private FileSystemWatcher? _watcher;
    private long _reloads;
    private long _failures;
    private bool _disposed;

    /// <summary>Watches <paramref name="folder"/>; call <see cref="Start"/> to load and begin watching.</summary>
    public KnowledgeWatcher(string folder, TimeProvider timeProvider, TimeSpan debounce)
        : this(folder, timeProvider, debounce, null)
    {
    }

    /// <summary>As <see cref="KnowledgeWatcher(string, TimeProvider, TimeSpan)"/>, loading within <paramref name="limits"/>.</summary>
    internal KnowledgeWatcher(string folder, TimeProvider timeProvider, TimeSpan debounce, KnowledgeLimits? limits)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _folder = Path.GetFullPath(folder);
        _limits = limits ?? new KnowledgeLimits();
        _debounce = debounce;
        _timer = timeProvider.CreateTimer(static state => ((KnowledgeWatcher)state!).Reload(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Raised after each reload (on the timer's thread) with the set loaded.</summary>
    public event Action<KnowledgeSet>? Reloaded;

    /// <summary>Reloads done (including the first load).</summary>
    public long Reloads => Interlocked.Read(ref _reloads);

    /// <summary>Reloads that failed (folder gone, I/O error); the last set stays shown.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>The last reload error, if any.</summary>
    public Exception? LastError { get; private set; }

    /// <summary>Loads the folder now and starts watching it.</summary>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!Directory.Exists(_folder)) throw new DirectoryNotFoundException($"knowledge folder not found: {_folder}");
        Reload();
        var watcher = new FileSystemWatcher(_folder)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
            InternalBufferSize = 64 * 1024,
        };
        watcher.Changed += OnChanged;
        watcher.Created += OnChanged;
        watcher.Deleted += OnChanged;
        watcher.Renamed += OnChanged;
        watcher.Error += (_, _) => Schedule();
        watcher.EnableRaisingEvents = true;
        _watcher = watcher;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _watcher?.Dispose();
        _timer.Dispose();
    }

    private void OnChanged(object sender, FileSystemEventArgs e)
    {
        if (e is RenamedEventArgs renamed && (KnowledgeLoader.IsMarkdown(renamed.OldFullPath) || KnowledgeLoader.IsMarkdown(renamed.FullPath))) Schedule();
        else if (KnowledgeLoader.IsMarkdown(e.FullPath) || e.ChangeType == WatcherChangeTypes.Deleted || Directory.Exists(e.FullPath)) Schedule();
    }

    private void Schedule()
    {
        if (!_disposed) _timer.Change(_debounce, Timeout.InfiniteTimeSpan);
    }

    private void Reload()
    {
        KnowledgeSet set;
        lock (_reloadGate)
        {
            if (_disposed) return;
            try
            {
                set = KnowledgeLoader.LoadFolder(_folder, _limits);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Interlocked.Increment(ref _failures);
                LastError = ex;
                return;
            }

            Interlocked.Increment(ref _reloads);
        }

        Reloaded?.Invoke(set);
    }
}
