using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.ObjectPool;
using VisionFlow.Connections.Pooling;

namespace VisionFlow.Bench.Connections;

/// <summary>Overhead of leasing and returning a pooled connection in steady state (no I/O: the connection is a stub).</summary>
[MemoryDiagnoser]
public class ConnectionPoolBenchmarks
{
    private ConnectionPool<StubConnection> _pool = null!;
    private ConnectionPool<StubConnection> _checkedPool = null!;
    private DefaultObjectPool<StubConnection> _objectPool = null!;

    [GlobalSetup]
    public void Setup()
    {
        var options = new ConnectionPoolOptions { MaxConnections = 4, MaintenanceInterval = TimeSpan.Zero, HealthCheckOnBorrow = false };
        _pool = new ConnectionPool<StubConnection>(static _ => new ValueTask<StubConnection>(new StubConnection()), options);
        _checkedPool = new ConnectionPool<StubConnection>(static _ => new ValueTask<StubConnection>(new StubConnection()), options with { HealthCheckOnBorrow = true, HealthCheckOnReturn = true });
        _objectPool = new DefaultObjectPool<StubConnection>(new StubPolicy(), 4);
        RentReturn(); // warm: the first rent opens the connection
        RentReturnWithHealthChecks();
    }

    [Benchmark(Baseline = true, Description = "ObjectPool Get/Return (no checks, no limits)")]
    public StubConnection ObjectPoolGetReturn()
    {
        var c = _objectPool.Get();
        _objectPool.Return(c);
        return c;
    }

    [Benchmark(Description = "ConnectionPool rent/return")]
    public StubConnection RentReturn() => Cycle(_pool);

    [Benchmark(Description = "ConnectionPool rent/return, health check on borrow+return")]
    public StubConnection RentReturnWithHealthChecks() => Cycle(_checkedPool);

    private static StubConnection Cycle(ConnectionPool<StubConnection> pool)
    {
        var rent = pool.RentAsync();
        var lease = rent.IsCompletedSuccessfully ? rent.Result : rent.AsTask().GetAwaiter().GetResult();
        var c = lease.Connection;
        var back = lease.DisposeAsync();
        if (!back.IsCompletedSuccessfully)
        {
            back.AsTask().GetAwaiter().GetResult();
        }

        return c;
    }

    public sealed class StubConnection : IPooledConnection
    {
        public bool IsAlive => true;

        public ValueTask<bool> CheckHealthAsync(CancellationToken cancellationToken) => new(true);

        public ValueTask DisposeAsync() => default;
    }

    private sealed class StubPolicy : IPooledObjectPolicy<StubConnection>
    {
        public StubConnection Create() => new();

        public bool Return(StubConnection obj) => true;
    }
}
