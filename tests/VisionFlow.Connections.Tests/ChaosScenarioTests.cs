using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Polly.CircuitBreaker;
using VisionFlow.Connections.Degradation;
using VisionFlow.Connections.Failures;
using VisionFlow.Connections.Pooling;
using VisionFlow.Connections.Resilience;
using VisionFlow.Testing.Chaos;
using VisionFlow.Testing;

namespace VisionFlow.Connections.Tests;

/// <summary>The pieces together over real loopback sockets: connector → pool → pipeline, with faults from the proxy.</summary>
public sealed class ChaosScenarioTests
{
    /// <summary>A minimal line round-trip over a socket (stand-in for the JSON-RPC engine, which lives in another project).</summary>
    private sealed class LineConnection(Socket socket) : IAsyncDisposable
    {
        private readonly byte[] _buffer = new byte[256];
        private bool _closed;

        public bool IsAlive => !_closed && socket.Connected;

        public async ValueTask<string> RoundTripAsync(string line)
        {
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(10)); // real-time guard against a hang
            await socket.SendAsync(Encoding.ASCII.GetBytes(line + "\n"), SocketFlags.None, bound.Token);
            var got = 0;
            while (got == 0 || _buffer[got - 1] != (byte)'\n')
            {
                var n = await socket.ReceiveAsync(_buffer.AsMemory(got), SocketFlags.None, bound.Token);
                if (n == 0)
                {
                    _closed = true;
                    throw new EndOfStreamException("connection closed by peer");
                }

                got += n;
            }

            return Encoding.ASCII.GetString(_buffer, 0, got - 1);
        }

        public ValueTask DisposeAsync()
        {
            _closed = true;
            socket.Dispose();
            return default;
        }
    }

    [Test]
    public async Task Dropped_connections_open_the_breaker_degrade_and_recover_through_a_probe()
    {
        await using var echo = new EchoServer();
        await using var proxy = FaultProxy.Start(echo.EndPoint);
        var time = new FakeTimeProvider();
        var connector = new TcpConnector(new TcpConnectorOptions { ConnectTimeout = TimeSpan.FromSeconds(5) });
        await using var pool = new ConnectionPool<PooledConnection<LineConnection>>(
            async ct => new PooledConnection<LineConnection>(new LineConnection(await connector.ConnectAsync("127.0.0.1", proxy.EndPoint.Port, ct)), static c => c.IsAlive),
            new ConnectionPoolOptions { MaxConnections = 2, MaintenanceInterval = TimeSpan.Zero },
            time);
        var mcp = McpResiliencePipelineFactory.Create(
            new McpResilienceOptions { MaxAttempts = 1, FailureThreshold = 5, BreakDuration = TimeSpan.FromSeconds(30), TotalTimeout = TimeSpan.FromHours(1), AttemptTimeout = null },
            time);
        var degradation = new GracefulDegradationManager(new DegradationOptions { RecoveryInterval = TimeSpan.FromSeconds(30) }, time);

        async Task<Exception?> CallAsync()
        {
            try
            {
                var reply = await mcp.Pipeline.ExecuteAsync(static async (p, _) =>
                {
                    await using var lease = await p.RentAsync();
                    try
                    {
                        return await lease.Connection.Inner.RoundTripAsync("ping");
                    }
                    catch
                    {
                        lease.MarkBroken();
                        throw;
                    }
                }, pool);
                return reply == "ping" ? null : new InvalidOperationException("bad echo: " + reply);
            }
            catch (Exception ex)
            {
                degradation.HandleFailure(FailureClassifier.Classify(ex));
                return ex;
            }
        }

        for (var i = 0; i < 3; i++)
        {
            await Assert.That(await CallAsync()).IsNull();
        }

        await Assert.That(pool.GetStats().Creations).IsEqualTo(1);
        await Assert.That(pool.GetStats().Reuses).IsEqualTo(2);

        proxy.Faults = new FaultSettings { Mode = FaultMode.Drop };
        for (var i = 0; i < 5; i++)
        {
            // EOF if the proxy's FIN is read first, ECONNRESET if our write reached the closed socket first.
            var failure = await CallAsync();
            await Assert.That(failure is IOException or SocketException).IsTrue();
        }

        await Assert.That(mcp.CircuitBreaker.State).IsEqualTo(CircuitState.Open);
        var acceptedBefore = proxy.GetStats().Accepted;
        await Assert.That(await CallAsync()).IsTypeOf<BrokenCircuitException>();
        await Assert.That(proxy.GetStats().Accepted).IsEqualTo(acceptedBefore); // rejected without dialling
        await Assert.That(degradation.Level).IsEqualTo(DegradationLevel.EmergencyMode);

        proxy.Faults = FaultSettings.None;
        time.Advance(TimeSpan.FromSeconds(30));
        await Assert.That(await CallAsync()).IsNull(); // the half-open probe
        await Assert.That(mcp.CircuitBreaker.State).IsEqualTo(CircuitState.Closed);

        degradation.ReportHealthy();
        await Assert.That(degradation.Level).IsEqualTo(DegradationLevel.EmergencyMode); // one healthy interval first
        time.Advance(TimeSpan.FromSeconds(30));
        await Assert.That(degradation.Level).IsEqualTo(DegradationLevel.PartialDegradation);
        var requests = mcp.GetRequestStats();
        await Assert.That(requests.TotalRequests).IsEqualTo(10);
        await Assert.That(requests.SuccessfulRequests).IsEqualTo(4);
        await Assert.That(requests.RejectedRequests).IsEqualTo(1);
    }
}
