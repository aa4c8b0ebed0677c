using System.Text;
using VisionFlow.Agents.Telemetry;

namespace VisionFlow.Agents.Tests;

internal sealed class TelemetryParserTests
{
    private static (TelemetryParseStatus Status, TelemetryEvent Event) Parse(TelemetryParser parser, string json)
    {
        var status = parser.Parse(Encoding.UTF8.GetBytes(json), out var ev);
        return (status, ev);
    }

    [Test]
    public async Task Parses_the_seed_agent_status_event()
    {
        var parser = new TelemetryParser();
        var (status, ev) = Parse(parser, """
            {"type":"agent.status","data":{"agent_id":"agent-001","status":"active","cpu_usage":45.2,"memory_usage":128.5,"tasks_active":3,"tokens_used":1523,"swarm_id":"swarm-1","type":"coder"},"timestamp":"2024-01-01T12:00:00Z"}
            """);
        await Assert.That(status).IsEqualTo(TelemetryParseStatus.Ok);
        await Assert.That(ev.Kind).IsEqualTo(TelemetryEventKind.AgentStatus);
        await Assert.That(parser.AgentId(ev.AgentKey)).IsEqualTo("agent-001");
        await Assert.That(parser.Label(ev.StatusKey)).IsEqualTo("active");
        await Assert.That(parser.Label(ev.TypeKey)).IsEqualTo("coder");
        await Assert.That(parser.Label(ev.SwarmKey)).IsEqualTo("swarm-1");
        await Assert.That(ev.CpuUsage).IsEqualTo(45.2f);
        await Assert.That(ev.MemoryUsage).IsEqualTo(128.5f);
        await Assert.That(ev.TasksActive).IsEqualTo(3);
        await Assert.That(ev.TokensUsed).IsEqualTo(1523L);
        await Assert.That(ev.TimestampUtcTicks).IsEqualTo(new DateTimeOffset(2024, 1, 1, 12, 0, 0, TimeSpan.Zero).UtcTicks);
        await Assert.That(ev.Fields).IsEqualTo(TelemetryFields.Type | TelemetryFields.Status | TelemetryFields.CpuUsage | TelemetryFields.MemoryUsage
            | TelemetryFields.TasksActive | TelemetryFields.TokensUsed | TelemetryFields.Swarm | TelemetryFields.Timestamp);
    }

    [Test]
    public async Task Accepts_camel_case_field_names_and_data_before_type()
    {
        var parser = new TelemetryParser();
        var (status, ev) = Parse(parser, """
            {"data":{"agentId":"a1","agentType":"researcher","cpuUsage":"12.5","memoryUsage":64,"tasksActive":2,"tokensUsed":10,"swarmId":"s"},"type":"agent.spawned"}
            """);
        await Assert.That(status).IsEqualTo(TelemetryParseStatus.Ok);
        await Assert.That(ev.Kind).IsEqualTo(TelemetryEventKind.AgentSpawned);
        await Assert.That(parser.AgentId(ev.AgentKey)).IsEqualTo("a1");
        await Assert.That(parser.Label(ev.TypeKey)).IsEqualTo("researcher");
        await Assert.That(ev.CpuUsage).IsEqualTo(12.5f);
        await Assert.That(ev.MemoryUsage).IsEqualTo(64f);
        await Assert.That(ev.TasksActive).IsEqualTo(2);
        await Assert.That(ev.TokensUsed).IsEqualTo(10L);
        await Assert.That(parser.Label(ev.SwarmKey)).IsEqualTo("s");
    }

    [Test]
    public async Task Same_id_interns_to_the_same_key_and_escapes_are_decoded()
    {
        var parser = new TelemetryParser();
        var (_, first) = Parse(parser, """{"type":"agent.status","data":{"id":"agent-\u0041"}}""");
        var (_, second) = Parse(parser, """{"type":"agent.status","data":{"id":"agent-A"}}""");
        var (_, third) = Parse(parser, """{"type":"agent.status","data":{"id":"agent-B"}}""");
        await Assert.That(first.AgentKey).IsEqualTo(second.AgentKey);
        await Assert.That(third.AgentKey).IsNotEqualTo(first.AgentKey);
        await Assert.That(parser.AgentId(first.AgentKey)).IsEqualTo("agent-A");
        await Assert.That(parser.AgentIdCount).IsEqualTo(2);
    }

