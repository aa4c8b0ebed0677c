using System.Net;
using System.Text;
using VisionFlow.Testing.Contracts;

namespace VisionFlow.Server.Tests;

/// <summary>
/// The contract check under every test's client can fail: answers that differ from <c>/openapi.json</c> in schema,
/// status or media type are named with their request and the mismatch, and the client throws in the test.
/// </summary>
public sealed class OpenApiContractTests
{
    private static readonly OpenApiContract Contract = OpenApiContract.Served;

    [Test]
    public async Task A_body_that_breaks_its_schema_is_named_with_the_request_and_the_field()
    {
        var body = """{"available":true,"source":"mcp","simulated":false,"server":null,"unavailable_reason":null,"count":"three","max_agents":50,"agents_over_limit":0,"rejected_over_limit":0,"degradation_level":"fully_operational","agents":[]}"""u8;
        var problem = Contract.Check("GET", "/api/bots/agents", 200, "application/json", body);
        await Assert.That(problem).IsNotNull();
        await Assert.That(problem!).Contains("GET /api/bots/agents answered 200");
        await Assert.That(problem).Contains("/count");
    }

    [Test]
    public async Task Each_answer_of_the_agents_oneOf_fits_exactly_one_and_a_body_that_is_neither_is_refused()
    {
        // The live cache's answer and the server query's answer are told apart (Prism refused the cache's as matching both).
        var cache = Encoding.UTF8.GetBytes("""{"available":true,"source":"mcp","simulated":false,"server":null,"unavailable_reason":null,"count":0,"max_agents":50,"agents_over_limit":0,"rejected_over_limit":0,"degradation_level":"fully_operational","agents":[]}""");
        var query = Encoding.UTF8.GetBytes("""{"filter":null,"limit":5,"count":0,"agents":[]}""");
        var both = Encoding.UTF8.GetBytes("""{"count":0,"agents":[]}""");
        await Assert.That(Contract.Check("GET", "/api/bots/agents", 200, "application/json", cache)).IsNull();
        await Assert.That(Contract.Check("GET", "/api/bots/agents", 200, "application/json", query)).IsNull();
        await Assert.That(Contract.Check("GET", "/api/bots/agents", 200, "application/json", both)).IsNotNull();
    }

    [Test]
    public async Task An_undocumented_status_or_media_type_is_refused_and_paths_outside_the_document_are_not_judged()
    {
        await Assert.That(Contract.Check("GET", "/api/health/live", 500, "application/json", "{}"u8)!).Contains("does not document");
        await Assert.That(Contract.Check("GET", "/api/bots/status", 200, "text/html", "<p>"u8)!).Contains("documents application/json");
        await Assert.That(Contract.Check("GET", "/api/bots/agents/agent-1", 404, "application/problem+json", """{"status":404,"title":"Not found"}"""u8)).IsNull();
        await Assert.That(Contract.Check("GET", "/no/such/page", 404, null, [])).IsNull();
    }

    [Test]
    public async Task The_client_throws_in_the_test_that_received_the_answer()
    {
        using var http = new HttpClient(new ContractCheckingHandler(new Canned(HttpStatusCode.OK, "{\"status\":\"live\",\"extra\":1}", "text/plain")))
        {
            BaseAddress = new Uri("http://127.0.0.1:9/"),
        };
        var thrown = await Assert.That(async () => await http.GetAsync("/api/health/live")).Throws<OpenApiContractException>();
        await Assert.That(thrown!.Message).Contains("GET /api/health/live answered 200 text/plain");
    }

    private sealed class Canned(HttpStatusCode status, string body, string mediaType) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, mediaType), RequestMessage = request });
    }
}
