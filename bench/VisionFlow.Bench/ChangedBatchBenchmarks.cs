using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using VisionFlow.Agents;
using VisionFlow.Agents.Cache;
using VisionFlow.Agents.Graph;
using VisionFlow.Agents.Intake;
using VisionFlow.Agents.Knowledge;
using VisionFlow.Connections.Link;
using VisionFlow.Physics.Loop;
using VisionFlow.Server.Graph;

namespace VisionFlow.Bench;

/// <summary>
/// One changed batch at 10,000 agents, from the staged line to what physics is handed: the intake applies it, the graph
/// takes the change set, physics gets what it meant for the layout. The baseline is the path before change sets were
/// applied (issue 23): every changed batch built a full agent snapshot, rebuilt the whole dual graph from it and let the
/// physics feed compare 10,000 ids to find out nothing moved. Allocations should follow the change, not the agent count.
/// </summary>
[MemoryDiagnoser]
public class ChangedBatchBenchmarks
{
    private const int Agents = 10_000;
    private readonly KnowledgeSet _knowledge = KnowledgeLoader.LoadEmbedded();
    private Path _rebuild = null!;
    private Path _incremental = null!;
    private byte[][] _status = [];
    private byte[][] _hundred = [];
    private byte[] _spawn = [];
    private byte[] _terminate = [];
    private int _turn;

    [GlobalSetup]
    public void Setup()
    {
        _status = [StatusLine(0, "busy"), StatusLine(0, "idle")];
        _hundred = [.. Enumerable.Range(0, 200).Select(i => StatusLine(i % 100 * 97, i < 100 ? "busy" : "idle"))];
        _spawn = Encoding.UTF8.GetBytes("{\"type\":\"agent.spawned\",\"data\":{\"agent_id\":\"newcomer\",\"type\":\"coder\"}}");
        _terminate = Encoding.UTF8.GetBytes("{\"type\":\"agent.terminated\",\"data\":{\"agent_id\":\"newcomer\"}}");
        _rebuild = new Path(incremental: false, _knowledge);
        _incremental = new Path(incremental: true, _knowledge);
        if (!_incremental.Apply(_spawn) || !_incremental.Apply(_terminate) || !_rebuild.Apply(_spawn) || !_rebuild.Apply(_terminate))
        {
            throw new InvalidOperationException("the spawn and terminate lines must change the agents (room under MCP_MAX_AGENTS)");
        }

        for (var i = 0; i < 4; i++)
        {
            OneStatusRebuild();
            OneStatusIncremental();
            HundredStatusesIncremental();
            SpawnAndTerminateIncremental();
            SpawnAndTerminateRebuild();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _rebuild.Dispose();
        _incremental.Dispose();
    }

    [Benchmark(Baseline = true, Description = "1 status changed: full snapshot + graph rebuild (before)")]
    public bool OneStatusRebuild() => _rebuild.Apply(_status[_turn++ & 1]);

    [Benchmark(Description = "1 status changed: change set applied (now)")]
    public bool OneStatusIncremental() => _incremental.Apply(_status[_turn++ & 1]);

    [Benchmark(Description = "100 statuses changed: change set applied (now)")]
    public bool HundredStatusesIncremental()
    {
        var half = (_turn++ & 1) * 100;
        for (var i = 0; i < 100; i++) _incremental.Intake.StageLine(_hundred[half + i]);
        return _incremental.Apply(null);
    }

    [Benchmark(Description = "1 agent spawned, then terminated: full snapshot + graph rebuild, twice (before)")]
    public bool SpawnAndTerminateRebuild() => _rebuild.Apply(_spawn) & _rebuild.Apply(_terminate);

    [Benchmark(Description = "1 agent spawned, then terminated: change sets applied, twice (now)")]
    public bool SpawnAndTerminateIncremental() => _incremental.Apply(_spawn) & _incremental.Apply(_terminate);

    private static byte[] StatusLine(int agent, string status) => Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
        $"{{\"type\":\"agent.status\",\"data\":{{\"agent_id\":\"agent-{agent}\",\"status\":\"{status}\"}}}}"));

    /// <summary>An intake of 10,000 agents wired to a dual graph and a physics feed, the old way or the new.</summary>
    private sealed class Path : IDisposable
    {
        private readonly DualGraph _graph = new();
        private readonly PhysicsLoop _physics = new(new PhysicsLoopOptions { Backend = BackendPreference.Cpu }, TimeProvider.System);
        private readonly PhysicsFeed _feed;
        private readonly KnowledgeSet _knowledge;

        public Path(bool incremental, KnowledgeSet knowledge)
        {
            _knowledge = knowledge;
            _feed = new PhysicsFeed(_physics);
            var options = new AgentTelemetryOptions { MaxAgents = Agents + 16, StaleAfterIntervals = 1_000_000, RemoveAfterIntervals = 2_000_000 };
            Intake = new TelemetryIntake(options, TimeProvider.System, new McpSessionFeed(4 * 1024 * 1024));
            AgentsCacheBenchmarks.OpenSession(Intake);
            if (incremental)
            {
                _graph.SetKnowledge(knowledge);
                _graph.SetAgentGraph(null);
                Intake.ChangesApplied += ApplyChanges;
            }
            else
            {
                Intake.ChangesApplied += _ => Rebuild();
            }

            for (var i = 0; i < Agents; i++)
            {
                Intake.StageLine(Encoding.UTF8.GetBytes($"{{\"type\":\"agent.spawned\",\"data\":{{\"agent_id\":\"agent-{i.ToString(CultureInfo.InvariantCulture)}\",\"type\":\"coder\"}}}}"));
            }

            Intake.ProcessBatchAsync().AsTask().GetAwaiter().GetResult();
        }

        public TelemetryIntake Intake { get; }

        public bool Apply(byte[]? line)
        {
            if (line is not null) Intake.StageLine(line);
            return Intake.ApplyBatch();
        }

        public void Dispose() => _physics.Dispose();

        /// <summary>What the graph service did per changed batch before: a full snapshot, a full rebuild, a compare.</summary>
        private void Rebuild()
        {
            var snapshot = Intake.PublishSnapshotNow();
            _graph.Build(_knowledge, snapshot, null);
            _feed.Hand(_graph.Ids, _graph.Edges);
        }

        /// <summary>What it does now (GraphService.OnAgentsChanged and its loop, without the hop between threads).</summary>
        private void ApplyChanges(AgentChangeSet changes)
        {
            if (!changes.TopologyChanged && changes.EdgeChanges.IsEmpty) return;
            foreach (var key in changes.Removed) _graph.RemoveAgent(DualGraph.AgentNode(key));
            foreach (var key in changes.Added) _graph.AddAgent(DualGraph.AgentNode(key));
            foreach (var (a, b, w) in changes.EdgeChanges) _graph.SetEdge(DualGraph.AgentNode(a), DualGraph.AgentNode(b), w);
            if (_graph.TopologyChanged)
            {
                _graph.Publish();
                _feed.Hand(_graph.Ids, _graph.Edges);
            }
            else if (_graph.HasChanges)
            {
                _feed.HandWeights(_graph.WeightChanges);
                _graph.Publish();
            }
        }
    }
}
