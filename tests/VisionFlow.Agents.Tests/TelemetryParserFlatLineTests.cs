using System.Text;
using VisionFlow.Agents.Telemetry;
using VisionFlow.Testing.Fuzzing;

namespace VisionFlow.Agents.Tests;

/// <summary>
/// The parser's hand tokenizer for flat lines against its <c>Utf8JsonReader</c> path, the reference: two parsers fed the
/// same lines in the same order, one through <see cref="TelemetryParser.Parse"/> (flat path first), one through
/// <see cref="TelemetryParser.ParseWithReader"/>, must agree on every status, every event field and every id they
/// interned — for the corpus, for mutations of it, and for the fuzz harness's hostile lines.
/// </summary>
internal sealed class TelemetryParserFlatLineTests
{
    // Every shape the parser meets: the simulator's lines (as its TelemetryWriter writes them), the container bridge's
    // notifications, Claude Flow's camelCase members, the original's seed line, spawn answers as the intake writes them,
    // and the lines of TelemetryParserTests.
    private static readonly string[] Flat =
    [
        """{"type":"agent.spawned","data":{"id":"agent-0001","agent_id":"agent-0001","type":"coder","swarm_id":"swarm-1","status":"initializing","simulated":true},"timestamp":"2026-12-07T17:00:00.000Z"}""",
        """{"type":"agent.spawned","data":{"id":"agent-0002","agent_id":"agent-0002","type":"tester","swarm_id":null,"status":"initializing","simulated":true},"timestamp":"2026-12-07T17:00:00.100Z"}""",
        """{"type":"agent.status","data":{"agent_id":"agent-0001","swarm_id":"swarm-1","type":"coder","status":"busy","cpu_usage":12.3,"memory_usage":45.6,"tasks_active":1,"tokens_used":12345,"simulated":true},"timestamp":"2026-12-07T17:00:00.100Z"}""",
        """{"type":"agent.status","data":{"agent_id":"agent-0002","swarm_id":null,"type":"tester","status":"idle","cpu_usage":0,"memory_usage":0.5,"tasks_active":0,"tokens_used":0,"simulated":true},"timestamp":"2026-12-07T17:00:00.100Z"}""",
        """{"type":"message.flow","data":{"id":"msg-1","from":"agent-0001","to":"agent-0002","swarm_id":"swarm-1","message_type":"task","size_bytes":512,"latency_ms":1.25,"simulated":true},"timestamp":"2026-12-07T17:00:00.100Z"}""",
        """{"type":"metrics.system","data":{"agents":2,"agents_busy":1,"agents_active":2,"swarms":1,"tasks_pending":0,"tasks_in_progress":1,"tasks_completed":3,"messages_per_second":2.5,"tokens_per_second":120.25,"tokens_used":12345,"simulated":true},"timestamp":"2026-12-07T17:00:00.100Z"}""",
        """{"type":"metrics.swarm","data":{"swarm_id":"swarm-1","topology":"mesh","agents":2,"agents_busy":1,"messages_exchanged":7,"simulated":true},"timestamp":"2026-12-07T17:00:00.200Z"}""",
        """{"type":"agent.terminated","data":{"id":"agent-0002","agent_id":"agent-0002","swarm_id":null,"reason":"done","status":"terminated","simulated":true},"timestamp":"2026-12-07T17:00:00.300Z"}""",
        """{"jsonrpc":"2.0","method":"agent/status","params":{"agentId":"agent-0001","status":"busy"}}""",
        """{"jsonrpc":"2.0","method":"agent/status","params":{"agentId":"cf-7","agentType":"researcher","status":"active","health":0.93,"taskCount":2,"createdAt":"2026-12-07T16:59:58.123Z","model":"sonnet","swarmId":"swarm-cf"}}""",
        """{"jsonrpc":"2.0","method":"swarm/update","params":{"swarmId":"s"}}""",
        """{"jsonrpc":"2.0","method":"agent/spawned","params":{"agentId":"cf-8","agentType":"coder","createdAt":1765126798123,"health":1}}""",
        """{"type":"agent.status","data":{"agent_id":"agent-001","status":"active","cpu_usage":45.2,"memory_usage":128.5,"tasks_active":3,"tokens_used":1523,"swarm_id":"swarm-1","type":"coder"},"timestamp":"2024-01-01T12:00:00Z"}""",
        """{"data":{"agentId":"a1","agentType":"researcher","cpuUsage":"12.5","memoryUsage":64,"tasksActive":2,"tokensUsed":10,"swarmId":"s"},"type":"agent.spawned"}""",
        """{"type":"agent.spawned","data":{"agent_id":"a","type":"coder","swarm_id":"s","status":"idle","model":"haiku","health":0.5,"tasks_active":1,"cpu_usage":1.5,"memory_usage":2,"tokens_used":3,"created_at":"2026-12-07T17:00:00+00:00"}}""",
        """{"type":"agent.spawned","data":{"agent_id":"b"}}""",
        """{"type":"message.flow","data":{"from":"a","to":"b","message_type":"task","size":512}}""",
        """{"type":"message.flow","data":{"from_agent":"a","to_agent":"b","messageType":"task","messageSize":512}}""",
        """{"type":"message.flow","data":{"source":"a","target":"b","type":"task","bytes":512}}""",
        """{"type":"message.flow","data":{"from":"ghost","to":"other"}}""",
        """{"type":"metrics.throughput","data":{"value":123.5},"timestamp":"2024-01-01T00:00:00Z"}""",
        """{"type":"agent.status","data":{"agent_id":"a","tasks_active":3.0,"tokens_used":"12"},"timestamp":"2024-01-01T12:00:00Z"}""",
        """{"type":"agent.status","data":{"agent_id":"a"},"timestamp":1704110400000}""",
        """{"type":"agent.status","data":{"agent_id":"a"},"timestamp":"yesterday"}""",
        """{"type":"agent.status","data":{"agent_id":"a","task_count":4,"tasks_active":1,"taskCount":9}}""",
        """{"type":"agent.status","data":{"agent_id":7,"status":"busy","cpu":-0,"memory":1E2,"tokens":-5,"health":"0.25"}}""",
        """{"type":"agent.exploded","data":{"agent_id":"a"}}""",
        """{"type":"agent.status","data":{"status":"active"}}""",
        """{"type":"message.flow","data":{"from":"a"}}""",
        """{"type":"agent.status","data":{"agent_id":"x","status":"terminated"}}""",
        """{"type":"agent.terminated","data":{"agent_id":"never-seen"}}""",
        """  { "type" : "agent.status" , "data" : { "agent_id" : "a" , "cpu_usage" : 1.5e1 } , "timestamp" : "2024-01-01T12:00:00Z" }  """,
        """{}""",
        """{"data":7,"type":"agent.status"}""",
        """{"type":"agent.status","data":{}}""",
    ];

