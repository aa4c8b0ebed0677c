using System.Collections.Frozen;
using System.Text.Json;
using VisionFlow.Protocol.Contracts.Mcp;
using VisionFlow.Protocol.Contracts.Plain;

namespace VisionFlow.Protocol.Dialects;

/// <summary>
/// What a server turned out to be: its dialect, identity and (for MCP) the tools it offers. Detected once per server
/// and shared by every pooled connection to it; re-detected after a reconnect, since the peer may have changed.
/// </summary>
public sealed record ServerProfile
{
    /// <summary>MCP revision VisionFlow asks for; servers may answer another (Claude Flow always says 2024-11-05).</summary>
    public const string RequestedProtocolVersion = "2025-06-18";

    /// <summary>The detected dialect.</summary>
    public required ServerDialect Dialect { get; init; }

    /// <summary>Server name (<c>serverInfo.name</c>, e.g. <c>ruflo</c>), or "plain-json-rpc".</summary>
    public required string ServerName { get; init; }

    /// <summary>Server version when reported.</summary>
    public string? ServerVersion { get; init; }

    /// <summary>Negotiated MCP protocol version (MCP only).</summary>
    public string? ProtocolVersion { get; init; }

    /// <summary>True when the peer says it is a simulator: its data must be labelled as simulated everywhere.</summary>
    public bool IsSimulator { get; init; }

    /// <summary>Offered tools by name (MCP only; empty for the plain dialect).</summary>
    public FrozenDictionary<string, McpTool> Tools { get; init; } = FrozenDictionary<string, McpTool>.Empty;

    /// <summary>The agent types the server accepts, learnt this session (null types while it has not said).</summary>
    public AgentTypeVocabulary AgentTypes { get; init; } = new();

    /// <summary>True when the server pushes telemetry itself (plain dialect); MCP servers are polled.</summary>
    public bool PushesTelemetry => Dialect == ServerDialect.Plain;

    /// <summary>The swarm client for this server's dialect over <paramref name="invoker"/> (a connection to this server).</summary>
    public ISwarmClient CreateClient(IJsonRpcInvoker invoker) =>
        Dialect == ServerDialect.Plain ? new PlainSwarmClient(invoker, this) : new McpSwarmClient(invoker, this);

    /// <summary>Human label, e.g. "ruflo 3.0.0 (MCP 2024-11-05)".</summary>
    public string Describe() =>
        Dialect == ServerDialect.Mcp
            ? $"{ServerName} {ServerVersion} (MCP {ProtocolVersion}){(IsSimulator ? " [simulator]" : string.Empty)}"
            : $"{ServerName} (plain JSON-RPC){(IsSimulator ? " [simulator]" : string.Empty)}";

