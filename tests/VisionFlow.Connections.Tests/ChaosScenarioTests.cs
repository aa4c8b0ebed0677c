using System.Net;
using Polly.CircuitBreaker;
using Polly.Timeout;
using VisionFlow.Connections.Degradation;
using VisionFlow.Connections.Failures;
using VisionFlow.Connections.Link;
using VisionFlow.Testing;
using VisionFlow.Testing.Chaos;

namespace VisionFlow.Connections.Tests;

/// <summary>
/// Faults from the proxy, through the real <see cref="McpLink"/> over real loopback sockets (connector, handshake, pool,
/// pipeline, breaker, health policy and degradation as the product wires them), with the link's clock in the test's
/// hands: it moves only to a moment the link is waiting for.
/// </summary>
public sealed class ChaosScenarioTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static McpLinkOptions Options(int port) => new()
    {
        Host = "127.0.0.1",
        Port = port,
        RequestAttempts = 1,
        RequestAttemptTimeout = TimeSpan.FromSeconds(2),
        ConnectionTimeout = TimeSpan.FromSeconds(10),
        ReconnectAttempts = 2,
        ReconnectDelay = TimeSpan.FromSeconds(1),
        BreakerFailureThreshold = 5,
        BreakDuration = TimeSpan.FromSeconds(30),
        RecoveryInterval = TimeSpan.FromSeconds(30),
        HealthInterval = TimeSpan.FromMinutes(10), // the scenarios' calls are the test's own
        PoolMaxConnections = 2,
    };

    private static Task Until(Func<bool> condition, string what) => Eventually.UntilAsync(condition, what, Patience);

    private static async Task<Exception?> PingAsync(McpLink link)
    {
        try
        {
            await link.ExecuteAsync(static async (client, ct) =>
            {
                await client.PingAsync(ct);
                return true;
            }, CancellationToken.None);
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    [Test]
    public async Task Dropped_connections_lose_the_session_open_the_breaker_degrade_and_recover_through_a_new_session()
    {
        await using var peer = TestPeer.Start("a1");
        await using var proxy = FaultProxy.Start(new IPEndPoint(IPAddress.Loopback, peer.Port));
        var time = new LinkClock();
        await using var link = new McpLink(Options(proxy.EndPoint.Port), time);
        _ = new RecordingSink(link.Sessions);
        link.Start();
        await Until(() => link.Status.State == McpLinkState.Connected, "the session");
        for (var i = 0; i < 3; i++)
        {
            await Assert.That(await PingAsync(link)).IsNull();
        }

        await Assert.That(link.Pool!.GetStats().Creations).IsEqualTo(1L);
        await Assert.That(link.Pool.GetStats().Reuses).IsEqualTo(2L);

        // Every connection closed, and every new one closed at accept: the session is lost, and each attempt to open
        // another fails; five failed attempts in a row open the breaker.
        proxy.Faults = new FaultSettings { Mode = FaultMode.Drop };
        await Until(() => link.Status.State != McpLinkState.Connected, "the session lost");
        await Assert.That(link.Degradation.Level).IsEqualTo(DegradationLevel.EmergencyMode);
        await Until(() => link.Stats.FailedAttempts == 1, "the first attempt failing");
        while (link.Stats.FailedAttempts < 5)
        {
            var failed = link.Stats.FailedAttempts;
            await Assert.That(link.Resilience.CircuitBreaker.State).IsEqualTo(CircuitState.Closed);
            await time.FireAsync(t => t.IsDelay, "the backoff");
            await Until(() => link.Stats.FailedAttempts > failed, "the next attempt failing");
        }

        await Assert.That(link.Resilience.CircuitBreaker.State).IsEqualTo(CircuitState.Open);
        await Assert.That(link.Stats.FailedAttempts).IsEqualTo(5L);
        await Assert.That(link.Status.LastFailure?.Kind).IsEqualTo(McpFailureKind.Closed);

        // While down, a call fails at once with the reason, and nothing is dialled for it.
        var accepted = proxy.GetStats().Accepted;
        var refused = await PingAsync(link);
        await Assert.That(refused).IsTypeOf<McpUnavailableException>();
        await Assert.That(((McpUnavailableException)refused!).Cause?.Kind).IsEqualTo(McpFailureKind.Closed);
        await Assert.That(proxy.GetStats().Accepted).IsEqualTo(accepted);

        // The peer reachable again: the next attempt opens a session, which closes the breaker by hand.
        proxy.Faults = FaultSettings.None;
        await time.FireAsync(t => t.IsDelay, "the next attempt's backoff");
        await Until(() => link.Status.State == McpLinkState.Connected, "a new session");
        await Assert.That(link.Resilience.CircuitBreaker.State).IsEqualTo(CircuitState.Closed);
        await Assert.That(await PingAsync(link)).IsNull();
        await Assert.That(link.Stats.Reconnections).IsEqualTo(1L);

        // One level per healthy interval, counted from the new session.
        await Assert.That(link.Degradation.Level).IsEqualTo(DegradationLevel.EmergencyMode);
        await time.FireAsync(t => t.State is GracefulDegradationManager, "the recovery interval");
        await Assert.That(link.Degradation.Level).IsEqualTo(DegradationLevel.PartialDegradation);
    }

    [Test]
    public async Task A_hung_peer_opens_the_breaker_which_refuses_calls_without_sending_them_until_a_probe_closes_it()
    {
        await using var peer = TestPeer.Start("a1");
        await using var proxy = FaultProxy.Start(new IPEndPoint(IPAddress.Loopback, peer.Port));
        var time = new LinkClock();
        await using var link = new McpLink(Options(proxy.EndPoint.Port), time);
        _ = new RecordingSink(link.Sessions);
        link.Start();
        await Until(() => link.Status.State == McpLinkState.Connected, "the session");
        for (var i = 0; i < 3; i++)
        {
            await Assert.That(await PingAsync(link)).IsNull();
        }

        // Each call times out (one step down each, to EmergencyMode); the fifth in a row opens the breaker. A timed-out
        // call says nothing about the socket, so the session stays.
        peer.Hung = true;
        for (var i = 0; i < 5; i++)
        {
            var call = PingAsync(link);
            await time.FireAsync(t => t.IsTimeout && t.Length == TimeSpan.FromSeconds(2), "the call's attempt timeout");
            await Assert.That(await call.WaitAsync(Patience)).IsTypeOf<TimeoutRejectedException>();
        }

        await Assert.That(link.Resilience.CircuitBreaker.State).IsEqualTo(CircuitState.Open);
        await Assert.That(link.Degradation.Level).IsEqualTo(DegradationLevel.EmergencyMode);
        await Assert.That(link.Status.State).IsEqualTo(McpLinkState.Connected);

        // Refused before a connection is even rented, so nothing can be sent for it (bytes on the wire would not show it:
        // the timed-out calls' cancellation notices may still be on their way).
        var rents = link.Pool!.GetStats().Rents;
        await Assert.That(await PingAsync(link)).IsTypeOf<BrokenCircuitException>();
        await Assert.That(link.Pool.GetStats().Rents).IsEqualTo(rents);

        // After the break one call is let through; the peer answers again, so it closes the breaker.
        peer.Hung = false;
        await time.FireAsync(t => t.State?.GetType().Name == "BreakTimer", "the break");
        await Assert.That(await PingAsync(link)).IsNull();
        await Assert.That(link.Resilience.CircuitBreaker.State).IsEqualTo(CircuitState.Closed);

        var requests = link.Resilience.GetRequestStats();
        await Assert.That(requests.TotalRequests).IsEqualTo(10L);
        await Assert.That(requests.SuccessfulRequests).IsEqualTo(4L);
        await Assert.That(requests.RejectedRequests).IsEqualTo(1L);
        await Assert.That(link.Degradation.Level).IsEqualTo(DegradationLevel.EmergencyMode); // one healthy interval first
        await time.FireAsync(t => t.State is GracefulDegradationManager, "the recovery interval");
        await Assert.That(link.Degradation.Level).IsEqualTo(DegradationLevel.PartialDegradation);
    }
}
