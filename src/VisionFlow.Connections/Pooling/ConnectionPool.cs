using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace VisionFlow.Connections.Pooling;

/// <summary>A bounded pool of connections leased one holder at a time, with health checks, eviction and a wait queue.</summary>
/// <remarks>
/// Why a lease is exclusive even though JSON-RPC could pipeline many requests over one socket (replies correlate by id,
/// and the Claude Flow bridge routes replies back by id): the engine already pipelines within one connection, so a
/// holder that wants fan-out rents once and issues concurrent requests on it. Making the pool itself share connections
/// would blur the things the pool exists to measure and bound: "active" vs "idle" (the network health contract's pool
/// gauges and the utilisation rule of the adaptive tuner), and failure blast radius (a connection that dies takes only
/// its holder's requests with it, and is marked broken and closed on return). Exclusive leases keep both exact and
/// lock-cheap.
/// All state lives under one lock; connection I/O (create, health check, dispose) always runs outside it.
/// </remarks>
internal sealed class ConnectionPool<TConnection> : IResizablePool, IAsyncDisposable
    where TConnection : class, IPooledConnection
{
    private readonly Func<CancellationToken, ValueTask<TConnection>> _factory;
    private readonly ConnectionPoolOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Stack<PoolSlot<TConnection>> _idle = new();
    private readonly Queue<Waiter> _waiters = new();
    private readonly ITimer? _maintenanceTimer;
    private int _waiting;
    private int _total;
    private int _leased;
    private int _maxConnections;
    private int _maintaining;
    private bool _disposed;
    private long _rents;
    private long _creations;
    private long _creationFailures;
    private long _reuses;
    private long _exhaustions;
    private long _healthCheckFailures;
    private long _evictions;

    /// <summary>Creates a pool that opens connections with <paramref name="factory"/>.</summary>
    public ConnectionPool(
        Func<CancellationToken, ValueTask<TConnection>> factory,
        ConnectionPoolOptions options,
        TimeProvider? timeProvider = null,
        ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _factory = factory;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _maxConnections = options.MaxConnections;
        if (options.MaintenanceInterval > TimeSpan.Zero)
        {
            _maintenanceTimer = _time.CreateTimer(
                static state => ((ConnectionPool<TConnection>)state!).OnMaintenanceTimer(),
                this,
                options.MaintenanceInterval,
                options.MaintenanceInterval);
        }
    }

    /// <inheritdoc />
    public int MaxConnections => Volatile.Read(ref _maxConnections);

    /// <inheritdoc />
    public int BaselineMaxConnections => _options.MaxConnections;

    /// <inheritdoc />
    public int HardMaxConnections => _options.HardMaxConnections;

    /// <summary>Entries in the wait queue, abandoned ones included (for tests of the purge).</summary>
    internal int QueuedWaiterEntries
    {
        get
        {
            lock (_lock)
            {
                return _waiters.Count;
            }
        }
    }

    /// <summary>The options the pool was created with.</summary>
    public ConnectionPoolOptions Options => _options;

    /// <summary>Leases a connection: an idle one (health-checked when configured), a new one while under the maximum, or the next one returned.</summary>
    /// <exception cref="PoolExhaustedException">The pool is full and the wait queue is full or the wait timed out.</exception>
    public ValueTask<PoolLease<TConnection>> RentAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            PoolSlot<TConnection>? slot = null;
            Waiter? waiter = null;
            var create = false;
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_idle.TryPop(out slot))
                {
                    _leased++;
                }
                else if (_total < _maxConnections)
                {
                    _total++;
                    _leased++;
                    create = true;
                }
                else if (_waiting < _options.MaxWaitQueue && _options.WaitTimeout > TimeSpan.Zero)
                {
                    waiter = new Waiter();
                    PurgeAbandonedWaiters_NeedsLock();
                    _waiters.Enqueue(waiter);
                    _waiting++;
                }
            }

            if (slot is not null)
            {
                // No clock read here: lifetime is enforced on return and by maintenance, so an idle connection is handed
                // out at most one maintenance interval past its lifetime. A clock read costs 25-130 ns on the VMs we run
                // on (more under load), comparable to the rest of a rent/return cycle.
                if (!slot.Connection.IsAlive)
                {
                    Evict(slot, leased: true, "dead on borrow");
                    continue;
                }

                if (_options.HealthCheckOnBorrow)
                {
                    ValueTask<bool> check;
                    try
                    {
                        check = slot.Connection.CheckHealthAsync(cancellationToken);
                    }
#pragma warning disable CA1031 // a throwing health check means unhealthy, whatever it threw
                    catch (Exception ex)
#pragma warning restore CA1031
                    {
                        check = ValueTask.FromException<bool>(ex);
                    }

                    if (!check.IsCompletedSuccessfully)
                    {
                        return RentAfterHealthCheckAsync(slot, check, cancellationToken);
                    }

                    if (!check.Result)
                    {
                        Interlocked.Increment(ref _healthCheckFailures);
                        Evict(slot, leased: true, "failed health check on borrow");
                        continue;
                    }
                }

                return new ValueTask<PoolLease<TConnection>>(LeaseReused(slot));
            }

            if (create)
            {
                return CreateLeasedAsync(cancellationToken);
            }

            if (waiter is not null)
            {
                return WaitAsync(waiter, cancellationToken);
            }

            Interlocked.Increment(ref _exhaustions);
            throw new PoolExhaustedException(MaxConnections, Volatile.Read(ref _waiting), TimeSpan.Zero);
        }
    }

    /// <summary>Evicts idle connections past their idle timeout (down to the minimum) or lifetime, and refills to the minimum.</summary>
    public async Task RunMaintenanceAsync(CancellationToken cancellationToken = default)
    {
        List<PoolSlot<TConnection>>? evicted = null;
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            if (_idle.Count > 0)
            {
                // Stack order is most-recently-used first; keep that order and drop from the cold end first.
                var slots = _idle.ToArray();
                _idle.Clear();
                var kept = new List<PoolSlot<TConnection>>(slots.Length);
                var total = _total;
                for (var i = slots.Length - 1; i >= 0; i--)
                {
                    var s = slots[i];
                    var idleExpired = now - s.LastUsedAt >= _options.IdleTimeout && total > _options.MinConnections;
                    if (!s.Connection.IsAlive || LifetimeExpired(s, now) || idleExpired || total > _maxConnections)
                    {
                        (evicted ??= []).Add(s);
                        total--;
                    }
                    else
                    {
                        kept.Add(s);
                    }
                }

                _total = total;
                for (var i = kept.Count - 1; i >= 0; i--)
                {
                    _idle.Push(kept[i]);
                }
            }
        }

        if (evicted is not null)
        {
            foreach (var s in evicted)
            {
                Interlocked.Increment(ref _evictions);
                PoolLog.Evicted(_logger, "idle/lifetime maintenance");
                await DisposeQuietlyAsync(s.Connection).ConfigureAwait(false);
            }
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            lock (_lock)
            {
                if (_disposed || _total >= _options.MinConnections || _total >= _maxConnections)
                {
                    break;
                }

                _total++;
            }

            if (!await CreateAndDeliverAsync(cancellationToken).ConfigureAwait(false))
            {
                break;
            }
        }
    }

    /// <inheritdoc />
    public int Resize(int maxConnections)
    {
        var applied = Math.Clamp(maxConnections, Math.Max(1, _options.MinConnections), _options.HardMaxConnections);
        int grow;
        lock (_lock)
        {
            _maxConnections = applied;
            grow = ReserveForWaiters_NeedsLock();
        }

        StartCreationsForWaiters(grow);
        return applied;
    }

    /// <inheritdoc />
    public ConnectionPoolStats GetStats()
    {
        lock (_lock)
        {
            return new ConnectionPoolStats(
                _leased,
                _idle.Count,
                _total,
                _maxConnections,
                _waiting,
                Interlocked.Read(ref _rents),
                Interlocked.Read(ref _creations),
                Interlocked.Read(ref _creationFailures),
                Interlocked.Read(ref _reuses),
                Interlocked.Read(ref _exhaustions),
                Interlocked.Read(ref _healthCheckFailures),
                Interlocked.Read(ref _evictions));
        }
    }

    /// <summary>Closes idle connections, fails waiters, and closes leased connections as they return.</summary>
    public async ValueTask DisposeAsync()
    {
        PoolSlot<TConnection>[] idle;
        Waiter[] waiters;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            idle = _idle.ToArray();
            _idle.Clear();
            _total -= idle.Length;
            waiters = _waiters.ToArray();
            _waiters.Clear();
            _waiting = 0;
        }

        if (_maintenanceTimer is not null)
        {
            await _maintenanceTimer.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var w in waiters)
        {
            w.TrySetException(new ObjectDisposedException(nameof(ConnectionPool<TConnection>)));
        }

        foreach (var s in idle)
        {
            await DisposeQuietlyAsync(s.Connection).ConfigureAwait(false);
        }
    }

    internal ValueTask ReturnAsync(PoolSlot<TConnection> slot, int version)
    {
        if (Interlocked.CompareExchange(ref slot.Version, version + 1, version) != version)
        {
            return default; // already returned: a double dispose of a copied lease is harmless
        }

        var now = _time.GetUtcNow();
        if (slot.Broken || !slot.Connection.IsAlive || LifetimeExpired(slot, now))
        {
            Evict(slot, leased: true, slot.Broken ? "broken" : slot.Connection.IsAlive ? "lifetime" : "dead on return");
            return default;
        }

        if (_options.HealthCheckOnReturn)
        {
            ValueTask<bool> check;
            try
            {
                check = slot.Connection.CheckHealthAsync(CancellationToken.None);
            }
#pragma warning disable CA1031 // a throwing health check means unhealthy
            catch (Exception ex)
#pragma warning restore CA1031
            {
                check = ValueTask.FromException<bool>(ex);
            }

            if (!check.IsCompletedSuccessfully)
            {
                return ReturnAfterHealthCheckAsync(slot, check);
            }

            if (!check.Result)
            {
                Interlocked.Increment(ref _healthCheckFailures);
                Evict(slot, leased: true, "failed health check on return");
                return default;
            }
        }

        slot.LastUsedAt = now;
        Deliver(slot, fromLease: true);
        return default;
    }

    private async ValueTask ReturnAfterHealthCheckAsync(PoolSlot<TConnection> slot, ValueTask<bool> check)
    {
        if (await SafeAwaitAsync(check).ConfigureAwait(false))
        {
            slot.LastUsedAt = _time.GetUtcNow();
            Deliver(slot, fromLease: true);
        }
        else
        {
            Interlocked.Increment(ref _healthCheckFailures);
            Evict(slot, leased: true, "failed health check on return");
        }
    }

    private async ValueTask<PoolLease<TConnection>> RentAfterHealthCheckAsync(
        PoolSlot<TConnection> slot, ValueTask<bool> check, CancellationToken cancellationToken)
    {
        if (await SafeAwaitAsync(check).ConfigureAwait(false))
        {
            return LeaseReused(slot);
        }

        Interlocked.Increment(ref _healthCheckFailures);
        Evict(slot, leased: true, "failed health check on borrow");
        return await RentAsync(cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<PoolLease<TConnection>> CreateLeasedAsync(CancellationToken cancellationToken)
    {
        TConnection connection;
        try
        {
            connection = await _factory(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Interlocked.Increment(ref _creationFailures);
            PoolLog.CreationFailed(_logger, ex.Message);
            int grow;
            lock (_lock)
            {
                _total--;
                _leased--;
                grow = ReserveForWaiters_NeedsLock();
            }

            StartCreationsForWaiters(grow);
            throw;
        }

        Interlocked.Increment(ref _creations);
        Interlocked.Increment(ref _rents);
        var slot = new PoolSlot<TConnection>(connection, _time.GetUtcNow());
        lock (_lock)
        {
            if (_disposed)
            {
                _total--;
                _leased--;
                _ = DisposeQuietlyAsync(connection);
                throw new ObjectDisposedException(nameof(ConnectionPool<TConnection>));
            }
        }

        return new PoolLease<TConnection>(this, slot, Volatile.Read(ref slot.Version));
    }

    private async ValueTask<PoolLease<TConnection>> WaitAsync(Waiter waiter, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        try
        {
            var slot = await waiter.Task.WaitAsync(_options.WaitTimeout, _time, cancellationToken).ConfigureAwait(false);
            return LeaseHanded(slot);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            int waiting;
            lock (_lock)
            {
                if (!waiter.TrySetCanceled(CancellationToken.None))
                {
                    // A connection was handed over in the same instant the wait gave up: take it.
                    if (waiter.Task.IsCompletedSuccessfully)
                    {
                        return LeaseHanded(waiter.Task.Result);
                    }
                }
                else
                {
                    _waiting--;
                }

                waiting = _waiting;
            }

            if (ex is OperationCanceledException)
            {
                throw;
            }

            Interlocked.Increment(ref _exhaustions);
            PoolLog.Exhausted(_logger, MaxConnections, waiting);
            throw new PoolExhaustedException(MaxConnections, waiting, _time.GetElapsedTime(started));
        }
    }

    private PoolLease<TConnection> LeaseReused(PoolSlot<TConnection> slot)
    {
        Interlocked.Increment(ref _reuses);
        Interlocked.Increment(ref _rents);
        return new PoolLease<TConnection>(this, slot, Volatile.Read(ref slot.Version));
    }

    private PoolLease<TConnection> LeaseHanded(PoolSlot<TConnection> slot)
    {
        // A connection handed over by a return is a reuse; one created for this waiter counts as a creation already.
        if (slot.LastUsedAt != slot.CreatedAt || Volatile.Read(ref slot.Version) > 0)
        {
            Interlocked.Increment(ref _reuses);
        }

        Interlocked.Increment(ref _rents);
        return new PoolLease<TConnection>(this, slot, Volatile.Read(ref slot.Version));
    }

    /// <summary>Gives a usable connection to the oldest live waiter, or parks it idle (or closes it when over limits).</summary>
    private void Deliver(PoolSlot<TConnection> slot, bool fromLease)
    {
        string? closeReason = null;
        lock (_lock)
        {
            if (fromLease)
            {
                _leased--;
            }

            if (_disposed)
            {
                closeReason = "pool disposed";
            }
            else if (_total > _maxConnections)
            {
                closeReason = "pool shrunk";
            }
            else
            {
                while (_waiters.TryDequeue(out var w))
                {
                    if (w.TrySetResult(slot))
                    {
                        _waiting--;
                        _leased++;
                        return;
                    }
                }

                if (_idle.Count < _options.MaxIdleConnections)
                {
                    _idle.Push(slot);
                    return;
                }

                closeReason = "max idle";
            }

            _total--;
        }

        Interlocked.Increment(ref _evictions);
        PoolLog.Evicted(_logger, closeReason);
        _ = DisposeQuietlyAsync(slot.Connection);
    }

    private void Evict(PoolSlot<TConnection> slot, bool leased, string reason)
    {
        int grow;
        lock (_lock)
        {
            _total--;
            if (leased)
            {
                _leased--;
            }

            grow = ReserveForWaiters_NeedsLock();
        }

        Interlocked.Increment(ref _evictions);
        PoolLog.Evicted(_logger, reason);
        _ = DisposeQuietlyAsync(slot.Connection);
        StartCreationsForWaiters(grow);
    }

    /// <summary>
    /// Timed-out waiters stay queued until a return skips them; if nothing returns for a long time (every lease held)
    /// they would pile up, so drop them once abandoned entries outnumber the live queue bound.
    /// </summary>
    private void PurgeAbandonedWaiters_NeedsLock()
    {
        if (_waiters.Count - _waiting <= Math.Max(16, _options.MaxWaitQueue))
        {
            return;
        }

        var live = _waiters.Where(static w => !w.Task.IsCompleted).ToArray();
        _waiters.Clear();
        foreach (var w in live)
        {
            _waiters.Enqueue(w);
        }
    }

    /// <summary>Reserves capacity for queued callers when there is room; the caller starts that many creations.</summary>
    private int ReserveForWaiters_NeedsLock()
    {
        if (_disposed)
        {
            return 0;
        }

        var grow = Math.Min(_waiting, _maxConnections - _total);
        if (grow <= 0)
        {
            return 0;
        }

        _total += grow;
        return grow;
    }

    private void StartCreationsForWaiters(int count)
    {
        for (var i = 0; i < count; i++)
        {
            _ = CreateAndDeliverAsync(CancellationToken.None);
        }
    }

    /// <summary>Opens a connection for capacity already reserved and delivers it; a failure is passed to the oldest waiter.</summary>
    private async Task<bool> CreateAndDeliverAsync(CancellationToken cancellationToken)
    {
        TConnection connection;
        try
        {
            connection = await _factory(cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // the failure is handed to a waiter (or logged); nothing else awaits this task
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Interlocked.Increment(ref _creationFailures);
            PoolLog.CreationFailed(_logger, ex.Message);
            lock (_lock)
            {
                _total--;
                while (_waiters.TryDequeue(out var w))
                {
                    if (w.TrySetException(ex))
                    {
                        _waiting--;
                        break;
                    }
                }
            }

            return false;
        }

        Interlocked.Increment(ref _creations);
        Deliver(new PoolSlot<TConnection>(connection, _time.GetUtcNow()), fromLease: false);
        return true;
    }

    private bool LifetimeExpired(PoolSlot<TConnection> slot, DateTimeOffset now) =>
        _options.MaxLifetime != Timeout.InfiniteTimeSpan && now - slot.CreatedAt >= _options.MaxLifetime;

    private void OnMaintenanceTimer()
    {
        if (Interlocked.Exchange(ref _maintaining, 1) != 0)
        {
            return;
        }

        _ = RunTimedMaintenanceAsync();
    }

    private async Task RunTimedMaintenanceAsync()
    {
        try
        {
            await RunMaintenanceAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // a background pass must never take the process down
        catch (Exception ex)
#pragma warning restore CA1031
        {
            PoolLog.MaintenanceFailed(_logger, ex);
        }
        finally
        {
            Volatile.Write(ref _maintaining, 0);
        }
    }

    private static async ValueTask<bool> SafeAwaitAsync(ValueTask<bool> check)
    {
        try
        {
            return await check.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // a throwing health check means unhealthy
        catch
#pragma warning restore CA1031
        {
            return false;
        }
    }

    private async Task DisposeQuietlyAsync(TConnection connection)
    {
        try
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // closing a dead connection may throw anything; it is gone either way
        catch (Exception ex)
#pragma warning restore CA1031
        {
            PoolLog.DisposeFailed(_logger, ex);
        }
    }

    private sealed class Waiter() : TaskCompletionSource<PoolSlot<TConnection>>(TaskCreationOptions.RunContinuationsAsynchronously);
}
