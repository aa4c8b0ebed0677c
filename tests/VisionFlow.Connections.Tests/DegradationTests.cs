using Microsoft.Extensions.Time.Testing;
using VisionFlow.Connections.Degradation;
using VisionFlow.Connections.Failures;

namespace VisionFlow.Connections.Tests;

public sealed class DegradationTests
{
    private static readonly DegradationOptions Options = new() { RecoveryInterval = TimeSpan.FromSeconds(30), HistoryCapacity = 3 };

    [Test]
    [Arguments(DegradationLevel.FullyOperational, true, true, true, PerformanceMode.Standard, "fully_operational")]
    [Arguments(DegradationLevel.PartialDegradation, false, true, true, PerformanceMode.Standard, "partial_degradation")]
    [Arguments(DegradationLevel.EmergencyMode, false, true, false, PerformanceMode.Reduced, "emergency_mode")]
    [Arguments(DegradationLevel.SafeMode, false, false, false, PerformanceMode.Minimal, "safe_mode")]
    public async Task Each_level_switches_features_as_the_table_says(DegradationLevel level, bool agents, bool knowledge, bool realtime, PerformanceMode mode, string name)
    {
        var r = DegradationResponse.For(level);
        await Assert.That(r.Level).IsEqualTo(level);
        await Assert.That(r.AgentGraphEnabled).IsEqualTo(agents);
        await Assert.That(r.KnowledgeGraphEnabled).IsEqualTo(knowledge);
        await Assert.That(r.RealTimeUpdates).IsEqualTo(realtime);
        await Assert.That(r.PerformanceMode).IsEqualTo(mode);
        await Assert.That(r.LevelName).IsEqualTo(name);
        await Assert.That(r.Message.Length).IsGreaterThan(0);
    }

    [Test]
    public async Task Timeouts_step_down_one_level_and_stop_at_emergency()
    {
        var m = new GracefulDegradationManager(Options, new FakeTimeProvider());
        await Assert.That(m.HandleFailure(McpFailureType.ConnectionTimeout).Level).IsEqualTo(DegradationLevel.PartialDegradation);
        await Assert.That(m.HandleFailure(McpFailureType.ConnectionTimeout).Level).IsEqualTo(DegradationLevel.EmergencyMode);
        await Assert.That(m.HandleFailure(McpFailureType.ConnectionTimeout).Level).IsEqualTo(DegradationLevel.EmergencyMode);
        await Assert.That(m.GetStats().TransitionCount).IsEqualTo(2);
    }

    [Test]
    public async Task Service_unavailable_goes_to_emergency_and_authentication_failure_to_safe_mode()
    {
        var m = new GracefulDegradationManager(Options, new FakeTimeProvider());
        await Assert.That(m.HandleFailure(McpFailureType.ServiceUnavailable).Level).IsEqualTo(DegradationLevel.EmergencyMode);
        await Assert.That(m.HandleFailure(McpFailureType.AuthenticationFailure).Level).IsEqualTo(DegradationLevel.SafeMode);
        // A failure never raises the level.
        await Assert.That(m.HandleFailure(McpFailureType.ServiceUnavailable).Level).IsEqualTo(DegradationLevel.SafeMode);
        await Assert.That(m.HandleFailure(McpFailureType.ConnectionTimeout).Level).IsEqualTo(DegradationLevel.SafeMode);
    }

    [Test]
    public async Task Recovery_climbs_one_level_per_healthy_interval_on_its_own_timer()
    {
        var time = new FakeTimeProvider();
        using var m = new GracefulDegradationManager(Options, time);
        m.HandleFailure(McpFailureType.AuthenticationFailure);
        time.Advance(TimeSpan.FromMinutes(10)); // unhealthy all along: time alone changes nothing
        await Assert.That(m.Level).IsEqualTo(DegradationLevel.SafeMode);

        m.ReportHealthy();
        time.Advance(TimeSpan.FromSeconds(29));
        await Assert.That(m.Level).IsEqualTo(DegradationLevel.SafeMode); // the interval counts from the moment it is healthy
        m.ReportHealthy(); // repeated reports neither restart nor hurry the interval
        time.Advance(TimeSpan.FromSeconds(1));
        await Assert.That(m.Level).IsEqualTo(DegradationLevel.EmergencyMode);
        time.Advance(TimeSpan.FromSeconds(29));
        await Assert.That(m.Level).IsEqualTo(DegradationLevel.EmergencyMode); // not a jump
        time.Advance(TimeSpan.FromSeconds(1));
        await Assert.That(m.Level).IsEqualTo(DegradationLevel.PartialDegradation);
        time.Advance(TimeSpan.FromSeconds(30));
        await Assert.That(m.Level).IsEqualTo(DegradationLevel.FullyOperational);
        time.Advance(TimeSpan.FromSeconds(30));
        await Assert.That(m.Level).IsEqualTo(DegradationLevel.FullyOperational);
        await Assert.That(m.GetStats().TransitionCount).IsEqualTo(4);
    }