    // Lines the flat path leaves to the reader (escapes, nesting, text outside ASCII, bad JSON), with the same outcome.
    private static readonly string[] NotFlat =
    [
        """{"type":"agent.status","data":{"id":"agent-\u0041"}}""",
        """{"type":"agent.st\u0061tus","data":{"agent_id":"a"}}""",
        """{"id":"rpc-less","type":"agent.status","data":{"capabilities":["a",{"b":[1,2]}],"metadata":{"x":{"y":1}},"agent_id":"z","cpu_usage":1},"extra":[{}]}""",
        """{"jsonrpc":"2.0","method":"agent/status","params":{"agents":[{"id":"a","cpu":0.3}]}}""",
        """{"jsonrpc":"2.0","id":1,"result":{}}""",
        """{"type":"agent.status","data":{"agent_id":"agént","status":"busy"}}""",
        """{"type":42,"data":{}}""",
        """{"type":"agent.status","data":{"agent_id":"a",""",
        """{"type":"agent.status","data":{"agent_id":"a"}} trailing""",
        "not json",
        "",
        "[1,2]",
        """{"type":"agent.status","data":{"agent_id":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}}""",
        """{"type":"agent.status","data":{"agent_id":"a","cpu_usage":01}}""",
        """{"type":"agent.status","data":{"agent_id":"a","cpu_usage":1.}}""",
        """{"type":"agent.status","data":{"agent_id":"a","cpu_usage":+1}}""",
        """{"type":"agent.status","data":{"agent_id":"a",}}""",
        """{"type":"agent.status","data":{"agent_id":"a"},}""",
        """{"type":"agent.status","data":{"agent_id":"a","status":"tab	inside"}}""",
    ];

