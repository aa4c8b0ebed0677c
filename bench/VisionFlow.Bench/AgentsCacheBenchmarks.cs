using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using VisionFlow.Agents;
using VisionFlow.Agents.Intake;
using VisionFlow.Agents.Telemetry;

namespace VisionFlow.Bench;

/// <summary>Cost of one batch applied to a cache of N agents: every agent changed, or a single agent changed.</summary>
[MemoryDiagnoser]
public class AgentsCacheBenchmarks
{
    private TelemetryIntake _intake = null!;
    private ITelemetryBatchSink _sink = null!;
    private byte[][][] _allLines = [];
    private byte[][] _oneLine = [];
    private TelemetryEvent[][] _allEvents = [];
    private int _turn;

    [Params(50, 1_000, 10_000)]
    public int Agents { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var options = new AgentTelemetryOptions { MaxAgents = Agents, StaleAfterIntervals = 1_000_000, RemoveAfterIntervals = 2_000_000 };
        _intake = new TelemetryIntake(new PushTelemetrySource(4096, available: true), options, TimeProvider.System);
        _sink = _intake;
        _allLines = [Lines(0), Lines(1)];
        _oneLine = [_allLines[0][0], _allLines[1][0]];
        for (var i = 0; i < Agents; i++)
        {
            _sink.OnLine(Encoding.UTF8.GetBytes($"{{\"type\":\"agent.spawned\",\"data\":{{\"agent_id\":\"agent-{i.ToString(CultureInfo.InvariantCulture)}\",\"type\":\"coder\"}}}}"));
        }

        _intake.ProcessBatchAsync().AsTask().GetAwaiter().GetResult();
        _allEvents = [.. _allLines.Select(lines => lines.Select(line =>
        {
            _intake.Parser.Parse(line, out var ev);
            return ev;
        }).ToArray())];
        for (var i = 0; i < 2; i++) ApplyAllAgentsChanged();
    }

    /// <summary>A batch where every agent reported new values.</summary>
    [Benchmark]
    public bool ApplyAllAgentsChanged()
    {
        foreach (var line in _allLines[_turn++ & 1]) _sink.OnLine(line);
        return _intake.ProcessBatchAsync().GetAwaiter().GetResult();
    }

    /// <summary>Cache alone: pre-parsed events for every agent staged (coalesced) and applied, plus the graph update.</summary>
    [Benchmark]
    public bool StageApplyAllAgentsChanged()
    {
        foreach (ref readonly var ev in _allEvents[_turn++ & 1].AsSpan()) _intake.Cache.Stage(in ev);
        return _intake.ApplyBatch(available: true);
    }

    /// <summary>A batch where one agent reported (the rest of the cost is the per-batch staleness sweep).</summary>
    [Benchmark]
    public bool ApplyOneAgentChanged()
    {
        _sink.OnLine(_oneLine[_turn++ & 1]);
        return _intake.ProcessBatchAsync().GetAwaiter().GetResult();
    }

    private byte[][] Lines(int variant)
    {
        var lines = new byte[Agents][];
        for (var i = 0; i < Agents; i++)
        {
            lines[i] = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
                $"{{\"type\":\"agent.status\",\"data\":{{\"agent_id\":\"agent-{i}\",\"cpu_usage\":{(variant == 0 ? 10.5 : 20.5)},\"tasks_active\":{variant + 1}}}}}"));
        }

        return lines;
    }
}
