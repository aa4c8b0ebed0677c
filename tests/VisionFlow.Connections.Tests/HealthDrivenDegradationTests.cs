using Microsoft.Extensions.Time.Testing;
using VisionFlow.Connections.Degradation;
using VisionFlow.Connections.Health;
using VisionFlow.Connections.Pooling;

namespace VisionFlow.Connections.Tests;

public sealed class HealthDrivenDegradationTests
{
    [Test]
    public async Task Unhealthy_pings_degrade_by_failure_type_and_healthy_intervals_recover_stepwise()
    {
        var time = new FakeTimeProvider();
        Exception? next = null;
        await using var health = new McpHealthChecker(
            _ => next is null ? default : ValueTask.FromException(next),
            new HealthCheckerOptions { HealthyThreshold = 1, UnhealthyThreshold = 2 },
            time);
        var degradation = new GracefulDegradationManager(new DegradationOptions { RecoveryInterval = TimeSpan.FromSeconds(10) }, time);
        using var bridge = new HealthDrivenDegradation(health, degradation);

        next = new ConnectException(ConnectFailureKind.Refused, "127.0.0.1", 9500, null);
        await health.CheckNowAsync(); // degraded: no change yet
        await Assert.That(degradation.Level).IsEqualTo(DegradationLevel.FullyOperational);
        var unhealthy = await health.CheckNowAsync();
        await Assert.That(unhealthy.FailureType).IsEqualTo(McpFailureType.ServiceUnavailable);
        await Assert.That(degradation.Level).IsEqualTo(DegradationLevel.EmergencyMode);

        next = null;
        time.Advance(TimeSpan.FromSeconds(10));
        await health.CheckNowAsync();
        await Assert.That(degradation.Level).IsEqualTo(DegradationLevel.PartialDegradation);
        await health.CheckNowAsync(); // same interval: no second step
        await Assert.That(degradation.Level).IsEqualTo(DegradationLevel.PartialDegradation);
        time.Advance(TimeSpan.FromSeconds(10));
        await health.CheckNowAsync();
        await Assert.That(degradation.Level).IsEqualTo(DegradationLevel.FullyOperational);
    }
}
