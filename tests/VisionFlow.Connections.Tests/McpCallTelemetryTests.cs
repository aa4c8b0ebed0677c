using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Time.Testing;
using VisionFlow.Connections.Diagnostics;
using VisionFlow.Connections.Link;
using VisionFlow.Protocol.Dialects;
using VisionFlow.Testing;

namespace VisionFlow.Connections.Tests;

/// <summary>
/// MCP calls on the platform's telemetry, against a real peer on loopback: each request is timed with its method, the
/// server's dialect and the classifier's outcome, and inside a traced operation it is a client span, child of that
/// operation. Background calls (no parent) are timed but not traced.
/// </summary>
public sealed class McpCallTelemetryTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private const string RestSource = "VisionFlow.Connections.Tests.Rest";

    [Test]
    public async Task A_call_in_a_traced_operation_is_its_child_span_and_every_call_is_timed_with_its_outcome()
    {
        // The test framework runs the test inside its own activity; the operation below must be the only parent here.
        Activity.Current = null;
        using var rest = new ActivitySource(RestSource);
        await using var peer = TestPeer.Start("a1");
        using var meter = new Meter("VisionFlow.Connections.Tests." + Guid.NewGuid());
        var timed = new ConcurrentQueue<(double Seconds, Dictionary<string, object?> Tags)>();
        using var meterListener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter, meter) && instrument.Name == "mcp.client.operation.duration")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        meterListener.SetMeasurementEventCallback<double>((_, value, tags, _) => timed.Enqueue((value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        meterListener.Start();

        // Spans of this test only: other tests in the process may make MCP calls too, never to this peer's port.
        var spans = new ConcurrentQueue<Activity>();
        using var activityListener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is RestSource or ConnectionsTelemetry.ActivitySourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (a.Source.Name == RestSource || Equals(a.GetTagItem("server.port"), peer.Port))
                {
                    spans.Enqueue(a);
                }
            },
        };
        ActivitySource.AddActivityListener(activityListener);

        await using var link = new McpLink(Options(peer.Port), new FakeTimeProvider(), meter: meter);
        _ = new RecordingSink(link.Sessions);
        link.Start();
        await Until(() => link.Status.State == McpLinkState.Connected, "connected");

        string spanId, traceId;
        using (var operation = rest.StartActivity("POST /api/bots/agents", ActivityKind.Server)!)
        {
            spanId = operation.SpanId.ToString();
            traceId = operation.TraceId.ToString();
            await link.ExecuteAsync((c, t) => c.SpawnAgentAsync(new AgentSpawnRequest("coder"), t), CancellationToken.None, changesState: true);
            // The test peer has no agent.terminate: the server answers "method not found", which the classifier calls not_offered.
            await Assert.That(async () => await link.ExecuteAsync(async (c, t) =>
            {
                await c.TerminateAgentAsync("a1", t);
                return true;
            }, CancellationToken.None, changesState: true)).Throws<Exception>();
        }

        // A background call: no operation around it.
        await link.ExecuteAsync(static async (c, t) =>
        {
            await c.PingAsync(t);
            return true;
        }, CancellationToken.None);

        var children = spans.Where(s => s.TraceId.ToString() == traceId && s.Source.Name == ConnectionsTelemetry.ActivitySourceName).ToList();
        await Assert.That(string.Join(",", children.Select(s => s.DisplayName))).IsEqualTo("agent.spawn,agent.terminate");
        await Assert.That(spans.Single(s => s.Source.Name == RestSource).TraceId.ToString()).IsEqualTo(traceId);
        foreach (var child in children)
        {
            await Assert.That(child.ParentSpanId.ToString()).IsEqualTo(spanId);
            await Assert.That(child.Kind).IsEqualTo(ActivityKind.Client);
            await Assert.That(child.GetTagItem("visionflow.mcp.dialect")).IsEqualTo("plain");
        }

        var failed = children.Single(s => s.DisplayName == "agent.terminate");
        await Assert.That(failed.Status).IsEqualTo(ActivityStatusCode.Error);
        await Assert.That(failed.GetTagItem("error.type")).IsEqualTo("not_offered");
        await Assert.That(failed.GetTagItem("rpc.jsonrpc.error_code")).IsEqualTo(-32601);
        await Assert.That(spans.Any(s => s.DisplayName == "system.ping")).IsFalse();

        var spawn = timed.Single(m => Equals(m.Tags["mcp.method.name"], "agent.spawn"));
        await Assert.That(spawn.Tags["visionflow.mcp.dialect"]).IsEqualTo("plain");
        await Assert.That(spawn.Tags.ContainsKey("error.type")).IsFalse();
        await Assert.That(spawn.Seconds).IsGreaterThan(0);
        var terminate = timed.Single(m => Equals(m.Tags["mcp.method.name"], "agent.terminate"));
        await Assert.That(terminate.Tags["error.type"]).IsEqualTo("not_offered");
        await Assert.That(timed.Count(m => Equals(m.Tags["mcp.method.name"], "system.ping"))).IsGreaterThanOrEqualTo(1);
    }

    private static McpLinkOptions Options(int port) => new()
    {
        Host = "127.0.0.1",
        Port = port,
        ConnectionTimeout = TimeSpan.FromSeconds(10),
        HealthInterval = TimeSpan.FromMinutes(5),
        RequestAttempts = 1,
    };

    private static Task Until(Func<bool> condition, string what) => Eventually.UntilAsync(condition, what, Patience);
}
