using Microsoft.Extensions.Time.Testing;
using VisionFlow.Connections.Pooling;

namespace VisionFlow.Connections.Tests;

public sealed class ConnectionPoolTests
{
    private static readonly ConnectionPoolOptions Defaults = new()
    {
        MinConnections = 0,
        MaxConnections = 2,
        MaxIdleConnections = 2,
        IdleTimeout = TimeSpan.FromMinutes(1),
        MaxLifetime = TimeSpan.FromMinutes(10),
        WaitTimeout = TimeSpan.FromSeconds(5),
        MaintenanceInterval = TimeSpan.Zero,
    };

    [Test]
    public async Task Second_rent_after_return_reuses_the_connection()
    {
        var factory = new TestFactory();
        await using var pool = new ConnectionPool<TestConnection>(factory.CreateAsync, Defaults, new FakeTimeProvider());

        int firstId;
        await using (var lease = await pool.RentAsync())
        {
            firstId = lease.Connection.Id;
        }

        await using var again = await pool.RentAsync();
        var stats = pool.GetStats();

        await Assert.That(again.Connection.Id).IsEqualTo(firstId);
        await Assert.That(stats.Creations).IsEqualTo(1);
        await Assert.That(stats.Reuses).IsEqualTo(1);
        await Assert.That(stats.Rents).IsEqualTo(2);
        await Assert.That(stats.ReuseRatio).IsEqualTo(0.5);
        await Assert.That(stats.ActiveConnections).IsEqualTo(1);
        await Assert.That(stats.IdleConnections).IsEqualTo(0);
    }

    [Test]
    public async Task Disposing_a_lease_twice_returns_it_once()
    {
        var factory = new TestFactory();
        await using var pool = new ConnectionPool<TestConnection>(factory.CreateAsync, Defaults, new FakeTimeProvider());
        var lease = await pool.RentAsync();
        var copy = lease;
        await lease.DisposeAsync();
        await copy.DisposeAsync();

        var stats = pool.GetStats();
        await Assert.That(stats.IdleConnections).IsEqualTo(1);
        await Assert.That(stats.ActiveConnections).IsEqualTo(0);
        await Assert.That(stats.TotalConnections).IsEqualTo(1);
    }

    [Test]
    public async Task Full_pool_throws_PoolExhaustedException_after_the_wait_timeout_and_recovers_when_a_lease_returns()
    {
        var time = new SignallingTimeProvider();
        var factory = new TestFactory();
        await using var pool = new ConnectionPool<TestConnection>(factory.CreateAsync, Defaults with { MaxConnections = 1, MaxIdleConnections = 1 }, time);
        var held = await pool.RentAsync();

        var waiting = pool.RentAsync().AsTask();
        await time.NextTimerAsync(d => d == TimeSpan.FromSeconds(5));
        await Assert.That(waiting.IsCompleted).IsFalse();
        time.Advance(TimeSpan.FromSeconds(5));

        var ex = await Assert.That(async () => await waiting).Throws<PoolExhaustedException>();
        await Assert.That(ex!.MaxConnections).IsEqualTo(1);
        await Assert.That(ex.Waited).IsEqualTo(TimeSpan.FromSeconds(5));
        await Assert.That(pool.GetStats().Exhaustions).IsEqualTo(1);
        await Assert.That(pool.GetStats().Waiting).IsEqualTo(0);

        await held.DisposeAsync();
        await using var next = await pool.RentAsync();
        await Assert.That(next.Connection.Id).IsEqualTo(1);
    }

    [Test]
    public async Task Timed_out_waiters_do_not_pile_up_while_every_lease_is_held()
    {
        var time = new SignallingTimeProvider();
        var factory = new TestFactory();
        await using var pool = new ConnectionPool<TestConnection>(factory.CreateAsync, Defaults with { MaxConnections = 1, MaxIdleConnections = 1, MaxWaitQueue = 2 }, time);
        var held = await pool.RentAsync();
        for (var i = 0; i < 40; i++)
        {
            var waiting = pool.RentAsync().AsTask();
            time.Advance(await time.NextTimerAsync(d => d == TimeSpan.FromSeconds(5)));
            await Assert.That(async () => await waiting).Throws<PoolExhaustedException>();
        }

        await Assert.That(pool.GetStats().Exhaustions).IsEqualTo(40);
        await Assert.That(pool.QueuedWaiterEntries).IsLessThanOrEqualTo(17);

        var last = pool.RentAsync().AsTask();
        await held.DisposeAsync();
        await using var served = await last.WaitAsync(TimeSpan.FromSeconds(10));
        await Assert.That(served.Connection.Id).IsEqualTo(1);
    }

