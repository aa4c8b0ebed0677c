using VisionFlow.Connections.Degradation;
using VisionFlow.Connections.Failures;
using VisionFlow.Connections.Link;
using VisionFlow.Connections.Metrics;
using VisionFlow.Protocol.Dialects;
using VisionFlow.Testing;

namespace VisionFlow.Connections.Tests;

/// <summary>
/// The MCP link at each seam, against a real peer on loopback with the link's clock in the test's hands: start-up, a
/// peer that is down, hangs, restarts with other agents, or is switched off, and recovery one interval at a time.
/// </summary>
public sealed class McpLinkTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static McpLinkOptions Options(int port) => new()
    {
        Host = "127.0.0.1",
        Port = port,
        ReconnectAttempts = 2,
        ReconnectDelay = TimeSpan.FromSeconds(1),
        ConnectionTimeout = TimeSpan.FromSeconds(10),
        ReconnectAttemptTimeout = TimeSpan.FromSeconds(5),
        HealthInterval = TimeSpan.FromSeconds(5),
        HealthTimeout = TimeSpan.FromSeconds(3),
        RecoveryInterval = TimeSpan.FromSeconds(5),
        RequestAttempts = 1,
    };

    private static LinkClock NewTime() => new();

    /// <summary>Waits (real time, bounded) until <paramref name="condition"/> holds.</summary>
    private static Task Until(Func<bool> condition, string what) => Eventually.UntilAsync(condition, what, Patience);

    // The timers the link waits on, told apart by what they belong to and how long they run.
    private static Func<LinkClock.Armed, bool> Bound(TimeSpan length) => t => t.IsTimeout && t.Length == length;

    private static Func<LinkClock.Armed, bool> Backoff(TimeSpan length) => t => t.IsDelay && t.Length == length;

    private static bool HealthTick(LinkClock.Armed t) => t.State is Health.McpHealthChecker;

    private static bool PollWait(LinkClock.Armed t) => t.IsDelay && t.Length <= TimeSpan.FromSeconds(1);

    /// <summary>One health check of <paramref name="link"/>: its tick once the last check is over, then (for a peer that does not answer) its deadline.</summary>
    private static async Task PingUnansweredAsync(LinkClock time, McpLink link)
    {
        await Until(() => !link.Health!.Checking, "the last check over");
        await time.FireAsync(HealthTick, "the next health check");
        await time.FireAsync(Bound(TimeSpan.FromSeconds(3)), "the ping's deadline");
    }

    /// <summary>
    /// Fires the link's backoff delays until it dials the restarted peer, then waits in real time for the session: the
    /// clock never moves while the handshake is in flight, so a busy machine cannot time that attempt out.
    /// </summary>
    private static async Task ReconnectAsync(LinkClock time, TestPeer peer, int acceptedBefore, McpLink link)
    {
        while (peer.Accepted <= acceptedBefore)
        {
            await Until(() => peer.Accepted > acceptedBefore || time.Pending(t => t.IsDelay) is not null, "the link dialling or waiting to");
            if (peer.Accepted <= acceptedBefore && time.Pending(t => t.IsDelay) is { Due: { } due })
            {
                time.Advance(due - time.GetUtcNow());
            }
        }

        await Until(() => link.Status.State == McpLinkState.Connected, "the new session");
    }

    private static ValueTask<bool> Ping(McpLink link) =>
        link.ExecuteAsync(static async (client, ct) =>
        {
            await client.PingAsync(ct);
            return true;
        }, CancellationToken.None);

    [Test]
    public async Task Disabled_is_reported_as_disabled_and_refuses_every_call()
    {
        await using var link = new McpLink(Options(9) with { Enabled = false }, NewTime());
        var sink = new RecordingSink(link.Sessions);
        link.Start();

        await Assert.That(link.Status.State).IsEqualTo(McpLinkState.Disabled);
        await Assert.That(link.Status.TelemetryName).IsEqualTo("disabled");
        var refused = await Assert.That(async () => await Ping(link)).Throws<McpUnavailableException>();
        await Assert.That(refused!.Message).Contains("ENABLE_MCP=false");
        var metrics = NetworkResilienceMetrics.Capture(link);
        await Assert.That(metrics.ConnectionStatus).IsEqualTo("disabled");
        await Assert.That(metrics.CircuitBreakerState).IsEqualTo("disabled");
        await Assert.That(metrics.Status).IsEqualTo("disabled");
        await Assert.That(metrics.HealthScore).IsNull();
        await Assert.That(sink.Events.Count).IsEqualTo(0);
    }

    [Test]
    public async Task A_command_sent_while_the_first_connection_is_made_waits_for_it()
    {
        await using var peer = TestPeer.Start("a1");
        peer.HandshakeGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var link = new McpLink(Options(peer.Port), NewTime());
        var sink = new RecordingSink(link.Sessions);
        link.Start();
        await Until(() => peer.Accepted >= 1, "the first connection");
        await Assert.That(link.Status.State).IsEqualTo(McpLinkState.Connecting);

        var call = Ping(link).AsTask();
        await Assert.That(call.IsCompleted).IsFalse(); // not "not connected: connecting"
        peer.HandshakeGate.SetResult();
        await Assert.That(await call.WaitAsync(Patience)).IsTrue();
        await Assert.That(link.Status.State).IsEqualTo(McpLinkState.Connected);
        await Assert.That(sink.Events[0]).IsEqualTo("listing 1 [a1]");
    }

    [Test]
    public async Task A_command_sent_while_the_first_attempt_fails_gets_the_real_cause()
    {
        var port = await FreePortAsync();
        var time = NewTime();
        await using var link = new McpLink(Options(port), time);
        _ = new RecordingSink(link.Sessions);
        link.Start();
        var refused = await Assert.That(async () => await Ping(link).AsTask().WaitAsync(Patience)).Throws<McpUnavailableException>();

        await Assert.That(refused!.Cause?.Kind).IsEqualTo(McpFailureKind.Refused);
        var status = link.Status;
        await Assert.That(status.State).IsEqualTo(McpLinkState.Unavailable);
        await Assert.That(status.Detail).Contains($"127.0.0.1:{port} refused the connection");
        await Assert.That(status.RetryInterval).IsEqualTo(TimeSpan.FromSeconds(1));
        await Assert.That(status.NextAttemptAt).IsEqualTo(time.GetUtcNow() + TimeSpan.FromSeconds(1));
        await Assert.That(link.Degradation.Level).IsEqualTo(DegradationLevel.EmergencyMode);
    }

    [Test]
    public async Task A_peer_that_accepts_and_never_answers_steps_the_level_down_per_timeout()
    {
        await using var peer = TestPeer.Start();
        peer.Hung = true;
        var time = NewTime();
        await using var link = new McpLink(Options(peer.Port), time);
        _ = new RecordingSink(link.Sessions);
        link.Start();
        await Until(() => peer.Accepted >= 1, "the first connection");

        await time.FireAsync(Bound(TimeSpan.FromSeconds(10)), "the first attempt's bound");
        await Until(() => link.Status.State == McpLinkState.Unavailable, "the first attempt timing out");
        await Assert.That(link.Status.LastFailure?.Kind).IsEqualTo(McpFailureKind.Timeout);
        await Assert.That(link.Degradation.Level).IsEqualTo(DegradationLevel.PartialDegradation);

        await time.FireAsync(Backoff(TimeSpan.FromSeconds(1)), "the backoff");
        await Until(() => peer.Accepted >= 2, "the second attempt");
        await time.FireAsync(Bound(TimeSpan.FromSeconds(10)), "the second attempt's bound");
        await Until(() => link.Degradation.Level == DegradationLevel.EmergencyMode, "the second timeout");
        var metrics = NetworkResilienceMetrics.Capture(link);
        await Assert.That(metrics.Status).IsEqualTo("unhealthy");
        await Assert.That(metrics.Degradation.LevelName).IsEqualTo("emergency_mode");
    }

    [Test]
    public async Task A_peer_that_hangs_after_connecting_is_found_by_the_health_checks_and_degrades()
    {
        await using var peer = TestPeer.Start("a1");
        var time = NewTime();
        await using var link = new McpLink(Options(peer.Port), time);
        var sink = new RecordingSink(link.Sessions);
        link.Start();
        await Until(() => link.Status.State == McpLinkState.Connected, "the session");

        peer.Hung = true;
        for (var i = 1; i <= 3; i++)
        {
            await PingUnansweredAsync(time, link);
            await Until(() => link.Health!.GetStats().FailedChecks >= i, "the check recorded");
        }

        await Until(() => link.Status.State != McpLinkState.Connected, "the hang noticed");

        await Assert.That(link.Status.LastFailure?.Kind).IsEqualTo(McpFailureKind.Timeout);
        await Assert.That(link.Degradation.Level).IsNotEqualTo(DegradationLevel.FullyOperational);
        await Assert.That(sink.Events).Contains("end 1");
        if (link.Degradation.Level != DegradationLevel.EmergencyMode)
        {
            await time.FireAsync(Bound(TimeSpan.FromSeconds(5)), "the reconnect attempt's bound");
        }

        await Until(() => link.Degradation.Level == DegradationLevel.EmergencyMode, "the reconnect timing out too");
    }

    [Test]
    public async Task Each_ping_a_hung_peer_leaves_unanswered_steps_the_level_down_before_the_link_is_given_up()
    {
        await using var peer = TestPeer.Start("a1");
        var time = NewTime();
        await using var link = new McpLink(Options(peer.Port), time);
        _ = new RecordingSink(link.Sessions);
        link.Start();
        await Until(() => link.Status.State == McpLinkState.Connected, "the session");

        // Pings every 5 s, each timed out after 3 s; three failures in a row give the link up. The first two are
        // connection timeouts too, and the contract steps one level down for each: a hung peer shows at once.
        peer.Hung = true;
        await PingUnansweredAsync(time, link);
        await Until(() => link.Degradation.Level == DegradationLevel.PartialDegradation, "the first ping timing out");
        await Until(() => link.Health!.GetStats().FailedChecks >= 1, "the first check recorded");
        await Assert.That(link.Status.State).IsEqualTo(McpLinkState.Connected);
        await Assert.That(link.Health!.GetStats().FailedChecks).IsEqualTo(1);
        await PingUnansweredAsync(time, link);
        await Until(() => link.Degradation.Level == DegradationLevel.EmergencyMode, "the second ping timing out");
        await Until(() => link.Health!.GetStats().FailedChecks >= 2, "the second check recorded");
        await Assert.That(link.Status.State).IsEqualTo(McpLinkState.Connected);
        await Assert.That(link.Health!.GetStats().FailedChecks).IsEqualTo(2);
        await PingUnansweredAsync(time, link);
        await Until(() => link.Status.State != McpLinkState.Connected, "the third, and the link given up");
        await Assert.That(link.Status.LastFailure?.Kind).IsEqualTo(McpFailureKind.Timeout);
    }

    [Test]
    public async Task A_restarted_peer_starts_a_new_session_whose_listing_replaces_the_old_agents()
    {
        await using var peer = TestPeer.Start("a1", "a2");
        var time = NewTime();
        await using var link = new McpLink(Options(peer.Port), time);
        var sink = new RecordingSink(link.Sessions);
        link.Start();
        await Until(() => link.Status.State == McpLinkState.Connected, "the session");
        await Assert.That(link.Status.Telemetry).IsEqualTo(TelemetryMode.Push);
        peer.Push("""{"type":"agent.status","data":{"agent_id":"a1","status":"busy"}}""");
        await Until(() => sink.Events.Any(e => e.StartsWith("push 1", StringComparison.Ordinal)), "the pushed line");

        await peer.StopAsync();
        await Until(() => sink.Events.Contains("end 1"), "the session's end");
        await Assert.That(link.Status.State).IsNotEqualTo(McpLinkState.Connected);
        var accepted = peer.Accepted;
        peer.Restart("b1");
        await ReconnectAsync(time, peer, accepted, link);

        var events = sink.Events.ToList();
        await Assert.That(events[0]).IsEqualTo("listing 1 [a1,a2]");
        await Assert.That(events.IndexOf("end 1")).IsGreaterThan(0);
        var second = events.Single(e => e.StartsWith("listing", StringComparison.Ordinal) && !e.StartsWith("listing 1 ", StringComparison.Ordinal));
        await Assert.That(second).EndsWith("[b1]");
        await Assert.That(events.IndexOf(second)).IsGreaterThan(events.IndexOf("end 1"));
        await Assert.That(link.Stats.Reconnections).IsEqualTo(1);
    }

    [Test]
    public async Task Recovery_steps_one_level_per_healthy_interval_counted_from_the_reconnect()
    {
        await using var peer = TestPeer.Start("a1");
        var port = peer.Port;
        await peer.StopAsync();
        var time = NewTime();
        await using var link = new McpLink(Options(port), time);
        _ = new RecordingSink(link.Sessions);
        link.Start();
        await Until(() => link.Status.State == McpLinkState.Unavailable, "the refusal");
        await Assert.That(link.Degradation.Level).IsEqualTo(DegradationLevel.EmergencyMode);
        time.Advance(TimeSpan.FromSeconds(60)); // a long outage: nothing recovers while the peer is down
        await Assert.That(link.Degradation.Level).IsEqualTo(DegradationLevel.EmergencyMode);

        var accepted = peer.Accepted;
        peer.Restart("a1");
        await ReconnectAsync(time, peer, accepted, link);
        var back = link.Status.ConnectedSince!.Value;
        await Assert.That(link.Degradation.HealthySince).IsEqualTo(back);
        await Assert.That(link.Degradation.Level).IsEqualTo(DegradationLevel.EmergencyMode); // not in the same instant

        time.Advance(back + TimeSpan.FromSeconds(5) - time.GetUtcNow() - TimeSpan.FromMilliseconds(1));
        await Assert.That(link.Degradation.Level).IsEqualTo(DegradationLevel.EmergencyMode);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await Assert.That(link.Degradation.Level).IsEqualTo(DegradationLevel.PartialDegradation);
        time.Advance(TimeSpan.FromSeconds(5));
        await Assert.That(link.Degradation.Level).IsEqualTo(DegradationLevel.FullyOperational);
    }

    [Test]
    public async Task A_peer_without_push_is_polled_slowly_while_nothing_changes_and_at_once_after_a_command()
    {
        await using var peer = TestPeer.Start("a1");
        peer.AcceptsSubscribe = false;
        var time = NewTime();
        await using var link = new McpLink(Options(peer.Port) with { PollMinInterval = TimeSpan.FromMilliseconds(100), PollMaxInterval = TimeSpan.FromSeconds(1) }, time);
        var sink = new RecordingSink(link.Sessions);
        link.Start();
        await Until(() => link.Status.State == McpLinkState.Connected, "the session");
        await Assert.That(link.Status.Telemetry).IsEqualTo(TelemetryMode.Poll);

        var before = peer.Listings;
        var end = time.GetUtcNow() + TimeSpan.FromSeconds(10); // ten seconds of the link's time, poll by poll
        while (true)
        {
            var polled = peer.Listings;
            LinkClock.Armed? wait = null;
            await Until(() => (wait = time.Pending(PollWait)) is not null, "the poller waiting");
            if (wait!.Due > end)
            {
                break;
            }

            time.Advance(wait.Due!.Value - time.GetUtcNow());
            await Until(() => peer.Listings > polled, "the poll");
        }

        // At a fixed 100 ms that would be 100 polls; backing off to 1 s while nothing changes makes it about 13.
        var idlePolls = peer.Listings - before;
        await Assert.That(idlePolls).IsLessThan(25);
        await Assert.That(idlePolls).IsGreaterThanOrEqualTo(5);

        var polls = peer.Listings;
        var spawned = await link.ExecuteAsync((c, t) => c.SpawnAgentAsync(new AgentSpawnRequest("coder"), t), CancellationToken.None, changesState: true);
        await Until(() => sink.LastAgents.Contains(spawned.Id), "the spawned agent in a listing, without the clock moving");
        await Assert.That(peer.Listings).IsGreaterThan(polls);
    }

    [Test]
    public async Task An_operation_the_plain_server_lacks_is_not_offered()
    {
        await using var peer = TestPeer.Start("a1");
        await using var link = new McpLink(Options(peer.Port), NewTime());
        _ = new RecordingSink(link.Sessions);
        link.Start();
        var error = await Assert.That(async () => await link.ExecuteAsync((c, t) => c.CreateTaskAsync("x", null, ["a1"], t), CancellationToken.None))
            .Throws<OperationNotOfferedException>();
        await Assert.That(FailureClassifier.Classify(error!).Kind).IsEqualTo(McpFailureKind.NotOffered);
        await Assert.That(error!.Message).Contains("task.assign");
        await Assert.That(link.Status.State).IsEqualTo(McpLinkState.Connected); // an answer, not a broken link
        await Assert.That(link.Degradation.Level).IsEqualTo(DegradationLevel.FullyOperational);
    }

    [Test]
    public async Task One_ping_timeout_steps_the_level_down_once_even_when_it_gives_the_session_up()
    {
        await using var peer = TestPeer.Start("a1");
        var time = NewTime();
        await using var link = new McpLink(Options(peer.Port), time);
        _ = new RecordingSink(link.Sessions);
        link.Start();
        await Until(() => link.Status.State == McpLinkState.Connected, "the session");

        // Two pings answered with an error (the server answers: no step down) leave the checks one failure short of
        // giving the session up; the third is never answered. That one timeout is one step, not one for the ping and
        // another for the session it ends.
        peer.PingErrors = 2;
        for (var i = 1; i <= 2; i++)
        {
            await Until(() => !link.Health!.Checking, "the last check over");
            await time.FireAsync(HealthTick, "a health check");
            await Until(() => link.Health!.GetStats().FailedChecks >= i, "the answered ping recorded as a failed check");
        }

        await Assert.That(link.Degradation.Level).IsEqualTo(DegradationLevel.FullyOperational);
        peer.Hung = true;
        await PingUnansweredAsync(time, link);
        await Until(() => link.Status.State != McpLinkState.Connected, "the session given up");

        await Assert.That(link.Status.LastFailure?.Kind).IsEqualTo(McpFailureKind.Timeout);
        await Assert.That(link.Degradation.Level).IsEqualTo(DegradationLevel.PartialDegradation);
        var steps = link.Degradation.GetStats().History;
        await Assert.That(steps.Count).IsEqualTo(1);
        await Assert.That(steps[0].To).IsEqualTo(DegradationLevel.PartialDegradation);
    }

    [Test]
    public async Task No_health_check_runs_before_the_first_session_and_the_first_comes_one_interval_after_it()
    {
        await using var peer = TestPeer.Start("a1");
        peer.HandshakeGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var time = NewTime();
        await using var link = new McpLink(Options(peer.Port), time);
        _ = new RecordingSink(link.Sessions);
        link.Start();
        await Until(() => peer.Accepted >= 1, "the first connection");

        // A slow first handshake (a busy machine) spans several health intervals: there is no peer to check yet, so
        // nothing is checked, nothing is "degraded", and nothing is logged as a failed ping.
        time.Advance(TimeSpan.FromSeconds(9));
        await Assert.That(link.Health!.GetStats().TotalChecks).IsEqualTo(0L);
        await Assert.That(link.Health.Status).IsEqualTo(Health.HealthStatus.Unknown);

        peer.HandshakeGate.SetResult();
        await Until(() => link.Status.State == McpLinkState.Connected, "the session");
        var tick = await time.FireAsync(HealthTick, "the first health check");
        await Assert.That(tick).IsEqualTo(link.Status.ConnectedSince!.Value + TimeSpan.FromSeconds(5));
        await Until(() => link.Health.GetStats().TotalChecks == 1 && !link.Health.Checking, "the first check");
        await Assert.That(link.Health.Status).IsEqualTo(Health.HealthStatus.Healthy);
    }

    [Test]
    public async Task Answers_from_the_server_are_round_trips_that_worked_for_the_links_statistics_breaker_and_tuning()
    {
        await using var peer = TestPeer.Start("a1");
        using var meter = new System.Diagnostics.Metrics.Meter("VisionFlow.Connections.Tests." + Guid.NewGuid());
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string?>();
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter, meter) && instrument.Name == "mcp.client.operation.duration")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "error.type")
                {
                    errors.Enqueue(tag.Value as string);
                }
            }
        });
        listener.Start();
        await using var link = new McpLink(Options(peer.Port) with { BreakerFailureThreshold = 3 }, NewTime(), meter: meter);
        _ = new RecordingSink(link.Sessions);
        link.Start();
        await Until(() => link.Status.State == McpLinkState.Connected, "the session");

        // Twelve lookups of ids the server does not know: each a correct "not found", none a failure of the link.
        for (var i = 0; i < 12; i++)
        {
            var unknown = await Assert.That(async () => await link.ExecuteAsync((c, t) => c.GetAgentAsync($"ghost-{i}", t), CancellationToken.None))
                .Throws<ToolFailedException>();
            await Assert.That(FailureClassifier.Classify(unknown!).Kind).IsEqualTo(McpFailureKind.NotFound);
        }

        var requests = link.Resilience.GetRequestStats();
        await Assert.That(requests.FailedRequests).IsEqualTo(0L);
        await Assert.That(requests.SuccessfulRequests).IsEqualTo(12L);
        var breaker = link.Resilience.CircuitBreaker.GetStats();
        await Assert.That(breaker.State).IsEqualTo(Polly.CircuitBreaker.CircuitState.Closed);
        await Assert.That(breaker.FailureCount).IsEqualTo(0L);
        var tuning = link.Adaptive!.Evaluate(Adaptive.AdaptiveInputSource.Create(link.Resilience, null, null)());
        await Assert.That(tuning.Where(c => c.Setting == "failure_threshold")).IsEmpty();
        await Assert.That(link.Resilience.Tuning.Current.FailureThreshold).IsEqualTo(3);
        await Assert.That(link.Degradation.Level).IsEqualTo(DegradationLevel.FullyOperational);
        var json = System.Text.Json.JsonDocument.Parse(HealthJson(link)).RootElement.GetProperty("network_stats");
        await Assert.That(json.GetProperty("failed_requests").GetInt64()).IsEqualTo(0L);

        // Per call, each is still what it was: a call that ended in "not found".
        await Assert.That(errors.Count(e => e == "not_found")).IsEqualTo(12);
    }

    [Test]
    public async Task Delays_follow_the_settings_at_their_edges()
    {
        await using var link = new McpLink(Options(9) with { ReconnectAttempts = 0, ReconnectDelay = TimeSpan.FromMilliseconds(10) }, NewTime());
        _ = new RecordingSink(link.Sessions);
        await Assert.That(link.DelayAfter(1)).IsEqualTo(TimeSpan.FromMilliseconds(20));
        await Assert.That(link.DelayAfter(40)).IsEqualTo(TimeSpan.FromSeconds(10));
        await using var slow = new McpLink(Options(9) with { ReconnectDelay = TimeSpan.FromMinutes(10) }, NewTime());
        _ = new RecordingSink(slow.Sessions);
        await Assert.That(slow.DelayAfter(1)).IsEqualTo(TimeSpan.FromMinutes(10)); // a delay above the probe cap is honoured, not refused
        await Assert.That(slow.DelayAfter(5)).IsEqualTo(TimeSpan.FromMinutes(10));
    }

    private static byte[] HealthJson(McpLink link)
    {
        using var buffer = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            NetworkResilienceMetricsWriter.WriteHealthJson(writer, NetworkResilienceMetrics.Capture(link));
        }

        return buffer.ToArray();
    }

    private static async Task<int> FreePortAsync()
    {
        await using var peer = TestPeer.Start();
        return peer.Port;
    }
}
