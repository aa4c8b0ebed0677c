using Microsoft.Extensions.Hosting;
using VisionFlow.Server.Graph;
using VisionFlow.Server.Mcp;

namespace VisionFlow.Server.Hosting;

/// <summary>Starts the MCP gateway and the graph/physics service with the host, and stops them (graph first) with it.</summary>
internal sealed class RuntimeServices(McpGateway gateway, GraphService graph) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        gateway.Start();
        // Probing Vulkan devices can take longer than the whole start-up budget: the service answers while it runs.
        _ = Task.Run(graph.Start, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await graph.DisposeAsync().ConfigureAwait(false);
        await gateway.DisposeAsync().ConfigureAwait(false);
    }
}
