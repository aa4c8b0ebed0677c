using Microsoft.Extensions.Time.Testing;
using VisionFlow.Agents.Intake;
using VisionFlow.Protocol.Dialects;

namespace VisionFlow.Agents.Tests;

/// <summary>
/// The swarm of agents our commands spawned into one stays shown although Claude Flow's agent_list never names a swarm,
/// for as long as the session lasts; what the server reports wins.
/// </summary>
public sealed class MembershipOverlayTests
{
    private static async Task<(TelemetryIntake Intake, Session Session)> OpenAsync()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero));
        var intake = Session.NewIntake(new AgentTelemetryOptions(), time);
        return (intake, await Session.OpenAsync(intake));
    }

    private static string? SwarmOf(TelemetryIntake intake, string id) => intake.PublishSnapshotNow().Agents.Single(a => a.Id == id).SwarmId;

    private static AgentSummary Ours(string id, string? swarm, string? model = null) => new(id, "coder", "registered", swarm, null, null, null, null, null, Model: model);

    [Test]
    public async Task An_agent_a_stale_listing_dropped_comes_back_in_its_swarm()
    {
        var (intake, session) = await OpenAsync();
        intake.OnAgentSpawned(session.Id, Ours("a1", "swarm-1"));
        intake.OnAgentSpawned(session.Id, Ours("a2", null));
        await intake.ProcessBatchAsync();
        await Assert.That(SwarmOf(intake, "a1")).IsEqualTo("swarm-1");

        // A poll taken before the spawn, applied after its answer: it drops the agent; the next one lists it with no swarm.
        await session.ListAsync(Wire.List());
        await Assert.That(intake.PublishSnapshotNow().Agents).IsEmpty();
        await session.ListAsync(Wire.List(("a1", "coder", "idle", 0), ("a2", "coder", "idle", 0), ("b1", "tester", "idle", 0)));
        await Assert.That(SwarmOf(intake, "a1")).IsEqualTo("swarm-1");
        await Assert.That(SwarmOf(intake, "a2")).IsNull(); // spawned in no swarm: unknown stays null
        await Assert.That(SwarmOf(intake, "b1")).IsNull(); // not ours: nothing invented
    }

    [Test]
    public async Task The_model_our_spawn_was_answered_with_survives_a_stale_listing_too()
    {
        var (intake, session) = await OpenAsync();
        intake.OnAgentSpawned(session.Id, Ours("a1", "swarm-1", "sonnet"));
        await intake.ProcessBatchAsync();
        await session.ListAsync(Wire.List());
        await session.ListAsync(Wire.List(("a1", "coder", "idle", 0), ("b1", "coder", "idle", 0)));
        var agents = intake.PublishSnapshotNow().Agents;
        await Assert.That(agents.Single(a => a.Id == "a1").Model).IsEqualTo("sonnet");
        await Assert.That(agents.Single(a => a.Id == "b1").Model).IsNull();
    }

    [Test]
    public async Task What_the_server_reports_wins()
    {
        var (intake, session) = await OpenAsync();
        intake.OnAgentSpawned(session.Id, Ours("a1", "swarm-1"));
        await intake.ProcessBatchAsync();
        session.Post(Wire.Bytes("""{"type":"agent.status","data":{"agent_id":"a1","swarm_id":"swarm-2"}}"""));
        await intake.ProcessBatchAsync();
        await Assert.That(SwarmOf(intake, "a1")).IsEqualTo("swarm-2");
        await session.ListAsync(Wire.Bytes("""{"agents":[{"agentId":"a1","agentType":"coder","status":"idle","swarmId":"swarm-3"}]}"""));
        await Assert.That(SwarmOf(intake, "a1")).IsEqualTo("swarm-3");
    }

    [Test]
    public async Task The_overlay_dies_with_the_session_and_with_the_agent()
    {
        var (intake, session) = await OpenAsync();
        intake.OnAgentSpawned(session.Id, Ours("a1", "swarm-1"));
        intake.OnAgentSpawned(session.Id, Ours("a2", "swarm-1"));
        await intake.ProcessBatchAsync();

        // Terminated, then an agent of the same id listed again: not ours any more.
        session.Post(Wire.Terminated("a2"));
        await intake.ProcessBatchAsync();
        await session.ListAsync(Wire.List(("a1", "coder", "idle", 0), ("a2", "coder", "idle", 0)));
        await Assert.That(SwarmOf(intake, "a2")).IsNull();

        // A restarted peer's new session: what it lists is all there is.
        session.End();
        await intake.ProcessBatchAsync();
        var next = await Session.OpenAsync(intake, 2, Wire.List(("a1", "coder", "idle", 0)));
        await Assert.That(next.Id).IsEqualTo(2L);
        await Assert.That(SwarmOf(intake, "a1")).IsNull();
    }
}
