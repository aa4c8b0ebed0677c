using VisionFlow.Agents;
using VisionFlow.Agents.Intake;
using VisionFlow.Connections.Link;
using VisionFlow.Protocol.Dialects;
using VisionFlow.Testing;

namespace VisionFlow.Interop.Tests;

/// <summary>The product's MCP link and telemetry intake against the real claude-flow server over TCP.</summary>
[ClassDataSource<ClaudeFlowBridge>(Shared = SharedType.PerClass)]
[NotInParallel("claude-flow")]
public sealed class ClaudeFlowLinkTests(ClaudeFlowBridge bridge)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Test]
    public async Task The_link_polls_claude_flow_and_shows_our_spawn_without_inventing_values()
    {
        using var stop = new CancellationTokenSource();
        Task loop;
        await using (var link = new McpLink(new McpLinkOptions { Host = "127.0.0.1", Port = bridge.Port, ClientVersion = "interop-test", ConnectionTimeout = TimeSpan.FromSeconds(60) }))
        {
            var intake = new TelemetryIntake(new AgentTelemetryOptions(), TimeProvider.System, link.Sessions);
            loop = Task.Run(() => intake.RunAsync(stop.Token));
            link.Start();
            await Until(() => link.Status.State == McpLinkState.Connected, "the session");
            await Assert.That(link.Status.Telemetry).IsEqualTo(TelemetryMode.Poll); // claude-flow pushes nothing
            await Assert.That(link.Status.Profile!.Dialect).IsEqualTo(ServerDialect.Mcp);

            using var timeout = new CancellationTokenSource(Patience);
            var swarm = await link.ExecuteAsync((c, t) => c.InitializeSwarmAsync(new SwarmInitRequest("mesh", 4, null, [], null), t), timeout.Token, changesState: true);
            var agent = await link.ExecuteAsync((c, t) => c.SpawnAgentAsync(new AgentSpawnRequest("coder", swarm.Id), t), timeout.Token, changesState: true);

            // The listing is refreshed right after the command, not at the next slow poll.
            await Until(() => intake.Cache.Snapshot.Agents.Any(a => a.Id == agent.Id), "the spawned agent in the cache");
            var shown = intake.Cache.Snapshot.Agents.Single(a => a.Id == agent.Id);
            await Assert.That(shown.Type).IsEqualTo("coder");
            // claude-flow reports no CPU, memory or token figures: unknown, not zero.
            await Assert.That(shown.CpuUsage).IsNull();
            await Assert.That(shown.MemoryUsage).IsNull();
            await Assert.That(shown.TokensUsed).IsNull();

            await link.ExecuteAsync(async (c, t) =>
            {
                await c.TerminateAgentAsync(agent.Id, t);
                return true;
            }, timeout.Token, changesState: true);
            await Until(() => intake.Cache.Snapshot.Agents.All(a => a.Id != agent.Id), "the terminated agent gone");
            await link.ExecuteAsync(async (c, t) =>
            {
                await c.DissolveSwarmAsync(swarm.Id, t);
                return true;
            }, timeout.Token, changesState: true);
        }

        await stop.CancelAsync();
        await loop;
    }

    private static Task Until(Func<bool> condition, string what) => Eventually.UntilAsync(condition, what, Patience, pollMilliseconds: 20);
}