    private static readonly string[] Values =
    [
        "0", "-0", "1", "-1", "12.5", "1e400", "-1e400", "1E-5", "0.000001", "9223372036854775807", "9223372036854775808",
        "-9223372036854775809", "2147483648", "1.0", "3.9", "01", "1.", ".5", "-", "+1", "1e", "1e+", "0x10", "NaN", "\"NaN\"",
        "\"Infinity\"", "\"12.5\"", "\" 12\"", "\"1e3\"", "\"-7\"", "true", "false", "null", "nul", "tru", "{}", "[]", "[1]",
        "{\"a\":1}", "\"\"", "\"busy\"", "\"terminated\"", "\"agent-0001\"", "\"agent-0002\"", "\"a\\u0062\"", "\"\\\"\"", "\"é\"",
        "\"2026-12-07T17:00:00Z\"", "\"2026-12-07T17:00:00.100Z\"", "\"2026-12-07\"", "\"2026-13-07T17:00:00Z\"", "1765126798123",
        "-1765126798123", "253402300799999", "\"x\u0001y\"",
        "0.1", "0.3", "-12.75", "99.99", "45.2", "128.5", "123456789012345", "1234567890123456", "0.123456789012345",
        "1.7976931348623157", "123456789012345678", "1234567890123456789", "-123456789012345678", "0.0", "-0.0", "100.10",
    ];

    // JSON's structure, the bytes the tokenizer decides on, and a few it must not accept.
    private static readonly byte[] Alphabet = "{}[]:,\"\\ \t\r\n0123456789-+.eEtfnulrsa/\u0000\u007f"u8.ToArray().Concat(new byte[] { 0x80, 0xC3, 0xFF }).ToArray();

    [Test]
    public async Task The_corpus_parses_the_same_by_hand_and_by_reader()
    {
        var pair = new ParserPair();
        for (var round = 0; round < 3; round++)
        {
            foreach (var line in Flat.Concat(NotFlat)) pair.Agree(Encoding.UTF8.GetBytes(line));
        }

        await Assert.That(pair.Disagreements).IsEmpty();

        // The flat path took every flat line (and none of the others, whose outcome the reader decided).
        var flat = new TelemetryParser(agentCapacity: 16, labelCapacity: 64, maxIdBytes: 24);
        foreach (var line in Flat)
        {
            var before = flat.FlatLines;
            flat.Parse(Encoding.UTF8.GetBytes(line), out _);
            await Assert.That(flat.FlatLines).IsEqualTo(before + 1).Because(line);
        }

        foreach (var line in NotFlat)
        {
            var before = flat.FlatLines;
            flat.Parse(Encoding.UTF8.GetBytes(line), out _);
            await Assert.That(flat.FlatLines).IsEqualTo(before).Because(line);
        }
    }

    [Test]
    public async Task Mutated_lines_parse_the_same_by_hand_and_by_reader()
    {
        var random = new Random(20261207);
        var pair = new ParserPair();
        var statuses = new int[8];
        const int Lines = 120_000;
        for (var n = 0; n < Lines; n++)
        {
            var template = Encoding.UTF8.GetBytes(Flat[random.Next(Flat.Length)]);

            // One line in four unmutated, so agents are known and flows between them resolve.
            var line = random.Next(4) == 0 ? template : Mutate(random, template);
            statuses[(int)pair.Agree(line)]++;
        }

        await Assert.That(pair.Disagreements).IsEmpty();

        // The mutations reached both paths and every outcome the parser has.
        await Assert.That(pair.FlatLines).IsGreaterThan(Lines / 3);
        await Assert.That(pair.FlatLines).IsLessThan(Lines * 9 / 10);
        foreach (var status in Enum.GetValues<TelemetryParseStatus>())
        {
            await Assert.That(statuses[(int)status]).IsGreaterThan(0).Because(status.ToString());
        }
    }