    /// <summary>Opens an MCP session on one connection: <c>initialize</c> then <c>notifications/initialized</c>.</summary>
    public static async ValueTask<McpInitializeResult> HandshakeAsync(IJsonRpcInvoker invoker, string clientVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invoker);
        var mcp = new McpDialectClient(invoker);
        var result = await mcp.InitializeAsync(
            new McpInitializeParams
            {
                ProtocolVersion = RequestedProtocolVersion,
                Capabilities = new McpCapabilities(),
                ClientInfo = new McpImplementation { Name = "visionflow", Version = clientVersion },
            },
            cancellationToken).ConfigureAwait(false);
        await mcp.InitializedAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// Asks the server to push telemetry lines whose type matches one of the <paramref name="events"/> globs, every
    /// <paramref name="interval"/> (<c>telemetry.subscribe</c>); false when it has no such method (Claude Flow's MCP
    /// server, which is polled instead).
    /// </summary>
    public static async ValueTask<bool> SubscribeTelemetryAsync(IJsonRpcInvoker invoker, IReadOnlyList<string> events, TimeSpan interval, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invoker);
        try
        {
            await new PlainDialectClient(invoker).SubscribeTelemetryAsync(
                new TelemetrySubscribeParams { Events = events, IntervalMs = (int)interval.TotalMilliseconds },
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (JsonRpcException ex) when (ex.Code == JsonRpcErrorCodes.MethodNotFound)
        {
            return false;
        }
    }

    /// <summary>
    /// Detects the dialect: an <c>initialize</c> answered with a result means MCP (then <c>tools/list</c> is read, all
    /// pages); "method not found" means the plain dialect, confirmed with <c>system.ping</c>.
    /// </summary>
    public static async ValueTask<ServerProfile> DetectAsync(IJsonRpcInvoker invoker, string clientVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invoker);
        McpInitializeResult init;
        try
        {
            init = await HandshakeAsync(invoker, clientVersion, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonRpcException ex) when (ex.Code == JsonRpcErrorCodes.MethodNotFound)
        {
            var ping = await new PlainDialectClient(invoker).PingAsync(cancellationToken).ConfigureAwait(false);
            return new ServerProfile
            {
                Dialect = ServerDialect.Plain,
                ServerName = ReadString(ping, "server") ?? "plain-json-rpc",
                ServerVersion = ReadString(ping, "version"),
                IsSimulator = ReadBool(ping, "simulated"),
            };
        }

        var tools = new Dictionary<string, McpTool>(StringComparer.Ordinal);
        var mcp = new McpDialectClient(invoker);
        string? cursor = null;
        // A hostile server could page forever; 64 pages of tools is far beyond any real one.
        for (var page = 0; page < 64; page++)
        {
            var list = await mcp.ListToolsAsync(cursor is null ? null : new McpToolsListParams { Cursor = cursor }, cancellationToken).ConfigureAwait(false);
            foreach (var tool in list.Tools)
            {
                tools.TryAdd(tool.Name, tool);
            }

            cursor = list.NextCursor;
            if (string.IsNullOrEmpty(cursor))
            {
                break;
            }
        }

        var name = init.ServerInfo?.Name ?? "unknown-mcp-server";
        var vocabulary = new AgentTypeVocabulary();
        if (tools.TryGetValue("agent_spawn", out var spawn) && !vocabulary.LearnFromSchema(spawn))
        {
            await ProbeAgentTypesAsync(mcp, vocabulary, cancellationToken).ConfigureAwait(false);
        }

        return new ServerProfile
        {
            Dialect = ServerDialect.Mcp,
            ServerName = name,
            ServerVersion = init.ServerInfo?.Version,
            ProtocolVersion = init.ProtocolVersion,
            IsSimulator = name.Contains("simulator", StringComparison.OrdinalIgnoreCase),
            Tools = tools.ToFrozenDictionary(StringComparer.Ordinal),
            AgentTypes = vocabulary,
        };
    }

    /// <summary>
    /// Asks the server which agent types it accepts when its schema does not say: an <c>agent_spawn</c> without the
    /// <c>agentType</c> its schema requires, which a validating server refuses with the list (Claude Flow 3.43 does,
    /// creating nothing). A server that makes an agent anyway gets it terminated at once, and the list stays unknown.
    /// </summary>
    private static async ValueTask ProbeAgentTypesAsync(McpDialectClient mcp, AgentTypeVocabulary vocabulary, CancellationToken cancellationToken)
    {
        McpToolCallResult result;
        try
        {
            using var empty = JsonDocument.Parse("{}");
            result = await mcp.CallToolAsync(new McpToolCallParams { Name = "agent_spawn", Arguments = empty.RootElement.Clone() }, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonRpcException)
        {
            return; // the server refused the call itself: nothing learnt, nothing made
        }

        if (ToolResults.ReportedFailure(result) is { } refusal)
        {
            vocabulary.LearnFromRefusal(refusal);
            return;
        }

        try
        {
            using var made = ToolResults.Read("agent_spawn", result);
            var agent = Summaries.Agent(made.RootElement);
            var buffer = new System.Buffers.ArrayBufferWriter<byte>(64);
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                w.WriteString("agentId", agent.Id);
                w.WriteEndObject();
            }

            using var args = JsonDocument.Parse(buffer.WrittenMemory);
            await mcp.CallToolAsync(new McpToolCallParams { Name = "agent_terminate", Arguments = args.RootElement.Clone() }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is JsonRpcException or JsonException)
        {
            // Nothing to undo that the server told us about.
        }
    }

    private static string? ReadString(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static bool ReadBool(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;
}
