using System.Globalization;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using VisionFlow.Agents;
using VisionFlow.Agents.Intake;
using VisionFlow.Agents.Telemetry;
using VisionFlow.Connections.Link;

namespace VisionFlow.Bench;

/// <summary>
/// The poll path of a server without push (Claude Flow): one <c>agent_list</c> tool result as the link hands it to the
/// intake (the text member of <c>{"content":[{"type":"text","text":"…"}]}</c>, pretty-printed the way Claude Flow 3.43
/// prints it: <c>agentId, agentType, status, health, taskCount, createdAt</c>), parsed and applied. Two listings alternate
/// so every poll changes agents. Reported per agent (OperationsPerInvoke).
/// </summary>
[MemoryDiagnoser]
public class AgentListingBenchmarks
{
    private const int Agents = 1000;
    private byte[][] _listings = [];
    private McpSessionFeed _feed = null!;
    private TelemetryIntake _intake = null!;
    private CountingSink _sink = null!;
    private int _turn;

    [GlobalSetup]
    public void Setup()
    {
        var options = new AgentTelemetryOptions { MaxAgents = Agents, StaleAfterIntervals = 1_000_000, RemoveAfterIntervals = 2_000_000 };
        _listings = [Build(0), Build(1)];
        _feed = new McpSessionFeed(64 * 1024);
        _intake = new TelemetryIntake(options, TimeProvider.System, _feed);
        _ = _feed.PublishListingAsync(AgentsCacheBenchmarks.Session, _listings[0], CancellationToken.None);
        _intake.ProcessBatchAsync().AsTask().GetAwaiter().GetResult();
        _sink = new CountingSink();
        for (var i = 0; i < 4; i++)
        {
            ParseListing();
            ParseApplyListing();
        }
    }

    /// <summary>Parsing alone: every agent of the listing read into an event.</summary>
    [Benchmark(OperationsPerInvoke = Agents)]
    public int ParseListing()
    {
        _sink.Count = 0;
        _intake.Parser.ParseAgentList(_listings[_turn++ & 1], _sink);
        return _sink.Count;
    }

    /// <summary>The owner's share of a poll: the listing parsed, staged and applied as one batch.</summary>
    [Benchmark(OperationsPerInvoke = Agents)]
    public bool ParseApplyListing()
    {
        var applied = _feed.PublishListingAsync(AgentsCacheBenchmarks.Session, _listings[_turn++ & 1], CancellationToken.None);
        _intake.ProcessBatchAsync().GetAwaiter().GetResult();
        return applied.IsCompleted;
    }

    private static byte[] Build(int variant)
    {
        var sb = new StringBuilder("{\n  \"agents\": [\n");
        for (var i = 0; i < Agents; i++)
        {
            sb.Append(CultureInfo.InvariantCulture,
                $"    {{\n      \"agentId\": \"agent-1796618602760-{i:000000}\",\n      \"agentType\": \"coder\",\n      \"status\": \"{(variant == 0 ? "idle" : "active")}\",\n      \"health\": {(variant == 0 ? "1" : "0.75")},\n      \"taskCount\": {(i + variant) % 3},\n      \"createdAt\": \"2026-12-07T04:43:22.760Z\"\n    }}{(i + 1 < Agents ? "," : string.Empty)}\n");
        }

        sb.Append(CultureInfo.InvariantCulture, $"  ],\n  \"total\": {Agents},\n  \"filters\": {{}}\n}}");
        var text = sb.ToString();

        // As the link delivers it: the tool result's text, the JSON an agent_list call answers.
        return Encoding.UTF8.GetBytes(JsonDocument.Parse(text).RootElement.GetRawText());
    }

    private sealed class CountingSink : ITelemetryEventSink
    {
        public int Count;

        public void OnEvent(in TelemetryEvent telemetryEvent) => Count++;

        public void OnRejected(TelemetryParseStatus status)
        {
        }
    }
}
