using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using VisionFlow.Server.Api;
using VisionFlow.Server.Configuration;
using VisionFlow.Testing.Hosting;

namespace VisionFlow.Server.Tests;

/// <summary>
/// Request bodies: a field the endpoint does not know is a 400 that names it and the field probably meant, never
/// silently ignored; a value of the wrong kind names the field and what it takes; <c>POST /api/session</c> says which
/// field it expects.
/// </summary>
public sealed class RequestBodyTests
{
    private const string Key = "0123456789abcdef-test-key";

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<(HttpStatusCode Status, string Detail)> PostAsync(RunningServer server, string path, string body)
    {
        using var response = await server.Http.PostAsync(path, Json(body));
        var text = await response.Content.ReadAsStringAsync();
        using var problem = JsonDocument.Parse(text);
        return (response.StatusCode, problem.RootElement.GetProperty("detail").GetString()!);
    }

    [Test]
    public async Task A_camel_case_field_is_refused_and_the_snake_case_one_suggested()
    {
        // MCP off: the body is checked before any MCP work, so a miss would show as 503 here, not as a quiet default.
        await using var server = await RunningServer.StartAsync(new ServerOptions { EnableMcp = false, RateLimitPerSecond = 0 });
        var (status, detail) = await PostAsync(server, "/api/bots/multi-agent/init", "{\"topology\":\"mesh\",\"maxAgents\":3}");
        await Assert.That(status).IsEqualTo(HttpStatusCode.BadRequest);
        await Assert.That(detail).Contains("unknown field \"maxAgents\" (did you mean \"max_agents\"?)");
        await Assert.That(detail).Contains("\"max_agents\": integer");
    }

    [Test]
    public async Task Every_unknown_field_is_named_with_a_suggestion_when_one_is_close()
    {
        await using var server = await RunningServer.StartAsync(new ServerOptions { EnableMcp = false, RateLimitPerSecond = 0 });
        var (status, detail) = await PostAsync(server, "/api/bots/agents", "{\"type\":\"coder\",\"swarmId\":\"s-1\",\"colour\":\"red\"}");
        await Assert.That(status).IsEqualTo(HttpStatusCode.BadRequest);
        await Assert.That(detail).StartsWith("unknown fields \"swarmId\" (did you mean \"swarm_id\"?), \"colour\";");

        var (taskStatus, taskDetail) = await PostAsync(server, "/api/bots/tasks", "{\"description\":\"x\",\"priorty\":\"high\"}");
        await Assert.That(taskStatus).IsEqualTo(HttpStatusCode.BadRequest);
        await Assert.That(taskDetail).Contains("\"priorty\" (did you mean \"priority\"?)");
    }

    [Test]
    public async Task A_value_of_the_wrong_kind_names_the_field_and_what_it_takes()
    {
        await using var server = await RunningServer.StartAsync(new ServerOptions { EnableMcp = false, RateLimitPerSecond = 0 });
        var (status, detail) = await PostAsync(server, "/api/bots/multi-agent/init", "{\"topology\":\"mesh\",\"max_agents\":\"three\"}");
        await Assert.That(status).IsEqualTo(HttpStatusCode.BadRequest);
        await Assert.That(detail).IsEqualTo("field \"max_agents\" must be an integer");

        var (listStatus, listDetail) = await PostAsync(server, "/api/bots/multi-agent/init", "{\"agent_types\":[\"coder\",7]}");
        await Assert.That(listStatus).IsEqualTo(HttpStatusCode.BadRequest);
        await Assert.That(listDetail).IsEqualTo("field \"agent_types[1]\" must be a string");

        var (arrayStatus, arrayDetail) = await PostAsync(server, "/api/bots/agents", "[\"coder\"]");
        await Assert.That(arrayStatus).IsEqualTo(HttpStatusCode.BadRequest);
        await Assert.That(arrayDetail).StartsWith("request body must be a JSON object: {\"type\": string");
    }

