using Microsoft.Extensions.Hosting;
using VisionFlow.Server.Api;
using VisionFlow.Server.Graph;
using VisionFlow.Server.Mcp;

namespace VisionFlow.Server.Hosting;

/// <summary>
/// Starts the MCP link and the graph/physics service once Kestrel is listening, and stops them (graph first) with
/// the host. Starting after the listener keeps device probing and the first MCP connection off the start-up path:
/// the service answers <c>/api/health</c> first and reports those subsystems as coming up.
/// </summary>
/// <remarks>
/// The <c>/ws</c> topics are taken here too, so they hear the intake's change sets and the structure tracker's reads from
/// the first on.
/// </remarks>
internal sealed class RuntimeServices(McpServices mcp, GraphService graph, AgentsTopic agentsTopic, StructureTopics structureTopics, IHostApplicationLifetime lifetime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        GC.KeepAlive(agentsTopic);
        GC.KeepAlive(structureTopics);
        lifetime.ApplicationStarted.Register(() =>
        {
            mcp.Start();
            _ = Task.Run(graph.Start, CancellationToken.None);
        });
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await graph.DisposeAsync().ConfigureAwait(false);
        await mcp.DisposeAsync().ConfigureAwait(false);
    }
}
