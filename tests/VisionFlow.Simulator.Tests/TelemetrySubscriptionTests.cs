using System.Text;
using VisionFlow.Simulator.Model;
using VisionFlow.Simulator.Dialects;

namespace VisionFlow.Simulator.Tests;

public sealed class TelemetrySubscriptionTests
{
    [Test]
    [Arguments("""{"events":["agent.*","message.*","metrics.*"],"interval_ms":100}""", TelemetryEvents.All, 100)]
    [Arguments("""{"events":["agent.status"]}""", TelemetryEvents.AgentStatus, 100)]
    [Arguments("""{"events":["agent.*"],"interval_ms":250}""", TelemetryEvents.AgentSpawned | TelemetryEvents.AgentTerminated | TelemetryEvents.AgentStatus, 250)]
    [Arguments("""{"events":["*.flow","metrics.swarm"]}""", TelemetryEvents.MessageFlow | TelemetryEvents.Metrics, 100)]
    [Arguments("""{}""", TelemetryEvents.All, 100)]
    [Arguments("", TelemetryEvents.All, 100)]
    public async Task Globs_select_event_types(string json, TelemetryEvents expected, int intervalMs)
    {
        var ok = TelemetrySubscription.TryParse(Encoding.UTF8.GetBytes(json), out var sub, out var error);
        await Assert.That(ok).IsTrue();
        await Assert.That(error.Message).IsNull();
        await Assert.That(sub.Events).IsEqualTo(expected);
        await Assert.That(sub.Interval).IsEqualTo(TimeSpan.FromMilliseconds(intervalMs));
    }

    [Test]
    [Arguments("""{"events":"agent.*"}""")]
    [Arguments("""{"events":["nothing.*"]}""")]
    [Arguments("""{"events":[3]}""")]
    [Arguments("""{"interval_ms":"fast"}""")]
    [Arguments("""{"interval_ms":600000}""")]
    [Arguments("""not json""")]
    public async Task Bad_subscriptions_are_typed_errors(string json)
    {
        var ok = TelemetrySubscription.TryParse(Encoding.UTF8.GetBytes(json), out _, out var error);
        await Assert.That(ok).IsFalse();
        await Assert.That(error.Kind).IsEqualTo(SimulatorErrorKind.InvalidArguments);
        await Assert.That(error.Message).IsNotEmpty();
    }

    [Test]
    [Arguments("*", "agent.status", true)]
    [Arguments("agent.*", "agent.status", true)]
    [Arguments("agent.*", "message.flow", false)]
    [Arguments("*.status", "agent.status", true)]
    [Arguments("a*t*s", "agent.status", true)]
    [Arguments("agent.status", "agent.statusx", false)]
    public async Task Glob_matching(string pattern, string text, bool expected)
    {
        await Assert.That(TelemetrySubscription.GlobMatches(pattern, text)).IsEqualTo(expected);
    }
}
