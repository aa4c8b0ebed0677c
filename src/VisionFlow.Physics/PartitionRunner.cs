namespace VisionFlow.Physics;

/// <summary>
/// Runs a partitioned body on a fixed set of worker threads plus the caller, without allocating per run
/// (<c>Parallel.For</c> allocates its bookkeeping every call). Partitions are claimed dynamically; callers keep results
/// deterministic by writing each partition's output to its own slots.
/// </summary>
internal sealed class PartitionRunner : IDisposable
{
    private readonly Thread[] _threads;
    private readonly SemaphoreSlim[] _start;
    private readonly CountdownEvent _done;
    private Action<int>? _body;
    private int _partitions;
    private int _next;
    private volatile bool _stopping;
    private Exception? _failure;

    public PartitionRunner(int workers)
    {
        // The caller is one of the workers, so only workers - 1 threads are started.
        var extra = Math.Max(0, workers - 1);
        _threads = new Thread[extra];
        _start = new SemaphoreSlim[extra];
        _done = new CountdownEvent(Math.Max(1, extra));
        for (var t = 0; t < extra; t++)
        {
            _start[t] = new SemaphoreSlim(0);
            var index = t;
            _threads[t] = new Thread(() => WorkerLoop(index)) { IsBackground = true, Name = $"VisionFlow physics {t + 1}" };
            _threads[t].Start();
        }
    }

    public int Workers => _threads.Length + 1;

    public void Run(int partitions, Action<int> body)
    {
        if (_threads.Length == 0 || partitions <= 1)
        {
            for (var p = 0; p < partitions; p++) body(p);
            return;
        }
        _body = body;
        _partitions = partitions;
        _failure = null;
        Volatile.Write(ref _next, 0);
        _done.Reset(_threads.Length);
        foreach (var s in _start) s.Release();
        try
        {
            Drain();
        }
        finally
        {
            // Even when the caller's share throws, wait for the workers so the next run starts clean.
            _done.Wait();
            _body = null;
        }
        if (_failure is { } failure) throw new AggregateException(failure);
    }

    public void Dispose()
    {
        _stopping = true;
        foreach (var s in _start) s.Release();
        foreach (var t in _threads) t.Join();
        foreach (var s in _start) s.Dispose();
        _done.Dispose();
    }

    private void WorkerLoop(int index)
    {
        while (true)
        {
            _start[index].Wait();
            if (_stopping) return;
            try
            {
                Drain();
            }
#pragma warning disable CA1031 // Surfaced to the caller of Run, which rethrows it.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Interlocked.CompareExchange(ref _failure, ex, null);
            }
            _done.Signal();
        }
    }

    private void Drain()
    {
        var body = _body!;
        int p;
        while ((p = Interlocked.Increment(ref _next) - 1) < _partitions) body(p);
    }
}
