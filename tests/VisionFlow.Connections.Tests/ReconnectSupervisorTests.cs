using Microsoft.Extensions.Time.Testing;
using Polly.CircuitBreaker;
using VisionFlow.Connections.Degradation;
using VisionFlow.Connections.Pooling;
using VisionFlow.Connections.Reconnect;
using VisionFlow.Connections.Resilience;

namespace VisionFlow.Connections.Tests;

public sealed class ReconnectSupervisorTests
{
    private static readonly ReconnectOptions Options = new()
    {
        Attempts = 3,
        Delay = TimeSpan.FromSeconds(1),
        ConnectTimeout = TimeSpan.FromSeconds(30),
        FirstAttemptTimeout = TimeSpan.FromSeconds(30),
        ProbeBackoffMultiplier = 2,
        MaxProbeDelay = TimeSpan.FromSeconds(4),
    };

    [Test]
    public async Task After_the_quick_attempts_it_keeps_probing_with_capped_backoff_until_the_server_returns()
    {
        var time = new SignallingTimeProvider();
        var calls = 0;
        ValueTask Connect(CancellationToken ct) =>
            Interlocked.Increment(ref calls) <= 7
                ? ValueTask.FromException(new ConnectException(ConnectFailureKind.Refused, "127.0.0.1", 9500, null))
                : default;

        await using var supervisor = new ReconnectSupervisor(Connect, Options, time);
        var reconnected = new TaskCompletionSource<ReconnectedInfo>(TaskCreationOptions.RunContinuationsAsynchronously);
        var failures = 0;
        supervisor.AttemptFailed += (_, _) => Interlocked.Increment(ref failures);
        supervisor.Reconnected += info => reconnected.TrySetResult(info);

        supervisor.ConnectionLost(new IOException("connection reset"));
        var delays = new List<TimeSpan>();
        for (var i = 0; i < 7; i++)
        {
            var due = await time.NextTimerAsync(d => d != Options.ConnectTimeout);
            delays.Add(due);
            time.Advance(due);
        }

        var info = await reconnected.Task.WaitAsync(TimeSpan.FromSeconds(10));

        await Assert.That(string.Join(",", delays.Select(d => d.TotalSeconds))).IsEqualTo("1,1,2,4,4,4,4");
        await Assert.That(info.Attempts).IsEqualTo(8);
        await Assert.That(info.AfterProbing).IsTrue();
        await Assert.That(info.Downtime).IsEqualTo(TimeSpan.FromSeconds(20));
        await Assert.That(failures).IsEqualTo(7);
        await Assert.That(supervisor.State).IsEqualTo(ReconnectState.Connected);
        var stats = supervisor.GetStats();
        await Assert.That(stats.Reconnections).IsEqualTo(1);
        await Assert.That(stats.FailedAttempts).IsEqualTo(7);
    }

    [Test]
    public async Task It_is_probing_once_the_attempts_run_out()
    {
        var time = new SignallingTimeProvider();
        await using var supervisor = new ReconnectSupervisor(static _ => ValueTask.FromException(new IOException("down")), Options, time);
        supervisor.ConnectionLost();
        for (var i = 0; i < 3; i++)
        {
            var due = await time.NextTimerAsync(d => d != Options.ConnectTimeout);
            if (i < 2)
            {
                time.Advance(due);
            }
        }

        await Assert.That(supervisor.State).IsEqualTo(ReconnectState.Probing);
        await Assert.That(supervisor.GetStats().Attempts).IsEqualTo(3);
    }

    [Test]
    public async Task A_connect_that_hangs_past_the_connect_timeout_counts_as_a_failed_attempt()
    {
        var time = new SignallingTimeProvider();
        var calls = 0;
        async ValueTask Connect(CancellationToken ct)
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
        }

        await using var supervisor = new ReconnectSupervisor(Connect, Options, time);
        Exception? failure = null;
        supervisor.AttemptFailed += (ex, _) => failure = ex;
        supervisor.ConnectionLost();
        time.Advance(await time.NextTimerAsync(d => d == Options.ConnectTimeout));
        time.Advance(await time.NextTimerAsync(d => d == Options.Delay));
        await supervisor.Current.WaitAsync(TimeSpan.FromSeconds(10));