    [Test]
    public async Task The_fuzz_harness_lines_parse_the_same_by_hand_and_by_reader()
    {
        var random = new Random(20261125);
        var pair = new ParserPair();
        for (var n = 0; n < 20_000; n++)
        {
            pair.Agree(Encoding.Latin1.GetBytes(HostileLines.Next(random, 4096, "vf")));
        }

        await Assert.That(pair.Disagreements).IsEmpty();
    }

    [Test]
    public async Task A_flat_line_allocates_nothing()
    {
        var parser = new TelemetryParser();
        var lines = Flat.Take(8).Select(Encoding.UTF8.GetBytes).ToArray();
        foreach (var line in lines) parser.Parse(line, out _);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var flatBefore = parser.FlatLines;
        for (var n = 0; n < 1000; n++)
        {
            foreach (var line in lines) parser.Parse(line, out _);
        }

        await Assert.That(GC.GetAllocatedBytesForCurrentThread() - before).IsEqualTo(0L);
        await Assert.That(parser.FlatLines - flatBefore).IsEqualTo(8000L);
    }

    private static byte[] Mutate(Random random, byte[] template)
    {
        var bytes = new List<byte>(template);
        var edits = 1 + random.Next(3);
        for (var e = 0; e < edits && bytes.Count > 0; e++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(7))
            {
                case 0:
                    bytes[at] = Alphabet[random.Next(Alphabet.Length)];
                    break;
                case 1:
                    bytes.RemoveAt(at);
                    break;
                case 2:
                    bytes.Insert(at, Alphabet[random.Next(Alphabet.Length)]);
                    break;
                case 3:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 4:
                case 5:
                    ReplaceValue(random, bytes);
                    break;
                default:
                    DuplicateMember(random, bytes);
                    break;
            }
        }

