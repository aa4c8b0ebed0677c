using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using VisionFlow.Agents;
using VisionFlow.Agents.Intake;
using VisionFlow.Connections.Link;

namespace VisionFlow.Bench;

/// <summary>
/// Telemetry from framed bytes (a pre-built buffer of newline-terminated push lines, 90% agent.status over 1,000 agents and
/// 10% message.flow) to an applied change set, on one core. Two buffers alternate so every batch really changes agents.
/// Reported per event (OperationsPerInvoke).
/// </summary>
[MemoryDiagnoser]
public class AgentsIntakeBenchmarks
{
    private const int Agents = 1000;
    internal const int LinesPerBatch = 10_000;
    private const long Session = AgentsCacheBenchmarks.Session;
    private byte[][] _framed = [];
    private McpSessionFeed _feed = null!;
    private TelemetryIntake _ringIntake = null!;
    private TelemetryIntake _directIntake = null!;
    private int _turn;

    [GlobalSetup]
    public void Setup()
    {
        var options = new AgentTelemetryOptions { MaxAgents = Agents };
        _framed = [Build(0), Build(1)];
        _feed = new McpSessionFeed(16 * 1024 * 1024);
        _ringIntake = new TelemetryIntake(options, TimeProvider.System, _feed);
        AgentsCacheBenchmarks.OpenSession(_ringIntake);
        _directIntake = new TelemetryIntake(options, TimeProvider.System, new McpSessionFeed(16 * 1024 * 1024));
        AgentsCacheBenchmarks.OpenSession(_directIntake);
        var spawn = new StringBuilder();
        for (var i = 0; i < Agents; i++) spawn.Append(CultureInfo.InvariantCulture, $"{{\"type\":\"agent.spawned\",\"data\":{{\"agent_id\":\"agent-{i:0000}\",\"type\":\"coder\",\"status\":\"active\",\"swarm_id\":\"swarm-1\"}}}}\n");
        var spawnBytes = Encoding.UTF8.GetBytes(spawn.ToString());
        ForEachLine(spawnBytes, line => _feed.PublishLine(Session, line));
        _ringIntake.ProcessBatchAsync().AsTask().GetAwaiter().GetResult();
        ForEachLine(spawnBytes, line => _directIntake.StageLine(line));
        _directIntake.ProcessBatchAsync().AsTask().GetAwaiter().GetResult();
        // Warm both buffers once so the label tables hold every value.
        for (var i = 0; i < 2; i++)
        {
            PushRingToChangeSet();
            ParseApplyToChangeSet();
        }
    }

    /// <summary>The link's push path posts each framed line into its feed's ring; the intake drains, parses, coalesces and applies.</summary>
    [Benchmark(OperationsPerInvoke = LinesPerBatch)]
    public bool PushRingToChangeSet()
    {
        var framed = _framed[_turn++ & 1];
        var span = framed.AsSpan();
        while (!span.IsEmpty)
        {
            var end = span.IndexOf((byte)'\n');
            _feed.PublishLine(Session, span[..end]);
            span = span[(end + 1)..];
        }

        return _ringIntake.ProcessBatchAsync().GetAwaiter().GetResult();
    }

    /// <summary>The owner's share alone: each framed line parsed and staged, then one batch applied.</summary>
    [Benchmark(OperationsPerInvoke = LinesPerBatch)]
    public bool ParseApplyToChangeSet()
    {
        var framed = _framed[_turn++ & 1];
        var span = framed.AsSpan();
        while (!span.IsEmpty)
        {
            var end = span.IndexOf((byte)'\n');
            _directIntake.StageLine(span[..end]);
            span = span[(end + 1)..];
        }

        return _directIntake.ProcessBatchAsync().GetAwaiter().GetResult();
    }

    /// <summary>Parsing alone (no staging, no apply), for the split of the cost.</summary>
    [Benchmark(OperationsPerInvoke = LinesPerBatch)]
    public int ParseOnly()
    {
        var framed = _framed[_turn++ & 1];
        var span = framed.AsSpan();
        var ok = 0;
        while (!span.IsEmpty)
        {
            var end = span.IndexOf((byte)'\n');
            if (_directIntake.Parser.Parse(span[..end], out _) == VisionFlow.Agents.Telemetry.TelemetryParseStatus.Ok) ok++;
            span = span[(end + 1)..];
        }

        return ok;
    }

    /// <summary>
    /// Parsing alone by the <c>Utf8JsonReader</c> path only (what <see cref="ParseOnly"/> was before the flat-line
    /// tokenizer, kept as the parser's reference): the before of the same run.
    /// </summary>
    [Benchmark(OperationsPerInvoke = LinesPerBatch)]
    public int ParseOnlyReader()
    {
        var framed = _framed[_turn++ & 1];
        var span = framed.AsSpan();
        var ok = 0;
        while (!span.IsEmpty)
        {
            var end = span.IndexOf((byte)'\n');
            if (_directIntake.Parser.ParseWithReader(span[..end], out _) == VisionFlow.Agents.Telemetry.TelemetryParseStatus.Ok) ok++;
            span = span[(end + 1)..];
        }

        return ok;
    }

    /// <summary>One buffer of <see cref="LinesPerBatch"/> framed push lines (two variants, so alternating them changes every agent).</summary>
    internal static byte[] Build(int variant)
    {
        var random = new Random(17 + variant);
        var sb = new StringBuilder();
        for (var i = 0; i < LinesPerBatch; i++)
        {
            var agent = random.Next(Agents);
            if (i % 10 == 9)
            {
                sb.Append(CultureInfo.InvariantCulture, $"{{\"type\":\"message.flow\",\"data\":{{\"from\":\"agent-{agent:0000}\",\"to\":\"agent-{(agent + 1 + random.Next(5)) % Agents:0000}\",\"message_type\":\"task\",\"size\":{random.Next(100, 2000)}}},\"timestamp\":\"2026-01-01T12:00:00Z\"}}\n");
            }
            else
            {
                sb.Append(CultureInfo.InvariantCulture,
                    $"{{\"type\":\"agent.status\",\"data\":{{\"agent_id\":\"agent-{agent:0000}\",\"status\":\"{(variant == 0 ? "active" : "busy")}\",\"cpu_usage\":{random.Next(0, 1000) / 10.0},\"memory_usage\":{random.Next(100, 900)}.5,\"tasks_active\":{random.Next(0, 8)},\"tokens_used\":{random.Next(1000, 90000)}}},\"timestamp\":\"2026-01-01T12:00:00Z\"}}\n");
            }
        }

        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static void ForEachLine(byte[] framed, Action<byte[]> action)
    {
        var start = 0;
        for (var i = 0; i < framed.Length; i++)
        {
            if (framed[i] != (byte)'\n') continue;
            action(framed[start..i]);
            start = i + 1;
        }
    }
}