        await Assert.That(failure).IsTypeOf<ConnectException>();
        await Assert.That(supervisor.State).IsEqualTo(ReconnectState.Connected);
        await Assert.That(calls).IsEqualTo(2);
    }

    [Test]
    public async Task A_peer_that_accepts_and_never_answers_costs_a_short_attempt_that_doubles_up_to_the_connect_timeout()
    {
        var time = new SignallingTimeProvider();
        var calls = 0;
        async ValueTask Connect(CancellationToken ct)
        {
            // Four silent peers (a blackholed route), then a server that answers.
            if (Interlocked.Increment(ref calls) <= 4)
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
        }

        var options = Options with { FirstAttemptTimeout = TimeSpan.FromSeconds(5), ConnectTimeout = TimeSpan.FromSeconds(12), Delay = TimeSpan.FromMilliseconds(250) };
        await using var supervisor = new ReconnectSupervisor(Connect, options, time);
        var messages = new List<string>();
        supervisor.AttemptFailed += (ex, _) => messages.Add(ex.Message);
        supervisor.ConnectionLost();
        var bounds = new List<TimeSpan>();
        for (var i = 0; i < 4; i++)
        {
            var bound = await time.NextTimerAsync(d => d >= TimeSpan.FromSeconds(5));
            bounds.Add(bound);
            time.Advance(bound);
            time.Advance(await time.NextTimerAsync(d => d < TimeSpan.FromSeconds(5)));
        }

        await supervisor.Current.WaitAsync(TimeSpan.FromSeconds(10));

        await Assert.That(string.Join(",", bounds.Select(b => b.TotalSeconds))).IsEqualTo("5,10,12,12");
        await Assert.That(messages[0]).Contains("timed out after 5000 ms");
        await Assert.That(supervisor.State).IsEqualTo(ReconnectState.Connected);
        await Assert.That(calls).IsEqualTo(5);
    }

    [Test]
    public async Task The_first_attempt_bound_never_exceeds_the_connect_timeout()
    {
        var time = new SignallingTimeProvider();
        var calls = 0;
        async ValueTask Connect(CancellationToken ct)
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
        }

        var options = Options with { FirstAttemptTimeout = TimeSpan.FromSeconds(20), ConnectTimeout = TimeSpan.FromSeconds(3) };
        await using var supervisor = new ReconnectSupervisor(Connect, options, time);
        supervisor.ConnectionLost();
        var bound = await time.NextTimerAsync(d => d > options.Delay);
        time.Advance(bound);
        time.Advance(await time.NextTimerAsync(d => d == options.Delay));
        await supervisor.Current.WaitAsync(TimeSpan.FromSeconds(10));

        await Assert.That(bound).IsEqualTo(TimeSpan.FromSeconds(3));
        await Assert.That(calls).IsEqualTo(2);
    }

    [Test]
    public async Task Reconnecting_closes_an_open_breaker_and_reports_the_loss_to_degradation()
    {
        var time = new FakeTimeProvider();
        var mcp = McpResiliencePipelineFactory.Create(new McpResilienceOptions { MaxAttempts = 1, FailureThreshold = 1, AttemptTimeout = null }, time);
        try
        {
            await mcp.Pipeline.ExecuteAsync(static _ => ValueTask.FromException(new IOException("reset")));
        }
        catch (IOException)
        {
        }

        await Assert.That(mcp.CircuitBreaker.State).IsEqualTo(CircuitState.Open);
        var degradation = new GracefulDegradationManager(new DegradationOptions(), time);
        await using var supervisor = new ReconnectSupervisor(static _ => default, Options, time, breaker: mcp.CircuitBreaker, degradation: degradation);

        supervisor.ConnectionLost(new ConnectException(ConnectFailureKind.Refused, "127.0.0.1", 9500, null));
        await supervisor.Current.WaitAsync(TimeSpan.FromSeconds(10));

        await Assert.That(mcp.CircuitBreaker.State).IsEqualTo(CircuitState.Closed);
        await Assert.That(degradation.Level).IsEqualTo(DegradationLevel.EmergencyMode);
    }

    [Test]
    public async Task A_second_loss_report_while_reconnecting_does_not_start_a_second_loop()
    {
        var time = new SignallingTimeProvider();
        var calls = 0;
        await using var supervisor = new ReconnectSupervisor(_ => { Interlocked.Increment(ref calls); return ValueTask.FromException(new IOException("down")); }, Options, time);
        supervisor.ConnectionLost();
        supervisor.ConnectionLost();
        await time.NextTimerAsync(d => d == Options.Delay);

        await Assert.That(supervisor.GetStats().Disconnects).IsEqualTo(1);
        await Assert.That(calls).IsEqualTo(1);
    }
}
