using System.Buffers;
using System.Text;
using System.Text.Json;
using VisionFlow.Simulator.Model;
using VisionFlow.Simulator.Dialects;

namespace VisionFlow.Simulator.Tests;

public sealed class TelemetryTests
{
    private static readonly string[] StatusMembers = ["agent_id", "swarm_id", "type", "status", "cpu_usage", "memory_usage", "tasks_active", "tokens_used"];

    [Test]
    public async Task Every_line_is_a_push_event_with_type_data_and_timestamp()
    {
        var sim = new Sim();
        var swarm = sim.Swarm("mesh", 10);
        for (var i = 0; i < 5; i++)
        {
            sim.Agent(swarm);
        }

        var frame = sim.Tick(1.0);
        await Assert.That(frame).EndsWith("\n");
        var lines = Sim.Lines(frame);
        await Assert.That(lines.Count).IsGreaterThan(5);
        foreach (var line in lines)
        {
            await Assert.That(line.EnumerateObject().Select(p => p.Name).ToList()).IsEquivalentTo(new[] { "type", "data", "timestamp" });
            await Assert.That(TelemetrySubscription.EventTypes).Contains(Sim.Str(line, "type"));
            await Assert.That(line.GetProperty("data").GetProperty("simulated").GetBoolean()).IsTrue();
            var stamp = Sim.Str(line, "timestamp");
            await Assert.That(stamp).EndsWith("Z");
            await Assert.That(DateTimeOffset.Parse(stamp, System.Globalization.CultureInfo.InvariantCulture)).IsLessThanOrEqualTo(sim.Time.GetUtcNow());
        }

        var status = lines.Where(l => Sim.Str(l, "type") == "agent.status").ToList();
        await Assert.That(status.Count).IsEqualTo(5);
        foreach (var s in status)
        {
            foreach (var member in StatusMembers)
            {
                await Assert.That(s.GetProperty("data").TryGetProperty(member, out _)).IsTrue();
            }

            var cpu = s.GetProperty("data").GetProperty("cpu_usage").GetDouble();
            await Assert.That(cpu).IsGreaterThanOrEqualTo(0).And.IsLessThanOrEqualTo(100);
            await Assert.That(Sim.Str(s.GetProperty("data"), "swarm_id")).IsEqualTo(swarm);
        }

        await Assert.That(lines.Count(l => Sim.Str(l, "type") == "agent.spawned")).IsEqualTo(5);
        await Assert.That(lines.Count(l => Sim.Str(l, "type") == "metrics.system")).IsEqualTo(1);
    }

    [Test]
    public async Task Lifecycle_events_appear_once_in_the_next_frame()
    {
        var sim = new Sim();
        var swarm = sim.Swarm();
        var agent = sim.Agent(swarm, "tester");
        var first = Sim.Lines(sim.Tick(0.1));
        var spawned = first.Single(l => Sim.Str(l, "type") == "agent.spawned").GetProperty("data");
        await Assert.That(Sim.Str(spawned, "agent_id")).IsEqualTo(agent);
        await Assert.That(Sim.Str(spawned, "id")).IsEqualTo(agent);
        await Assert.That(Sim.Str(spawned, "type")).IsEqualTo("tester");

        var second = Sim.Lines(sim.Tick(0.1));
        await Assert.That(second.Any(l => Sim.Str(l, "type") == "agent.spawned")).IsFalse();

        sim.Tool("agent_terminate", $$"""{"agentId":"{{agent}}"}""");
        var third = Sim.Lines(sim.Tick(0.1));
        var terminated = third.Single(l => Sim.Str(l, "type") == "agent.terminated").GetProperty("data");
        await Assert.That(Sim.Str(terminated, "id")).IsEqualTo(agent);
        await Assert.That(third.Any(l => Sim.Str(l, "type") == "agent.status")).IsFalse();
    }

