using VisionFlow.Protocol.Contracts.Mcp;

namespace VisionFlow.Generators.Tests;

/// <summary>Test double for the server side of <see cref="IMcpDialect"/>: records what arrived, answers from it.</summary>
internal sealed class FakeMcpDialect : IMcpDialect
{
    public List<object?> Received { get; } = [];

    public int InitializedCount { get; private set; }

    public ValueTask<McpInitializeResult> InitializeAsync(McpInitializeParams parameters, CancellationToken cancellationToken = default)
    {
        Received.Add(parameters);
        return ValueTask.FromResult(new McpInitializeResult
        {
            ProtocolVersion = parameters.ProtocolVersion,
            Capabilities = new McpCapabilities { Tools = Json.Parse("""{"listChanged":false}""") },
            ServerInfo = new McpImplementation { Name = "fake-of-" + parameters.ClientInfo.Name, Version = "1.0.0" },
        });
    }

    public ValueTask InitializedAsync(CancellationToken cancellationToken = default)
    {
        InitializedCount++;
        return ValueTask.CompletedTask;
    }

    public ValueTask<McpToolsListResult> ListToolsAsync(McpToolsListParams? parameters, CancellationToken cancellationToken = default)
    {
        Received.Add(parameters);
        return ValueTask.FromResult(new McpToolsListResult
        {
            Tools = [new McpTool { Name = "swarm_init", Description = "Initialize a swarm", InputSchema = Json.Parse("""{"type":"object","properties":{"topology":{"type":"string"}}}""") }],
            NextCursor = parameters?.Cursor is null ? "page-2" : null,
        });
    }

    public ValueTask<McpToolCallResult> CallToolAsync(McpToolCallParams parameters, CancellationToken cancellationToken = default)
    {
        Received.Add(parameters);
        return ValueTask.FromResult(new McpToolCallResult
        {
            Content = [new McpContent { Type = "text", Text = parameters.Arguments?.GetRawText() }],
            IsError = parameters.Name != "swarm_init",
        });
    }

    public ValueTask<McpEmptyResult> PingAsync(CancellationToken cancellationToken = default)
    {
        Received.Add(null);
        return ValueTask.FromResult(new McpEmptyResult());
    }
}

/// <summary>Parses JSON text into a detached element.</summary>
internal static class Json
{
    public static System.Text.Json.JsonElement Parse(string json)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
