using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using VisionFlow.Connections.Health;
using VisionFlow.Testing;

namespace VisionFlow.Connections.Tests;

public sealed class HealthCheckerTests
{
    private static readonly HealthCheckerOptions Options = new()
    {
        Interval = TimeSpan.FromSeconds(10),
        Timeout = TimeSpan.FromSeconds(5),
        HealthyThreshold = 2,
        UnhealthyThreshold = 3,
        LatencySmoothing = 0.5,
        LatencyTarget = TimeSpan.FromMilliseconds(200),
        ScoreWindow = 4,
    };

    private sealed class ScriptedPing(FakeTimeProvider time)
    {
        public Queue<(bool Pass, int LatencyMs)> Script { get; } = new();

        public int Calls { get; private set; }

        public ValueTask PingAsync(CancellationToken ct)
        {
            Calls++;
            var (pass, latency) = Script.Count > 0 ? Script.Dequeue() : (true, 0);
            time.Advance(TimeSpan.FromMilliseconds(latency));
            return pass ? default : ValueTask.FromException(new IOException("connection reset"));
        }
    }

    [Test]
    public async Task Thresholds_move_status_through_degraded()
    {
        var time = new FakeTimeProvider();
        var ping = new ScriptedPing(time);
        await using var checker = new McpHealthChecker(ping.PingAsync, Options, time);
        var seen = new List<HealthStatus>();
        foreach (var pass in new[] { true, true, false, false, false, true, true })
        {
            ping.Script.Enqueue((pass, 10));
            seen.Add((await checker.CheckNowAsync()).Status);
        }

        await Assert.That(string.Join(",", seen)).IsEqualTo(string.Join(",", new[]
        {
            HealthStatus.Healthy, HealthStatus.Healthy,       // a first pass has nothing to doubt
            HealthStatus.Degraded, HealthStatus.Degraded, HealthStatus.Unhealthy, // three failures to be unhealthy
            HealthStatus.Degraded, HealthStatus.Healthy,      // and two passes back after failures
        }));
        var stats = checker.GetStats();
        await Assert.That(stats.TotalChecks).IsEqualTo(7);
        await Assert.That(stats.FailedChecks).IsEqualTo(3);
        await Assert.That(stats.LastError).IsNull();
    }

    [Test]
    public async Task A_peer_that_stays_down_is_one_warning_not_one_per_ping()
    {
        var time = new FakeTimeProvider();
        var logger = new CollectingLogger();
        var script = new Queue<Exception?>([new IOException("connection reset"), new IOException("connection reset"), new IOException("connection reset"),
            new TimeoutException("no answer"), null, new IOException("connection reset"), new IOException("connection reset")]);
        await using var checker = new McpHealthChecker(_ => script.Dequeue() is { } ex ? ValueTask.FromException(ex) : default, Options, time, logger);
        while (script.Count > 0)
        {
            await checker.CheckNowAsync();
        }

        // Warned when the pings started failing, when they failed for another reason, and when they failed again after
        // a pass; the repeats are there at debug level for whoever wants every ping.
        var warnings = logger.Entries.Where(e => e.Level == LogLevel.Warning && e.Message.StartsWith("MCP ping failed", StringComparison.Ordinal)).ToList();
        await Assert.That(warnings.Count).IsEqualTo(3);
        await Assert.That(warnings[1].Message).Contains("(timeout)");
        await Assert.That(logger.Entries.Count(e => e.Level == LogLevel.Debug && e.Message.StartsWith("MCP ping failed again", StringComparison.Ordinal))).IsEqualTo(3);
        await Assert.That(checker.GetStats().FailedChecks).IsEqualTo(6);
    }

    [Test]
    public async Task Latency_is_an_ewma_and_the_score_combines_success_rate_and_latency()
    {
        var time = new FakeTimeProvider();
        var ping = new ScriptedPing(time);
        await using var checker = new McpHealthChecker(ping.PingAsync, Options, time);
        ping.Script.Enqueue((true, 100));
        ping.Script.Enqueue((true, 300)); // ewma 0.5*300 + 0.5*100 = 200
        await checker.CheckNowAsync();
        await checker.CheckNowAsync();
        await Assert.That(checker.GetStats().AverageLatencyMs).IsEqualTo(200.0).Within(1e-9);
        await Assert.That(checker.GetStats().HealthScore).IsEqualTo(1.0).Within(1e-9);

        ping.Script.Enqueue((true, 600)); // ewma 400: latency factor 200/400 = 0.5
        ping.Script.Enqueue((false, 0));  // success rate 3/4
        await checker.CheckNowAsync();
        await checker.CheckNowAsync();

        var stats = checker.GetStats();
        await Assert.That(stats.AverageLatencyMs).IsEqualTo(400.0).Within(1e-9);
        await Assert.That(stats.HealthScore).IsEqualTo(0.375).Within(1e-9);
        await Assert.That(stats.LastLatencyMs).IsEqualTo(0.0);
        await Assert.That(stats.LastError).IsEqualTo("connection reset");
    }

    [Test]
    public async Task Score_is_zero_before_any_check_and_last_success_is_tracked()
    {
        var time = new FakeTimeProvider();
        var ping = new ScriptedPing(time);
        await using var checker = new McpHealthChecker(ping.PingAsync, Options, time);
        await Assert.That(checker.GetStats().HealthScore).IsEqualTo(0.0);
        await Assert.That(checker.GetStats().LastSuccessAt).IsNull();

        ping.Script.Enqueue((true, 0));
        await checker.CheckNowAsync();
        var at = time.GetUtcNow();
        time.Advance(TimeSpan.FromSeconds(3));
        ping.Script.Enqueue((false, 0));
        await checker.CheckNowAsync();

        await Assert.That(checker.GetStats().LastSuccessAt).IsEqualTo(at);
    }

    [Test]
    public async Task A_ping_slower_than_the_timeout_fails()
    {
        var time = new SignallingTimeProvider();
        await using var checker = new McpHealthChecker(static async ct => await Task.Delay(Timeout.Infinite, ct), Options, time);
        var check = checker.CheckNowAsync();
        time.Advance(await time.NextTimerAsync(d => d == TimeSpan.FromSeconds(5)));

        var result = await check.WaitAsync(TimeSpan.FromSeconds(10));
        await Assert.That(result.Succeeded).IsFalse();
        await Assert.That(result.Error!).Contains("timed out");
    }

    [Test]
    public async Task Started_checker_pings_every_interval()
    {
        var time = new FakeTimeProvider();
        var pinged = new SemaphoreSlim(0);
        await using var checker = new McpHealthChecker(_ => { pinged.Release(); return default; }, Options, time);
        checker.Start();
        time.Advance(TimeSpan.FromSeconds(10));
        await Assert.That(await pinged.WaitAsync(TimeSpan.FromSeconds(10))).IsTrue();
        time.Advance(TimeSpan.FromSeconds(10));
        await Assert.That(await pinged.WaitAsync(TimeSpan.FromSeconds(10))).IsTrue();
    }
}