    [Test]
    public async Task Agents_cycle_through_states_and_tokens_grow_while_busy()
    {
        var sim = new Sim();
        var swarm = sim.Swarm();
        var agents = Enumerable.Range(0, 6).Select(_ => sim.Agent(swarm)).ToList();
        sim.Tool("task_create", $$"""{"type":"feature","description":"Work","assignTo":["{{agents[0]}}"]}""");
        var seen = new HashSet<string>();
        long lastTokens = -1;
        for (var i = 0; i < 100; i++)
        {
            foreach (var line in Sim.Lines(sim.Tick(0.1, TelemetryEvents.AgentStatus)))
            {
                var data = line.GetProperty("data");
                seen.Add(Sim.Str(data, "status"));
                if (Sim.Str(data, "agent_id") == agents[0] && data.GetProperty("tasks_active").GetInt32() > 0)
                {
                    var tokens = data.GetProperty("tokens_used").GetInt64();
                    await Assert.That(tokens).IsGreaterThanOrEqualTo(lastTokens);
                    lastTokens = tokens;
                }
            }
        }

        await Assert.That(seen).Contains("idle");
        await Assert.That(seen).Contains("active");
        await Assert.That(seen).Contains("busy");
        await Assert.That(lastTokens).IsGreaterThan(0);
    }

    [Test]
    [Arguments("mesh")]
    [Arguments("star")]
    [Arguments("ring")]
    [Arguments("hierarchical")]
    [Arguments("hierarchical-mesh")]
    public async Task Message_flows_connect_only_live_agents_of_the_same_swarm(string topology)
    {
        var sim = new Sim();
        var a = sim.Swarm(topology, 20);
        var b = sim.Swarm("mesh", 20);
        var members = new Dictionary<string, string>();
        for (var i = 0; i < 9; i++)
        {
            members[sim.Agent(a)] = a;
        }

        for (var i = 0; i < 3; i++)
        {
            members[sim.Agent(b)] = b;
        }

        var lone = sim.Plain("agent.spawn", """{"type":"coder"}""");
        members[Sim.Str(lone, "agent_id")] = b;
        var gone = members.Keys.First();
        sim.Tool("agent_terminate", $$"""{"agentId":"{{gone}}"}""");
        var flows = 0;
        var flowsInA = 0;
        var hubTalk = 0;
        var hub = members.Keys.Where(k => members[k] == a).Skip(1).First();
        for (var i = 0; i < 50; i++)
        {
            foreach (var line in Sim.Lines(sim.Tick(0.1, TelemetryEvents.MessageFlow)))
            {
                var d = line.GetProperty("data");
                var from = Sim.Str(d, "from");
                var to = Sim.Str(d, "to");
                await Assert.That(from).IsNotEqualTo(to);
                await Assert.That(from).IsNotEqualTo(gone);
                await Assert.That(to).IsNotEqualTo(gone);
                await Assert.That(members[from]).IsEqualTo(members[to]);
                await Assert.That(Sim.Str(d, "swarm_id")).IsEqualTo(members[from]);
                if (members[from] == a)
                {
                    flowsInA++;
                    hubTalk += from == hub || to == hub ? 1 : 0;
                }

                flows++;
            }
        }

        await Assert.That(flows).IsGreaterThan(0);
        if (topology == "star")
        {
            // After the first agent left, the next one in line is the hub: every message in that swarm touches it.
            await Assert.That(flowsInA).IsGreaterThan(0);
            await Assert.That(hubTalk).IsEqualTo(flowsInA);
        }
    }

    [Test]
    public async Task Pump_produces_frames_at_the_configured_rate()
    {
        var sim = new Sim(options: new SimulatorOptions { TelemetryRateHz = 20 });
        sim.Agent(sim.Swarm());
        var frames = new List<TelemetryFrameInfo>();
        var bytes = new ArrayBufferWriter<byte>();
        using var pump = new TelemetryPump(sim.Simulator, sim.Time, s =>
        {
            frames.Add(s.LastFrame);
            s.WriteFrame(bytes);
        });
        pump.Start();
        for (var i = 0; i < 40; i++)
        {
            sim.Time.Advance(TimeSpan.FromMilliseconds(50));
        }

        await Assert.That(frames.Count).IsEqualTo(40);
        await Assert.That(pump.Frames).IsEqualTo(40);
        await Assert.That(frames.Select(f => f.Sequence).ToList()).IsEquivalentTo(Enumerable.Range(1, 40).Select(i => (long)i).ToList());
        await Assert.That(frames.All(f => f.Status == 1)).IsTrue();
        await Assert.That(frames.Sum(f => f.Metrics)).IsEqualTo(2 * 2);
        var lines = Sim.Lines(Encoding.UTF8.GetString(bytes.WrittenSpan));
        await Assert.That(lines.Count(l => Sim.Str(l, "type") == "agent.status")).IsEqualTo(40);
    }