    [Test]
    public async Task Labels_that_change_from_tick_to_tick_intern_to_what_each_line_says()
    {
        // An agent's label fields remember the label they last were (one compare instead of a table probe): a changed
        // label, one changed back, an agent whose key was recycled and another agent saying the same must all still
        // come out as the line says.
        var parser = new TelemetryParser(agentCapacity: 2);
        string[] statuses = ["idle", "busy", "busy", "idle", "busyx", "busy"];
        foreach (var said in statuses)
        {
            var (status, ev) = Parse(parser, $$$"""{"type":"agent.status","data":{"agent_id":"a1","status":"{{{said}}}","type":"coder","swarm_id":"s1"}}""");
            await Assert.That(status).IsEqualTo(TelemetryParseStatus.Ok);
            await Assert.That(parser.Label(ev.StatusKey)).IsEqualTo(said);
            await Assert.That(parser.Label(ev.TypeKey)).IsEqualTo("coder");
            await Assert.That(parser.Label(ev.SwarmKey)).IsEqualTo("s1");
        }

        var (_, a2) = Parse(parser, """{"type":"agent.status","data":{"agent_id":"a2","status":"idle","type":"tester"}}""");
        await Assert.That(parser.Label(a2.StatusKey)).IsEqualTo("idle");
        await Assert.That(parser.Label(a2.TypeKey)).IsEqualTo("tester");

        // a1 goes; a3 gets its key and says other labels than a1 last did.
        var (_, gone) = Parse(parser, """{"type":"agent.terminated","data":{"agent_id":"a1"}}""");
        parser.Agents.Release(gone.AgentKey);
        var (_, a3) = Parse(parser, """{"type":"agent.status","data":{"agent_id":"a3","status":"idle","type":"reviewer","swarm_id":"s2"}}""");
        await Assert.That(a3.AgentKey).IsEqualTo(gone.AgentKey);
        await Assert.That(parser.Label(a3.StatusKey)).IsEqualTo("idle");
        await Assert.That(parser.Label(a3.TypeKey)).IsEqualTo("reviewer");
        await Assert.That(parser.Label(a3.SwarmKey)).IsEqualTo("s2");
    }

    [Test]
    public async Task Terminated_event_and_terminated_status_both_remove()
    {
        var parser = new TelemetryParser();
        Parse(parser, """{"type":"agent.spawned","data":{"agent_id":"x"}}""");
        var (s1, e1) = Parse(parser, """{"type":"agent.terminated","data":{"agent_id":"x"}}""");
        var (s2, e2) = Parse(parser, """{"type":"agent.status","data":{"agent_id":"x","status":"terminated"}}""");
        await Assert.That(s1).IsEqualTo(TelemetryParseStatus.Ok);
        await Assert.That(e1.Kind).IsEqualTo(TelemetryEventKind.AgentTerminated);
        await Assert.That(s2).IsEqualTo(TelemetryParseStatus.Ok);
        await Assert.That(e2.Kind).IsEqualTo(TelemetryEventKind.AgentTerminated);
        var (s3, _) = Parse(parser, """{"type":"agent.terminated","data":{"agent_id":"never-seen"}}""");
        await Assert.That(s3).IsEqualTo(TelemetryParseStatus.UnknownAgent);
        await Assert.That(parser.AgentIdCount).IsEqualTo(1);
    }

    [Test]
    [Arguments("""{"type":"message.flow","data":{"from":"a","to":"b","message_type":"task","size":512}}""")]
    [Arguments("""{"type":"message.flow","data":{"from_agent":"a","to_agent":"b","messageType":"task","messageSize":512}}""")]
    [Arguments("""{"type":"message.flow","data":{"source":"a","target":"b","type":"task","bytes":512}}""")]
    public async Task Parses_message_flow_variants(string json)
    {
        var parser = new TelemetryParser();
        Parse(parser, """{"type":"agent.spawned","data":{"agent_id":"a"}}""");
        Parse(parser, """{"type":"agent.spawned","data":{"agent_id":"b"}}""");
        var (status, ev) = Parse(parser, json);
        await Assert.That(status).IsEqualTo(TelemetryParseStatus.Ok);
        await Assert.That(ev.Kind).IsEqualTo(TelemetryEventKind.MessageFlow);
        await Assert.That(parser.AgentId(ev.FromKey)).IsEqualTo("a");
        await Assert.That(parser.AgentId(ev.ToKey)).IsEqualTo("b");
        await Assert.That(parser.Label(ev.MessageTypeKey)).IsEqualTo("task");
        await Assert.That(ev.MessageSize).IsEqualTo(512);
    }

    [Test]
    public async Task Message_flow_between_unknown_agents_does_not_intern_them()
    {
        var parser = new TelemetryParser();
        var (status, _) = Parse(parser, """{"type":"message.flow","data":{"from":"ghost","to":"other"}}""");
        await Assert.That(status).IsEqualTo(TelemetryParseStatus.UnknownAgent);
        await Assert.That(parser.AgentIdCount).IsEqualTo(0);
    }