    [Test]
    [Arguments("{\"apiKey\":\"0123456789abcdef-test-key\"}", "unknown field \"apiKey\"")]
    [Arguments("{}", "field \"key\" is required")]
    [Arguments("{\"key\":12}", "field \"key\" must be a string")]
    public async Task Session_login_says_which_field_it_expects(string body, string expected)
    {
        await using var server = await RunningServer.StartAsync(new ServerOptions { EnableMcp = false, ApiKey = Key, RateLimitPerSecond = 0 });
        var (status, detail) = await PostAsync(server, "/api/session", body);
        await Assert.That(status).IsEqualTo(HttpStatusCode.BadRequest);
        await Assert.That(detail).Contains(expected);
        await Assert.That(detail).Contains("\"key\"");
    }

    [Test]
    public async Task Thousands_of_unknown_fields_are_counted_not_all_named()
    {
        await using var server = await RunningServer.StartAsync(new ServerOptions { EnableMcp = false, RateLimitPerSecond = 0 });
        var body = "{" + string.Join(",", Enumerable.Range(0, 3000).Select(i => $"\"f{i}\":1")) + "}";
        var (status, detail) = await PostAsync(server, "/api/bots/tasks", body);
        await Assert.That(status).IsEqualTo(HttpStatusCode.BadRequest);
        await Assert.That(detail).Contains("\"f9\" and 2990 more; this endpoint accepts {\"description\": string");
        await Assert.That(detail.Length).IsLessThan(600);
    }

    [Test]
    public async Task A_field_name_that_is_not_UTF_8_is_a_400_not_a_crash()
    {
        await using var server = await RunningServer.StartAsync(new ServerOptions { EnableMcp = false, RateLimitPerSecond = 0 });
        using var content = new ByteArrayContent([.. "{\""u8, 0xC3, 0x28, .. "\":1}"u8]);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var response = await server.Http.PostAsync("/api/bots/tasks", content);
        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
        await Assert.That(await response.Content.ReadAsStringAsync()).Contains("not valid UTF-8 JSON");
    }

    [Test]
    [Arguments("maxAgents", "max_agents")]
    [Arguments("MAX_AGENTS", "max_agents")]
    [Arguments("max-agents", "max_agents")]
    [Arguments("agentType", "agent_types")]
    [Arguments("topolgy", "topology")]
    [Arguments("colour", null)]
    [Arguments("x", null)]
    public async Task Suggestions_cover_case_conventions_and_typos_but_not_other_words(string name, string? expected)
    {
        var known = new[] { "topology", "max_agents", "agent_types", "strategy", "task" };
        await Assert.That(BodyFields.Suggest(name, known)).IsEqualTo(expected);
    }

    [Test]
    public async Task Unknown_fields_inside_nested_objects_and_arrays_are_named_with_their_path()
    {
        var detail = BodyFields.FindUnknown(
            new System.Buffers.ReadOnlySequence<byte>("{\"name\":\"a\",\"config\":{\"maxTokens\":5},\"steps\":[{\"label\":\"x\"},{\"lable\":\"y\"}]}"u8.ToArray()),
            NestedBodyContext.Default.NestedBody,
            default);
        await Assert.That(detail).StartsWith(
            "unknown fields \"config.maxTokens\" (did you mean \"config.max_tokens\"?), \"steps[1].lable\" (did you mean \"steps[1].label\"?);");
    }
}

/// <summary>A body shape with nesting, for the field check; the real bodies are flat today.</summary>
public sealed record NestedBody(string? Name, NestedConfig? Config, IReadOnlyList<NestedStep>? Steps);

/// <summary>Nested object of <see cref="NestedBody"/>.</summary>
public sealed record NestedConfig(int? MaxTokens, double? Temperature);

/// <summary>Array element of <see cref="NestedBody"/>.</summary>
public sealed record NestedStep(string? Label);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(NestedBody))]
internal sealed partial class NestedBodyContext : JsonSerializerContext;