    [Test]
    public async Task Rates_below_10_hz_are_rejected()
    {
        await Assert.That(() => new SwarmSimulator(new SimulatorOptions { TelemetryRateHz = 5 }, TimeProvider.System)).Throws<ArgumentOutOfRangeException>();
        await Assert.That(new SimulatorOptions { TelemetryRateHz = 100 }.TickInterval).IsEqualTo(TimeSpan.FromMilliseconds(10));
    }

    [Test]
    public async Task WriteFrame_filters_by_event_type_without_changing_the_frame()
    {
        var sim = new Sim();
        var swarm = sim.Swarm();
        sim.Agent(swarm);
        sim.Agent(swarm);
        sim.Time.Advance(TimeSpan.FromSeconds(1));
        sim.Simulator.Advance(TimeSpan.FromSeconds(1));
        var all = new ArrayBufferWriter<byte>();
        var statusOnly = new ArrayBufferWriter<byte>();
        var metricsOnly = new ArrayBufferWriter<byte>();
        sim.Simulator.WriteFrame(all);
        sim.Simulator.WriteFrame(statusOnly, TelemetryEvents.AgentStatus);
        sim.Simulator.WriteFrame(metricsOnly, TelemetryEvents.Metrics);
        var allLines = Sim.Lines(Encoding.UTF8.GetString(all.WrittenSpan));
        await Assert.That(allLines.Count).IsEqualTo(sim.Simulator.LastFrame.TotalLines);
        await Assert.That(Sim.Lines(Encoding.UTF8.GetString(statusOnly.WrittenSpan)).All(l => Sim.Str(l, "type") == "agent.status")).IsTrue();
        var metrics = Sim.Lines(Encoding.UTF8.GetString(metricsOnly.WrittenSpan));
        await Assert.That(metrics.Select(l => Sim.Str(l, "type")).ToList()).IsEquivalentTo(new[] { "metrics.system", "metrics.swarm" });
        await Assert.That(metrics[0].GetProperty("data").GetProperty("agents").GetInt32()).IsEqualTo(2);
    }

    [Test]
    public async Task Same_seed_same_calls_same_bytes_and_another_seed_differs()
    {
        static string Run(int seed)
        {
            var sim = new Sim(seed);
            var swarm = sim.Swarm("hierarchical", 30);
            var agents = Enumerable.Range(0, 12).Select(i => sim.Agent(swarm, i % 2 == 0 ? "coder" : "tester")).ToList();
            sim.Tool("task_create", $$"""{"type":"feature","description":"Build","assignTo":["{{agents[0]}}","{{agents[3]}}"]}""");
            sim.Plain("task.assign", $$"""{"agent_id":"{{agents[5]}}","task":"Review"}""");
            var output = new StringBuilder();
            for (var i = 0; i < 30; i++)
            {
                output.Append(sim.Tick(0.1));
            }

            output.Append(sim.Tool("agent_list").GetRawText());
            return output.ToString();
        }

        var a = Run(7);
        var b = Run(7);
        var c = Run(8);
        await Assert.That(a).IsEqualTo(b);
        await Assert.That(a).IsNotEqualTo(c);
    }

    [Test]
    public async Task Ten_thousand_agents_produce_ten_thousand_status_lines_per_frame()
    {
        var sim = new Sim(options: new SimulatorOptions { MaxMessageFlowsPerSecond = 50_000 });
        sim.Plain("multi-agent.initialize", """{"topology":"hierarchical-mesh","agents":10000,"max_agents":10000}""");
        var buffer = new ArrayBufferWriter<byte>(1 << 22);
        for (var i = 0; i < 10; i++)
        {
            buffer.ResetWrittenCount();
            sim.Time.Advance(TimeSpan.FromMilliseconds(100));
            sim.Simulator.Tick(TimeSpan.FromMilliseconds(100), buffer);
            await Assert.That(sim.Simulator.LastFrame.Status).IsEqualTo(10_000);
        }

        var lines = Encoding.UTF8.GetString(buffer.WrittenSpan).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        await Assert.That(lines.Length).IsEqualTo(sim.Simulator.LastFrame.TotalLines);
        await Assert.That(sim.Simulator.LastFrame.MessageFlows).IsGreaterThan(0).And.IsLessThanOrEqualTo(5_000);
        using var last = JsonDocument.Parse(lines[^1]);
        await Assert.That(last.RootElement.GetProperty("type").GetString()).IsNotNull();
    }
}
