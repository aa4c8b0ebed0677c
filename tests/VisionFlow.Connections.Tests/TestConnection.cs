using VisionFlow.Connections.Pooling;

namespace VisionFlow.Connections.Tests;

/// <summary>A connection whose liveness and health the test controls.</summary>
internal sealed class TestConnection(int id) : IPooledConnection
{
    public int Id { get; } = id;

    public bool Alive { get; set; } = true;

    public bool Healthy { get; set; } = true;

    public int HealthChecks { get; private set; }

    public bool Disposed { get; private set; }

    public bool IsAlive => Alive && !Disposed;

    public ValueTask<bool> CheckHealthAsync(CancellationToken cancellationToken)
    {
        HealthChecks++;
        return new ValueTask<bool>(Healthy);
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return default;
    }
}

/// <summary>Counts and hands out <see cref="TestConnection"/>s; can be told to fail.</summary>
internal sealed class TestFactory
{
    private int _next;

    public List<TestConnection> Created { get; } = [];

    public Exception? FailWith { get; set; }

    public ValueTask<TestConnection> CreateAsync(CancellationToken cancellationToken)
    {
        if (FailWith is { } ex)
        {
            return ValueTask.FromException<TestConnection>(ex);
        }

        var c = new TestConnection(Interlocked.Increment(ref _next));
        lock (Created)
        {
            Created.Add(c);
        }

        return new ValueTask<TestConnection>(c);
    }
}