    [Test]
    public async Task A_waiter_gets_the_connection_a_lease_returns()
    {
        var time = new FakeTimeProvider();
        var factory = new TestFactory();
        await using var pool = new ConnectionPool<TestConnection>(factory.CreateAsync, Defaults with { MaxConnections = 1, MaxIdleConnections = 1 }, time);
        var held = await pool.RentAsync();
        var waiting = pool.RentAsync().AsTask();

        await held.DisposeAsync();
        await using var handed = await waiting.WaitAsync(TimeSpan.FromSeconds(10));

        await Assert.That(handed.Connection.Id).IsEqualTo(1);
        await Assert.That(factory.Created.Count).IsEqualTo(1);
        await Assert.That(pool.GetStats().Reuses).IsEqualTo(1);
    }

    [Test]
    public async Task A_full_wait_queue_rejects_at_once()
    {
        var factory = new TestFactory();
        await using var pool = new ConnectionPool<TestConnection>(factory.CreateAsync, Defaults with { MaxConnections = 1, MaxIdleConnections = 1, MaxWaitQueue = 0 }, new FakeTimeProvider());
        await using var held = await pool.RentAsync();

        await Assert.That(async () => await pool.RentAsync()).Throws<PoolExhaustedException>();
        await Assert.That(pool.GetStats().Exhaustions).IsEqualTo(1);
    }

    [Test]
    public async Task Health_check_on_borrow_evicts_a_dead_connection_and_opens_a_new_one()
    {
        var factory = new TestFactory();
        await using var pool = new ConnectionPool<TestConnection>(factory.CreateAsync, Defaults, new FakeTimeProvider());
        TestConnection first;
        await using (var lease = await pool.RentAsync())
        {
            first = lease.Connection;
        }

        first.Healthy = false;
        await using var second = await pool.RentAsync();
        var stats = pool.GetStats();

        await Assert.That(second.Connection.Id).IsNotEqualTo(first.Id);
        await Assert.That(first.Disposed).IsTrue();
        await Assert.That(stats.HealthCheckFailures).IsEqualTo(1);
        await Assert.That(stats.Evictions).IsEqualTo(1);
        await Assert.That(stats.Creations).IsEqualTo(2);
        await Assert.That(stats.TotalConnections).IsEqualTo(1);
    }

    [Test]
    public async Task Health_check_on_return_closes_an_unhealthy_connection()
    {
        var factory = new TestFactory();
        await using var pool = new ConnectionPool<TestConnection>(factory.CreateAsync, Defaults with { HealthCheckOnReturn = true }, new FakeTimeProvider());
        var lease = await pool.RentAsync();
        lease.Connection.Healthy = false;
        await lease.DisposeAsync();

        await Assert.That(factory.Created[0].Disposed).IsTrue();
        await Assert.That(pool.GetStats().TotalConnections).IsEqualTo(0);
        await Assert.That(pool.GetStats().HealthCheckFailures).IsEqualTo(1);
    }

    [Test]
    public async Task A_lease_marked_broken_closes_its_connection_on_return()
    {
        var factory = new TestFactory();
        await using var pool = new ConnectionPool<TestConnection>(factory.CreateAsync, Defaults, new FakeTimeProvider());
        var lease = await pool.RentAsync();
        lease.MarkBroken();
        await lease.DisposeAsync();

        await Assert.That(factory.Created[0].Disposed).IsTrue();
        await Assert.That(pool.GetStats().IdleConnections).IsEqualTo(0);
        await Assert.That(pool.GetStats().Evictions).IsEqualTo(1);
    }

    [Test]
    public async Task Maintenance_evicts_idle_connections_past_the_idle_timeout()
    {
        var time = new FakeTimeProvider();
        var factory = new TestFactory();
        await using var pool = new ConnectionPool<TestConnection>(factory.CreateAsync, Defaults, time);
        var a = await pool.RentAsync();
        var b = await pool.RentAsync();
        await a.DisposeAsync();
        time.Advance(TimeSpan.FromSeconds(30));
        await b.DisposeAsync();
        time.Advance(TimeSpan.FromSeconds(30)); // a idle 60 s, b idle 30 s

        await pool.RunMaintenanceAsync();

        var stats = pool.GetStats();
        await Assert.That(stats.IdleConnections).IsEqualTo(1);
        await Assert.That(stats.Evictions).IsEqualTo(1);
        await Assert.That(factory.Created[0].Disposed).IsTrue();
        await Assert.That(factory.Created[1].Disposed).IsFalse();
    }

