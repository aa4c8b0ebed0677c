using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using VisionFlow.Agents;
using VisionFlow.Agents.Intake;
using VisionFlow.Connections.Link;
using VisionFlow.Agents.Telemetry;

namespace VisionFlow.Bench;

/// <summary>Cost of one batch applied to a cache of N agents: every agent changed, or a single agent changed.</summary>
[MemoryDiagnoser]
public class AgentsCacheBenchmarks
{
    /// <summary>The session the benchmarks' intakes run in.</summary>
    internal const long Session = 1;

    private TelemetryIntake _intake = null!;
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
        _intake = new TelemetryIntake(options, TimeProvider.System, new McpSessionFeed(4 * 1024 * 1024));
        OpenSession(_intake);
        _allLines = [Lines(0), Lines(1)];
        _oneLine = [_allLines[0][0], _allLines[1][0]];
        for (var i = 0; i < Agents; i++)
        {
            _intake.StageLine(Encoding.UTF8.GetBytes($"{{\"type\":\"agent.spawned\",\"data\":{{\"agent_id\":\"agent-{i.ToString(CultureInfo.InvariantCulture)}\",\"type\":\"coder\"}}}}"));
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
        foreach (var line in _allLines[_turn++ & 1]) _intake.StageLine(line);
        return _intake.ProcessBatchAsync().GetAwaiter().GetResult();
    }

    /// <summary>Cache alone: pre-parsed events for every agent staged (coalesced) and applied, plus the graph update.</summary>
    [Benchmark]
    public bool StageApplyAllAgentsChanged()
    {
        foreach (ref readonly var ev in _allEvents[_turn++ & 1].AsSpan()) _intake.Cache.Stage(in ev);
        return _intake.ApplyBatch();
    }

    /// <summary>A batch where one agent reported (the rest of the cost is the per-batch staleness sweep).</summary>
    [Benchmark]
    public bool ApplyOneAgentChanged()
    {
        _intake.StageLine(_oneLine[_turn++ & 1]);
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

    /// <summary>Opens <see cref="Session"/> on <paramref name="intake"/> with an empty listing, as the link does on connect.</summary>
    internal static void OpenSession(TelemetryIntake intake)
    {
        var applied = intake.Feed.PublishListingAsync(Session, "{\"agents\":[]}"u8.ToArray(), CancellationToken.None);
        intake.ProcessBatchAsync().AsTask().GetAwaiter().GetResult();
        applied.AsTask().GetAwaiter().GetResult();
    }
}
