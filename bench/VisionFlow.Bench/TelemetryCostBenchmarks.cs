using System.Diagnostics.Metrics;
using System.Text.Json.Serialization.Metadata;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using VisionFlow.Connections.Diagnostics;
using VisionFlow.Protocol;
using VisionFlow.Protocol.Contracts.Mcp;
using VisionFlow.Protocol.Dialects;
using VisionFlow.Server.Metrics;

namespace VisionFlow.Bench;

/// <summary>
/// What counting adds to one MCP request and to one HTTP request, without the I/O that hides it in the round-trip
/// benchmarks: the request itself is a stub that completes at once. Baselines: the stub called directly. The counted
/// rows run as the service does with OTLP off: the product's meters, with the <c>/metrics</c> listener enabled.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkDotNet.Configs.BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class TelemetryCostBenchmarks
{
    private static readonly McpToolCallParams Call = new() { Name = "agent_spawn" };
    private readonly StubInvoker _stub = new();
    private ServiceProvider _services = null!;
    private PrometheusExporter _exporter = null!;
    private IJsonRpcInvoker _uncounted = null!;
    private IJsonRpcInvoker _counted = null!;
    private HttpMetrics _http = null!;
    private DefaultHttpContext _context = null!;
    private RequestDelegate _next = null!;

    [GlobalSetup]
    public void Setup()
    {
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = new ProductMeters(_services.GetRequiredService<IMeterFactory>());
        _exporter = new PrometheusExporter(meters, NullLogger<PrometheusExporter>.Instance);
        _uncounted = new McpCallInvoker(_stub, null, ServerDialect.Mcp, "127.0.0.1", 9500);
        _counted = new McpCallInvoker(_stub, McpCallInvoker.CreateDuration(meters.Connections), ServerDialect.Mcp, "127.0.0.1", 9500);
        _http = new HttpMetrics(meters);
        _context = new DefaultHttpContext();
        _context.Response.StatusCode = 200;
        _next = static _ => Task.CompletedTask;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _exporter.Dispose();
        _services.Dispose();
    }

    [Benchmark(Baseline = true, Description = "MCP tool call: the stub request alone")]
    [BenchmarkCategory("mcp")]
    public ValueTask<McpToolCallResult> McpStub() =>
        _stub.InvokeAsync("tools/call", Call, McpJsonContext.Default.McpToolCallParams, McpJsonContext.Default.McpToolCallResult, CancellationToken.None);

    [Benchmark(Description = "MCP tool call through McpCallInvoker, nothing listening")]
    [BenchmarkCategory("mcp")]
    public ValueTask<McpToolCallResult> McpUncounted() =>
        _uncounted.InvokeAsync("tools/call", Call, McpJsonContext.Default.McpToolCallParams, McpJsonContext.Default.McpToolCallResult, CancellationToken.None);

    [Benchmark(Description = "MCP tool call, counted (/metrics listening: timed with method, tool, dialect)")]
    [BenchmarkCategory("mcp")]
    public ValueTask<McpToolCallResult> McpCounted() =>
        _counted.InvokeAsync("tools/call", Call, McpJsonContext.Default.McpToolCallParams, McpJsonContext.Default.McpToolCallResult, CancellationToken.None);

    [Benchmark(Baseline = true, Description = "HTTP request: the next middleware alone")]
    [BenchmarkCategory("http")]
    public Task HttpStub() => _next(_context);

    [Benchmark(Description = "HTTP request through HttpMetrics (/metrics listening)")]
    [BenchmarkCategory("http")]
    public Task HttpCounted() => _http.InvokeAsync(_context, _next);

    private sealed class StubInvoker : IJsonRpcInvoker
    {
        private static readonly McpToolCallResult Result = new() { Content = [] };

        public ValueTask<TResult> InvokeAsync<TParams, TResult>(string method, TParams parameters, JsonTypeInfo<TParams> parametersType, JsonTypeInfo<TResult> resultType, CancellationToken cancellationToken) =>
            ValueTask.FromResult((TResult)(object)Result);

        public ValueTask<TResult> InvokeAsync<TResult>(string method, JsonTypeInfo<TResult> resultType, CancellationToken cancellationToken) =>
            ValueTask.FromResult((TResult)(object)Result);

        public ValueTask NotifyAsync<TParams>(string method, TParams parameters, JsonTypeInfo<TParams> parametersType, CancellationToken cancellationToken) => default;

        public ValueTask NotifyAsync(string method, CancellationToken cancellationToken) => default;
    }
}