    [Test]
    public async Task Maintenance_evicts_past_lifetime_and_refills_to_the_minimum()
    {
        var time = new FakeTimeProvider();
        var factory = new TestFactory();
        await using var pool = new ConnectionPool<TestConnection>(factory.CreateAsync, Defaults with { MinConnections = 1 }, time);
        await pool.RunMaintenanceAsync();
        await Assert.That(pool.GetStats().IdleConnections).IsEqualTo(1);

        time.Advance(TimeSpan.FromMinutes(10));
        await pool.RunMaintenanceAsync();

        var stats = pool.GetStats();
        await Assert.That(factory.Created.Count).IsEqualTo(2);
        await Assert.That(factory.Created[0].Disposed).IsTrue();
        await Assert.That(stats.IdleConnections).IsEqualTo(1);
        await Assert.That(stats.TotalConnections).IsEqualTo(1);
        await Assert.That(stats.Evictions).IsEqualTo(1);
    }

    [Test]
    public async Task Idle_eviction_keeps_the_minimum()
    {
        var time = new FakeTimeProvider();
        var factory = new TestFactory();
        await using var pool = new ConnectionPool<TestConnection>(factory.CreateAsync, Defaults with { MinConnections = 1 }, time);
        await pool.RunMaintenanceAsync();
        time.Advance(TimeSpan.FromMinutes(5));
        await pool.RunMaintenanceAsync();

        await Assert.That(factory.Created.Count).IsEqualTo(1);
        await Assert.That(pool.GetStats().IdleConnections).IsEqualTo(1);
    }

    [Test]
    public async Task The_maintenance_timer_runs_on_the_time_provider()
    {
        var time = new FakeTimeProvider();
        var factory = new TestFactory();
        await using var pool = new ConnectionPool<TestConnection>(factory.CreateAsync, Defaults with { MinConnections = 2, MaintenanceInterval = TimeSpan.FromSeconds(15) }, time);
        await Assert.That(pool.GetStats().TotalConnections).IsEqualTo(0);

        time.Advance(TimeSpan.FromSeconds(15));
        await VisionFlow.Testing.Eventually.UntilAsync(() => pool.GetStats().IdleConnections >= 2, "two idle connections made by the maintenance timer", TimeSpan.FromSeconds(10));

        await Assert.That(factory.Created.Count).IsEqualTo(2);
    }

    [Test]
    public async Task A_failed_creation_propagates_and_frees_its_capacity()
    {
        var factory = new TestFactory { FailWith = new IOException("refused") };
        await using var pool = new ConnectionPool<TestConnection>(factory.CreateAsync, Defaults with { MaxConnections = 1, MaxIdleConnections = 1 }, new FakeTimeProvider());

        await Assert.That(async () => await pool.RentAsync()).Throws<IOException>();
        await Assert.That(pool.GetStats().CreationFailures).IsEqualTo(1);
        await Assert.That(pool.GetStats().TotalConnections).IsEqualTo(0);

        factory.FailWith = null;
        await using var lease = await pool.RentAsync();
        await Assert.That(lease.Connection.Id).IsEqualTo(1);
    }

    [Test]
    public async Task Growing_the_maximum_serves_a_waiter_with_a_new_connection()
    {
        var factory = new TestFactory();
        await using var pool = new ConnectionPool<TestConnection>(factory.CreateAsync, Defaults with { MaxConnections = 1, MaxIdleConnections = 2, HardMaxConnections = 3 }, new FakeTimeProvider());
        await using var held = await pool.RentAsync();
        var waiting = pool.RentAsync().AsTask();

        var applied = pool.Resize(5);
        await using var served = await waiting.WaitAsync(TimeSpan.FromSeconds(10));

        await Assert.That(applied).IsEqualTo(3);
        await Assert.That(served.Connection.Id).IsEqualTo(2);
        await Assert.That(pool.GetStats().ActiveConnections).IsEqualTo(2);
    }

    [Test]
    [Arguments(-1, 10, 10)]
    [Arguments(5, 2, 10)]
    [Arguments(0, 0, 10)]
    [Arguments(0, 20, 10)]
    public async Task Invalid_options_are_rejected_up_front(int min, int max, int hardMax)
    {
        var options = new ConnectionPoolOptions { MinConnections = min, MaxConnections = max, HardMaxConnections = hardMax, MaxIdleConnections = 10 };
        await Assert.That(() => options.Validate()).Throws<ArgumentException>();
    }
}