    [Test]
    public async Task A_failure_during_recovery_starts_the_healthy_interval_over()
    {
        var time = new FakeTimeProvider();
        using var m = new GracefulDegradationManager(Options, time);
        m.HandleFailure(McpFailureType.ServiceUnavailable);
        time.Advance(TimeSpan.FromSeconds(100)); // a long outage: the last change was long ago
        m.ReportHealthy();
        // The link came back now: the first step is one interval from now, not at once.
        await Assert.That(m.Level).IsEqualTo(DegradationLevel.EmergencyMode);
        await Assert.That(m.HealthySince).IsEqualTo(time.GetUtcNow());
        time.Advance(TimeSpan.FromSeconds(20));
        m.HandleFailure(McpFailureType.ConnectionTimeout); // already below: no change, but the healthy interval ends
        await Assert.That(m.HealthySince).IsNull();
        time.Advance(TimeSpan.FromSeconds(20));
        await Assert.That(m.Level).IsEqualTo(DegradationLevel.EmergencyMode);
        m.ReportHealthy();
        time.Advance(TimeSpan.FromSeconds(30));
        await Assert.That(m.Level).IsEqualTo(DegradationLevel.PartialDegradation);
    }

    [Test]
    public async Task A_success_of_work_begun_before_a_failure_does_not_start_recovery()
    {
        var time = new FakeTimeProvider();
        using var m = new GracefulDegradationManager(Options, time);
        var before = m.Failures; // a request starts on the session that is about to die
        m.HandleFailure(McpFailureType.ServiceUnavailable); // the session's connection closes: counted here
        m.ReportHealthy(before); // the request's answer, read before the close, is handled late
        await Assert.That(m.HealthySince).IsNull();
        time.Advance(TimeSpan.FromMinutes(5));
        await Assert.That(m.Level).IsEqualTo(DegradationLevel.EmergencyMode); // no climb while the link is down

        m.ReportHealthy(m.Failures); // work begun after the failure: news
        await Assert.That(m.HealthySince).IsEqualTo(time.GetUtcNow());
        time.Advance(TimeSpan.FromSeconds(30));
        await Assert.That(m.Level).IsEqualTo(DegradationLevel.PartialDegradation);
    }

    [Test]
    public async Task Changes_are_published_in_order_and_history_is_bounded()
    {
        var time = new FakeTimeProvider();
        using var m = new GracefulDegradationManager(Options, time);
        var events = new List<DegradationChange>();
        m.Changed += events.Add;
        m.HandleFailure(McpFailureType.ConnectionTimeout);
        m.HandleFailure(McpFailureType.AuthenticationFailure);
        m.ReportHealthy();
        time.Advance(TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromSeconds(30));

        var read = new List<DegradationChange>();
        while (m.Changes.TryRead(out var c))
        {
            read.Add(c);
        }

        await Assert.That(string.Join(",", read.Select(c => c.To))).IsEqualTo(string.Join(",", new[]
        {
            DegradationLevel.PartialDegradation, DegradationLevel.SafeMode, DegradationLevel.EmergencyMode, DegradationLevel.PartialDegradation,
        }));
        await Assert.That(events.Count).IsEqualTo(4);
        await Assert.That(read[1].Reason).IsEqualTo("authentication failure");
        await Assert.That(read[2].Reason).IsEqualTo("healthy interval");
        var stats = m.GetStats();
        await Assert.That(stats.History.Count).IsEqualTo(3);
        await Assert.That(stats.History[0].To).IsEqualTo(DegradationLevel.SafeMode);
        await Assert.That(stats.LevelName).IsEqualTo("partial_degradation");
    }
}