    [Test]
    public async Task Parses_metrics_events()
    {
        var parser = new TelemetryParser();
        var (status, ev) = Parse(parser, """{"type":"metrics.throughput","data":{"value":123.5},"timestamp":"2024-01-01T00:00:00Z"}""");
        await Assert.That(status).IsEqualTo(TelemetryParseStatus.Ok);
        await Assert.That(ev.Kind).IsEqualTo(TelemetryEventKind.Metrics);
        await Assert.That(parser.Label(ev.MetricKey)).IsEqualTo("throughput");
        await Assert.That(ev.MetricValue).IsEqualTo(123.5);
    }

    [Test]
    [Arguments("not json", TelemetryParseStatus.Malformed)]
    [Arguments("", TelemetryParseStatus.Malformed)]
    [Arguments("[1,2]", TelemetryParseStatus.Malformed)]
    [Arguments("""{"type":"agent.status","data":{"agent_id":"a",""", TelemetryParseStatus.Malformed)]
    [Arguments("""{"type":"agent.status","data":{"agent_id":"a"}} trailing""", TelemetryParseStatus.Malformed)]
    [Arguments("""{"type":"agent.exploded","data":{"agent_id":"a"}}""", TelemetryParseStatus.UnknownType)]
    [Arguments("""{"jsonrpc":"2.0","id":1,"result":{}}""", TelemetryParseStatus.UnknownType)]
    [Arguments("""{"type":"agent.status","data":{"status":"active"}}""", TelemetryParseStatus.MissingField)]
    [Arguments("""{"type":"message.flow","data":{"from":"a"}}""", TelemetryParseStatus.MissingField)]
    [Arguments("""{"type":42,"data":{}}""", TelemetryParseStatus.Malformed)]
    public async Task Bad_lines_are_classified_not_thrown(string json, TelemetryParseStatus expected)
    {
        var parser = new TelemetryParser();
        var (status, _) = Parse(parser, json);
        await Assert.That(status).IsEqualTo(expected);
    }

    [Test]
    public async Task Over_long_ids_are_refused()
    {
        var parser = new TelemetryParser(maxIdBytes: 16);
        var (status, _) = Parse(parser, "{\"type\":\"agent.status\",\"data\":{\"agent_id\":\"" + new string('x', 17) + "\"}}");
        await Assert.That(status).IsEqualTo(TelemetryParseStatus.IdTooLong);
        await Assert.That(parser.AgentIdCount).IsEqualTo(0);
    }

    [Test]
    public async Task A_full_id_table_refuses_new_agents()
    {
        var parser = new TelemetryParser(agentCapacity: 2);
        await Assert.That(Parse(parser, """{"type":"agent.status","data":{"agent_id":"a"}}""").Status).IsEqualTo(TelemetryParseStatus.Ok);
        await Assert.That(Parse(parser, """{"type":"agent.status","data":{"agent_id":"b"}}""").Status).IsEqualTo(TelemetryParseStatus.Ok);
        await Assert.That(Parse(parser, """{"type":"agent.status","data":{"agent_id":"c"}}""").Status).IsEqualTo(TelemetryParseStatus.OverCapacity);
        await Assert.That(Parse(parser, """{"type":"agent.status","data":{"agent_id":"a"}}""").Status).IsEqualTo(TelemetryParseStatus.Ok);
    }

    [Test]
    public async Task Nested_unknown_fields_are_skipped()
    {
        var parser = new TelemetryParser();
        var (status, ev) = Parse(parser, """{"id":"rpc-less","type":"agent.status","data":{"capabilities":["a",{"b":[1,2]}],"metadata":{"x":{"y":1}},"agent_id":"z","cpu_usage":1},"extra":[{}]}""");
        await Assert.That(status).IsEqualTo(TelemetryParseStatus.Ok);
        await Assert.That(parser.AgentId(ev.AgentKey)).IsEqualTo("z");
        await Assert.That(ev.CpuUsage).IsEqualTo(1f);
    }

