using System.Text.Json;
using VisionFlow.Protocol;
using VisionFlow.Protocol.Contracts.Mcp;

namespace VisionFlow.Generators.Tests;

/// <summary>The generated McpDialectClient talking to McpDialectDispatch through a loopback invoker.</summary>
public sealed class McpDialectRoundTripTests
{
    private readonly FakeMcpDialect _server = new();
    private readonly LoopbackInvoker _invoker;
    private readonly McpDialectClient _client;

    public McpDialectRoundTripTests()
    {
        _invoker = new LoopbackInvoker(McpDialectDispatch.Create(_server));
        _client = new McpDialectClient(_invoker);
    }

    [Test]
    public async Task Dispatch_table_registers_the_mcp_methods()
    {
        await Assert.That(McpDialectDispatch.Create(_server).Methods.Order(StringComparer.Ordinal).ToList())
            .IsEquivalentTo(["initialize", "notifications/initialized", "ping", "tools/call", "tools/list"]);
        await Assert.That(McpDialectMethods.Initialized).IsEqualTo("notifications/initialized");
    }

    [Test]
    public async Task Initialize_uses_camel_case_and_returns_server_info()
    {
        var result = await _client.InitializeAsync(new McpInitializeParams
        {
            ProtocolVersion = "2024-11-05",
            Capabilities = new McpCapabilities(),
            ClientInfo = new McpImplementation { Name = "visionflow", Version = "0.1.0" },
        });

        await Assert.That(_invoker.Sent.Single()).IsEqualTo(("initialize", """{"protocolVersion":"2024-11-05","capabilities":{},"clientInfo":{"name":"visionflow","version":"0.1.0"}}"""));
        await Assert.That(_invoker.LastResult).IsEqualTo("""{"protocolVersion":"2024-11-05","capabilities":{"tools":{"listChanged":false}},"serverInfo":{"name":"fake-of-visionflow","version":"1.0.0"}}""");
        await Assert.That(result.ServerInfo).IsEqualTo(new McpImplementation { Name = "fake-of-visionflow", Version = "1.0.0" });
        await Assert.That(result.Capabilities!.Tools!.Value.GetProperty("listChanged").GetBoolean()).IsFalse();
    }

    [Test]
    public async Task Initialized_notification_reaches_the_server_and_writes_nothing()
    {
        await _client.InitializedAsync();

        await Assert.That(_invoker.Sent.Single()).IsEqualTo(("notifications/initialized", (string?)null));
        await Assert.That(_server.InitializedCount).IsEqualTo(1);
        await Assert.That(_invoker.LastResult).IsEqualTo(string.Empty);
    }

    [Test]
    public async Task Tools_list_pages_with_an_optional_cursor_and_keeps_input_schemas()
    {
        var first = await _client.ListToolsAsync(null);
        var second = await _client.ListToolsAsync(new McpToolsListParams { Cursor = first.NextCursor });

        await Assert.That(_invoker.Sent[0]).IsEqualTo(("tools/list", (string?)null));
        await Assert.That(_invoker.Sent[1]).IsEqualTo(("tools/list", """{"cursor":"page-2"}"""));
        await Assert.That(first.NextCursor).IsEqualTo("page-2");
        await Assert.That(second.NextCursor).IsNull();
        var tool = first.Tools.Single();
        await Assert.That(tool.Name).IsEqualTo("swarm_init");
        await Assert.That(tool.InputSchema!.Value.GetRawText()).IsEqualTo("""{"type":"object","properties":{"topology":{"type":"string"}}}""");
    }

    [Test]
    public async Task Tools_call_passes_free_form_arguments_through()
    {
        var result = await _client.CallToolAsync(new McpToolCallParams { Name = "swarm_init", Arguments = Json.Parse("""{"topology":"mesh","maxAgents":5}""") });

        await Assert.That(_invoker.Sent.Single()).IsEqualTo(("tools/call", """{"name":"swarm_init","arguments":{"topology":"mesh","maxAgents":5}}"""));
        await Assert.That(result.Content.Single()).IsEqualTo(new McpContent { Type = "text", Text = """{"topology":"mesh","maxAgents":5}""" });
        await Assert.That(result.IsError).IsFalse();
    }

    [Test]
    public async Task Ping_answers_an_empty_object()
    {
        var result = await _client.PingAsync();

        await Assert.That(_invoker.Sent.Single()).IsEqualTo(("ping", (string?)null));
        await Assert.That(_invoker.LastResult).IsEqualTo("{}");
        await Assert.That(result).IsEqualTo(new McpEmptyResult());
    }

    [Test]
    public async Task Claude_flow_tool_result_deserializes()
    {
        var result = JsonSerializer.Deserialize(
            """{"content":[{"type":"text","text":"{\"success\":false,\"error\":\"Swarm not found\"}"}],"isError":false}""",
            McpJsonContext.Default.McpToolCallResult);

        await Assert.That(result!.Content.Single().Type).IsEqualTo("text");
        await Assert.That(result.Content.Single().Text).IsEqualTo("""{"success":false,"error":"Swarm not found"}""");
        await Assert.That(result.IsError).IsFalse();
    }

    [Test]
    public async Task Tool_without_a_name_is_rejected_by_the_context()
    {
        await Assert.That(() => JsonSerializer.Deserialize("""{"description":"x"}""", McpJsonContext.Default.McpTool)).Throws<JsonException>();
    }

    [Test]
    public async Task Bridge_authenticate_sends_the_token_and_surfaces_rejection_as_server_error()
    {
        var bridge = new FakeMcpBridge();
        var invoker = new LoopbackInvoker(McpBridgeDispatch.Create(bridge));
        var client = new McpBridgeClient(invoker);

        var accepted = await client.AuthenticateAsync(new McpAuthenticateParams { Token = FakeMcpBridge.GoodToken });
        var rejected = await Assert.That(async () => await client.AuthenticateAsync(new McpAuthenticateParams { Token = "wrong" })).Throws<JsonRpcException>();

        await Assert.That(invoker.Sent[0]).IsEqualTo(("authenticate", """{"token":"s3cret"}"""));
        await Assert.That(accepted.GetProperty("authenticated").GetBoolean()).IsTrue();
        await Assert.That(rejected!.Code).IsEqualTo(JsonRpcErrorCodes.ServerError);
        await Assert.That(McpBridgeMethods.Authenticate).IsEqualTo("authenticate");
    }

    /// <summary>Accepts one token, rejects every other as the original bridge does.</summary>
    private sealed class FakeMcpBridge : IMcpBridge
    {
        public const string GoodToken = "s3cret";

        public ValueTask<JsonElement> AuthenticateAsync(McpAuthenticateParams parameters, CancellationToken cancellationToken = default) =>
            parameters.Token == GoodToken
                ? ValueTask.FromResult(Json.Parse("""{"authenticated":true}"""))
                : ValueTask.FromException<JsonElement>(new JsonRpcException(JsonRpcErrorCodes.ServerError, "Authentication failed"));
    }
}