        return [.. bytes];
    }

    /// <summary>Replaces the value after a random colon with one from <see cref="Values"/>.</summary>
    private static void ReplaceValue(Random random, List<byte> bytes)
    {
        var colons = Enumerable.Range(0, bytes.Count).Where(i => bytes[i] == (byte)':').ToArray();
        if (colons.Length == 0) return;
        var start = colons[random.Next(colons.Length)] + 1;
        var end = start;
        if (end < bytes.Count && bytes[end] == (byte)'"')
        {
            end++;
            while (end < bytes.Count && bytes[end] != (byte)'"') end++;
            end = Math.Min(end + 1, bytes.Count);
        }
        else
        {
            while (end < bytes.Count && bytes[end] is not ((byte)',' or (byte)'}')) end++;
        }

        bytes.RemoveRange(start, end - start);
        bytes.InsertRange(start, Encoding.UTF8.GetBytes(Values[random.Next(Values.Length)]));
    }

    /// <summary>Repeats a random member (<c>,"name":value</c>) right after itself: duplicate names are legal JSON.</summary>
    private static void DuplicateMember(Random random, List<byte> bytes)
    {
        var commas = Enumerable.Range(0, bytes.Count).Where(i => bytes[i] == (byte)',').ToArray();
        if (commas.Length == 0) return;
        var start = commas[random.Next(commas.Length)];
        var end = start + 1;
        while (end < bytes.Count && bytes[end] is not ((byte)',' or (byte)'}')) end++;
        bytes.InsertRange(end, bytes.GetRange(start, end - start));
    }

    /// <summary>Two parsers with small tables (so capacity and id-length refusals happen), fed the same lines.</summary>
    private sealed class ParserPair
    {
        private readonly TelemetryParser _flat = new(agentCapacity: 16, labelCapacity: 64, maxIdBytes: 24);
        private readonly TelemetryParser _reader = new(agentCapacity: 16, labelCapacity: 64, maxIdBytes: 24);

        public long FlatLines => _flat.FlatLines;

        /// <summary>Lines the two disagreed on (at most 20 kept), with what differed.</summary>
        public List<string> Disagreements { get; } = [];

        public TelemetryParseStatus Agree(byte[] line)
        {
            var status = _flat.Parse(line, out var a);
            var expected = _reader.ParseWithReader(line, out var b);
            var diff = new StringBuilder();
            if (status != expected) diff.Append("status ").Append(status).Append(" vs ").Append(expected).Append("; ");
            Difference(diff, a, b);
            if (_flat.AgentIdCount != _reader.AgentIdCount) diff.Append("agent ids interned; ");
            if (_flat.LabelOverflow != _reader.LabelOverflow) diff.Append("label overflow; ");
            if (_flat.AgentId(a.AgentKey) != _reader.AgentId(b.AgentKey)) diff.Append("agent id; ");
            foreach (var (x, y) in new[] { (a.TypeKey, b.TypeKey), (a.StatusKey, b.StatusKey), (a.SwarmKey, b.SwarmKey), (a.ModelKey, b.ModelKey), (a.MessageTypeKey, b.MessageTypeKey), (a.MetricKey, b.MetricKey) })
            {
                if (_flat.Label(x) != _reader.Label(y)) diff.Append("label ").Append(_flat.Label(x)).Append(" vs ").Append(_reader.Label(y)).Append("; ");
            }

            if (diff.Length > 0 && Disagreements.Count < 20) Disagreements.Add(Encoding.Latin1.GetString(line) + " => " + diff);

            // Terminations release keys in the intake; doing it here keeps recycled keys (and the label cache's slots) in play.
            if (status == TelemetryParseStatus.Ok && a.Kind == TelemetryEventKind.AgentTerminated)
            {
                _flat.Agents.Release(a.AgentKey);
                _reader.Agents.Release(b.AgentKey);
            }

            return status;
        }

        private static void Difference(StringBuilder diff, in TelemetryEvent a, in TelemetryEvent b)
        {
            void Check<T>(string name, T x, T y)
            {
                if (!EqualityComparer<T>.Default.Equals(x, y)) diff.Append(name).Append(": ").Append(x).Append(" vs ").Append(y).Append("; ");
            }

            Check(nameof(a.Kind), a.Kind, b.Kind);
            Check(nameof(a.Fields), a.Fields, b.Fields);
            Check(nameof(a.AgentKey), a.AgentKey, b.AgentKey);
            Check(nameof(a.TypeKey), a.TypeKey, b.TypeKey);
            Check(nameof(a.StatusKey), a.StatusKey, b.StatusKey);
            Check(nameof(a.SwarmKey), a.SwarmKey, b.SwarmKey);
            Check(nameof(a.CpuUsage), BitConverter.SingleToInt32Bits(a.CpuUsage), BitConverter.SingleToInt32Bits(b.CpuUsage));
            Check(nameof(a.MemoryUsage), BitConverter.SingleToInt32Bits(a.MemoryUsage), BitConverter.SingleToInt32Bits(b.MemoryUsage));
            Check(nameof(a.TasksActive), a.TasksActive, b.TasksActive);
            Check(nameof(a.TokensUsed), a.TokensUsed, b.TokensUsed);
            Check(nameof(a.Health), BitConverter.SingleToInt32Bits(a.Health), BitConverter.SingleToInt32Bits(b.Health));
            Check(nameof(a.CreatedAtUtcTicks), a.CreatedAtUtcTicks, b.CreatedAtUtcTicks);
            Check(nameof(a.ModelKey), a.ModelKey, b.ModelKey);
            Check(nameof(a.TimestampUtcTicks), a.TimestampUtcTicks, b.TimestampUtcTicks);
            Check(nameof(a.FromKey), a.FromKey, b.FromKey);
            Check(nameof(a.ToKey), a.ToKey, b.ToKey);
            Check(nameof(a.MessageTypeKey), a.MessageTypeKey, b.MessageTypeKey);
            Check(nameof(a.MessageSize), a.MessageSize, b.MessageSize);
            Check(nameof(a.MetricKey), a.MetricKey, b.MetricKey);
            Check(nameof(a.MetricValue), BitConverter.DoubleToInt64Bits(a.MetricValue), BitConverter.DoubleToInt64Bits(b.MetricValue));
        }
    }
}
