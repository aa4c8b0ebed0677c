using VisionFlow.History.Model;
using VisionFlow.History.Recording;

namespace VisionFlow.Bench.History;

/// <summary>
/// Changes as the simulator makes them at 10 Hz (SwarmDynamics): every agent's CPU and memory drift with noise each
/// tick, busy agents burn tokens, each agent flips between idle, active and busy every 1 to 5 s, and message flows bump
/// the counters of a few edges per swarm of 10. Deterministic under its seed.
/// </summary>
internal sealed class RealisticSwarm
{
    private static readonly string[] Statuses = ["idle", "active", "busy"];
    private readonly Random _random;
    private readonly string[] _ids;
    private readonly float[] _cpu;
    private readonly float[] _memory;
    private readonly long[] _tokens;
    private readonly int[] _status;
    private readonly double[] _phaseLeft;
    private readonly long[] _edgeMessages;

    public RealisticSwarm(int agents, int seed = 1)
    {
        _random = new Random(seed);
        _ids = [.. Enumerable.Range(0, agents).Select(i => $"agent-{i:D5}")];
        _cpu = new float[agents];
        _memory = new float[agents];
        _tokens = new long[agents];
        _status = new int[agents];
        _phaseLeft = new double[agents];
        _edgeMessages = new long[agents];
        for (var i = 0; i < agents; i++)
        {
            _memory[i] = 64 + _random.Next(128);
            _phaseLeft[i] = 1 + (_random.NextDouble() * 4);
        }
    }

    public int Agents => _ids.Length;

    /// <summary>Announces every agent and its swarm.</summary>
    public void Start(HistoryRecorder recorder)
    {
        using var b = recorder.Begin();
        for (var s = 0; s < _ids.Length / 10; s++)
        {
            b.Added(EntityKind.Swarm, $"swarm-{s:D4}", [new(SwarmField.Topology, "mesh"), new(SwarmField.MaxAgents, 10L)]);
        }

        for (var i = 0; i < _ids.Length; i++)
        {
            b.AgentAdded(_ids[i],
            [
                new(AgentField.Type, (i % 10) == 0 ? "coordinator" : "coder"), new(AgentField.Status, Statuses[0]),
                new(AgentField.SwarmId, $"swarm-{i / 10:D4}"), new(AgentField.CpuUsage, _cpu[i]), new(AgentField.MemoryUsage, _memory[i]),
                new(AgentField.TokensUsed, 0L), new(AgentField.NodeId, (long)(0x8000_0000u | (uint)i)),
            ]);
        }
    }

    /// <summary>One 100 ms tick: the change set the intake would publish.</summary>
    public void Tick(HistoryRecorder recorder, double dt = 0.1)
    {
        using var b = recorder.Begin();
        Tick(b, dt);
    }

    /// <summary>One tick recorded into <paramref name="b"/> (or, with a default batch, only computed: recording off).</summary>
    public void Tick(RecordingBatch b, double dt = 0.1)
    {
        var noise = (float)(Math.Sqrt(dt) * 4.0);
        for (var i = 0; i < _ids.Length; i++)
        {
            _phaseLeft[i] -= dt;
            var statusChanged = false;
            if (_phaseLeft[i] <= 0)
            {
                _status[i] = _random.Next(3);
                _phaseLeft[i] = 1 + (_random.NextDouble() * 4);
                statusChanged = true;
            }

            var target = _status[i] switch { 2 => 65f, 1 => 25f, _ => 3f };
            _cpu[i] = Math.Clamp(_cpu[i] + ((target - _cpu[i]) * 0.2f) + (((float)_random.NextDouble() - 0.5f) * noise), 0, 100);
            _memory[i] = Math.Max(16, _memory[i] + (((float)_random.NextDouble() - 0.5f) * noise));
            if (_status[i] > 0)
            {
                _tokens[i] += _random.Next(2, 20);
            }

            if (statusChanged)
            {
                b.AgentChanged(_ids[i], [new(AgentField.Status, Statuses[_status[i]]), new(AgentField.CpuUsage, _cpu[i]), new(AgentField.MemoryUsage, _memory[i]), new(AgentField.TokensUsed, _tokens[i])]);
            }
            else
            {
                b.AgentChanged(_ids[i], [new(AgentField.CpuUsage, _cpu[i]), new(AgentField.MemoryUsage, _memory[i]), new(AgentField.TokensUsed, _tokens[i])]);
            }

            // About one message per busy agent per second: the edge to the next agent of its swarm counts it.
            if (_status[i] == 2 && _random.Next(10) == 0)
            {
                var to = ((i / 10) * 10) + ((i + 1) % 10);
                if (to < _ids.Length)
                {
                    var messages = ++_edgeMessages[i];
                    if (messages == 1)
                    {
                        b.EdgeAdded(_ids[i], _ids[to], [new(EdgeField.Messages, 1L), new(EdgeField.Bytes, 512L), new(EdgeField.Weight, 1.0)]);
                    }
                    else
                    {
                        b.EdgeChanged(_ids[i], _ids[to], [new(EdgeField.Messages, messages), new(EdgeField.Bytes, messages * 512), new(EdgeField.Weight, Math.Log2(1 + messages))]);
                    }
                }
            }
        }
    }
}
