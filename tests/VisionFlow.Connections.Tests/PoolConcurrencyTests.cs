using Microsoft.Extensions.Time.Testing;
using VisionFlow.Connections.Pooling;

namespace VisionFlow.Connections.Tests;

public sealed class PoolConcurrencyTests
{
    [Test]
    public async Task Concurrent_renters_never_share_a_connection_or_exceed_the_maximum()
    {
        var factory = new TestFactory();
        var options = new ConnectionPoolOptions { MaxConnections = 3, MaxIdleConnections = 3, WaitTimeout = TimeSpan.FromHours(1), MaintenanceInterval = TimeSpan.Zero };
        await using var pool = new ConnectionPool<TestConnection>(factory.CreateAsync, options, new FakeTimeProvider());
        var inUse = new System.Collections.Concurrent.ConcurrentDictionary<int, byte>();
        var violations = 0;
        var maxSeen = 0;

        async Task Worker()
        {
            for (var i = 0; i < 500; i++)
            {
                await using var lease = await pool.RentAsync();
                if (!inUse.TryAdd(lease.Connection.Id, 0))
                {
                    Interlocked.Increment(ref violations);
                }

                var total = pool.GetStats().TotalConnections;
                int seen;
                while ((seen = Volatile.Read(ref maxSeen)) < total && Interlocked.CompareExchange(ref maxSeen, total, seen) != seen)
                {
                }

                if (i % 7 == 0)
                {
                    await Task.Yield();
                }

                inUse.TryRemove(lease.Connection.Id, out _);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(Worker))).WaitAsync(TimeSpan.FromSeconds(60));

        var stats = pool.GetStats();
        await Assert.That(violations).IsEqualTo(0);
        await Assert.That(maxSeen).IsLessThanOrEqualTo(3);
        await Assert.That(stats.Rents).IsEqualTo(4000);
        await Assert.That(stats.ActiveConnections).IsEqualTo(0);
        await Assert.That(stats.Waiting).IsEqualTo(0);
        await Assert.That(stats.Creations).IsLessThanOrEqualTo(3);
        await Assert.That(stats.Reuses).IsEqualTo(4000 - stats.Creations);
    }

    [Test]
    public async Task A_waiter_gets_the_creation_failure_instead_of_hanging()
    {
        var factory = new TestFactory();
        var options = new ConnectionPoolOptions { MaxConnections = 1, MaxIdleConnections = 1, WaitTimeout = TimeSpan.FromHours(1), MaintenanceInterval = TimeSpan.Zero };
        await using var pool = new ConnectionPool<TestConnection>(factory.CreateAsync, options, new FakeTimeProvider());
        var lease = await pool.RentAsync();
        var waiting = pool.RentAsync().AsTask();

        factory.FailWith = new IOException("server gone");
        lease.MarkBroken();
        await lease.DisposeAsync(); // frees capacity: the pool dials for the waiter, and the dial fails

        await Assert.That(async () => await waiting.WaitAsync(TimeSpan.FromSeconds(10))).Throws<IOException>();
        await Assert.That(pool.GetStats().Waiting).IsEqualTo(0);
        await Assert.That(pool.GetStats().TotalConnections).IsEqualTo(0);
    }

    [Test]
    public async Task PooledConnection_adapts_a_foreign_type()
    {
        var inner = new TestConnection(7);
        var adapted = new PooledConnection<TestConnection>(inner, static c => c.IsAlive, static (c, _) => new ValueTask<bool>(c.Healthy));
        inner.Healthy = false;

        await Assert.That(adapted.IsAlive).IsTrue();
        await Assert.That(await adapted.CheckHealthAsync(CancellationToken.None)).IsFalse();
        await adapted.DisposeAsync();
        await Assert.That(inner.Disposed).IsTrue();
        await Assert.That(adapted.IsAlive).IsFalse();
    }
}