    [Test]
    [Arguments("""{"success":true,"agents":[{"agentId":"a","agentType":"coder","status":"active"},{"id":"b","type":"tester","status":"idle"}]}""")]
    [Arguments("""[{"agent_id":"a","type":"coder","status":"active"},{"agent_id":"b","type":"tester","status":"idle"}]""")]
    [Arguments("""{"content":[{"type":"text","text":"{\"success\":true,\"agents\":[{\"agentId\":\"a\",\"agentType\":\"coder\",\"status\":\"active\"},{\"agentId\":\"b\",\"agentType\":\"tester\",\"status\":\"idle\"}]}"}]}""")]
    [Arguments("""{"result":{"agents":[{"agentId":"a","agentType":"coder","status":"active"},{"agentId":"b","agentType":"tester","status":"idle"}]}}""")]
    public async Task Parses_agent_lists_in_every_shape(string json)
    {
        var parser = new TelemetryParser();
        var sink = new CollectingSink();
        var status = parser.ParseAgentList(Encoding.UTF8.GetBytes(json), sink);
        await Assert.That(status).IsEqualTo(AgentListParseStatus.Ok);
        await Assert.That(sink.Events.Count).IsEqualTo(2);
        await Assert.That(sink.Events[0].Kind).IsEqualTo(TelemetryEventKind.AgentListed);
        await Assert.That(parser.AgentId(sink.Events[0].AgentKey)).IsEqualTo("a");
        await Assert.That(parser.Label(sink.Events[0].TypeKey)).IsEqualTo("coder");
        await Assert.That(parser.AgentId(sink.Events[1].AgentKey)).IsEqualTo("b");
        await Assert.That(parser.Label(sink.Events[1].StatusKey)).IsEqualTo("idle");
    }

    [Test]
    public async Task Agent_list_failures_are_reported()
    {
        var parser = new TelemetryParser();
        var sink = new CollectingSink();
        await Assert.That(parser.ParseAgentList("""{"success":false,"error":"no swarm"}"""u8, sink)).IsEqualTo(AgentListParseStatus.Failed);
        await Assert.That(parser.ParseAgentList("""{"ok":true}"""u8, sink)).IsEqualTo(AgentListParseStatus.NoAgentList);
        await Assert.That(parser.ParseAgentList("""{"agents":[{"agentId":"a"},"""u8, sink)).IsEqualTo(AgentListParseStatus.Malformed);
        await Assert.That(parser.ParseAgentList("""{"agents":[{"status":"idle"},7]}"""u8, sink)).IsEqualTo(AgentListParseStatus.Ok);
        await Assert.That(sink.Rejected).IsEqualTo(2);
    }

    [Test]
    public async Task Timestamps_and_counters_parse_in_every_form()
    {
        var parser = new TelemetryParser();
        var t1 = Parse(parser, """{"type":"agent.status","data":{"agent_id":"a","tasks_active":3.0,"tokens_used":"12"},"timestamp":"2024-01-01T12:00:00Z"}""").Event;
        var t2 = Parse(parser, """{"type":"agent.status","data":{"agent_id":"a"},"timestamp":"2024-01-01T12:00:01Z"}""").Event;
        var t3 = Parse(parser, """{"type":"agent.status","data":{"agent_id":"a"},"timestamp":"2024-01-01T12:00:00Z"}""").Event;
        var t4 = Parse(parser, """{"type":"agent.status","data":{"agent_id":"a"},"timestamp":1704110400000}""").Event;
        var t5 = Parse(parser, """{"type":"agent.status","data":{"agent_id":"a"},"timestamp":"yesterday"}""").Event;
        var noon = new DateTimeOffset(2024, 1, 1, 12, 0, 0, TimeSpan.Zero).UtcTicks;
        await Assert.That(t1.TimestampUtcTicks).IsEqualTo(noon);
        await Assert.That(t2.TimestampUtcTicks).IsEqualTo(noon + TimeSpan.TicksPerSecond);
        await Assert.That(t3.TimestampUtcTicks).IsEqualTo(noon);
        await Assert.That(t4.TimestampUtcTicks).IsEqualTo(noon);
        await Assert.That((t5.Fields & TelemetryFields.Timestamp) == 0).IsTrue();
        await Assert.That(t1.TasksActive).IsEqualTo(3);
        await Assert.That(t1.TokensUsed).IsEqualTo(12L);
    }

    [Test]
    public async Task Json_rpc_notifications_of_the_same_events_are_accepted()
    {
        var parser = new TelemetryParser();
        var (status, ev) = Parse(parser, """{"jsonrpc":"2.0","method":"agent/status","params":{"agentId":"n1","status":"busy","cpuUsage":3}}""");
        await Assert.That(status).IsEqualTo(TelemetryParseStatus.Ok);
        await Assert.That(ev.Kind).IsEqualTo(TelemetryEventKind.AgentStatus);
        await Assert.That(parser.AgentId(ev.AgentKey)).IsEqualTo("n1");
        var (other, _) = Parse(parser, """{"jsonrpc":"2.0","method":"swarm/update","params":{"swarmId":"s"}}""");
        await Assert.That(other).IsEqualTo(TelemetryParseStatus.UnknownType);
    }

    private sealed class CollectingSink : ITelemetryEventSink
    {
        public List<TelemetryEvent> Events { get; } = [];

        public int Rejected { get; private set; }

        public void OnEvent(in TelemetryEvent telemetryEvent) => Events.Add(telemetryEvent);

        public void OnRejected(TelemetryParseStatus status) => Rejected++;
    }
}
