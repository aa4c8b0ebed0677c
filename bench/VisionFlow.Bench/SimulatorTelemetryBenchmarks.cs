using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using VisionFlow.Protocol.Contracts.Plain;
using VisionFlow.Simulator;
using VisionFlow.Simulator.Model;

namespace VisionFlow.Bench;

/// <summary>
/// One 100 ms telemetry frame of the swarm simulator (advance every agent, task and message flow, render the push
/// lines, copy them out) at 1,000 and 10,000 agents. Steady state must not allocate; 10 Hz at 10,000 agents needs
/// a frame well under 100 ms.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class SimulatorTelemetryBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(1 << 23);
    private SwarmSimulator _simulator = null!;

    [Params(1_000, 10_000)]
    public int Agents { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _simulator = new SwarmSimulator(new SimulatorOptions { Seed = 1, MaxMessageFlowsPerSecond = 50_000 }, TimeProvider.System);
        var json = Encoding.UTF8.GetBytes($$"""{"topology":"hierarchical-mesh","agents":{{Agents}},"max_agents":{{Agents}},"task":"Benchmark"}""");
        if (!_simulator.TryHandlePlain(PlainDialectMethods.InitializeMultiAgent, json, new ArrayBufferWriter<byte>(), out var error))
        {
            throw new InvalidOperationException(error.Message);
        }

        // Warm the frame buffers to their steady-state size.
        for (var i = 0; i < 20; i++)
        {
            Frame();
        }
    }

    [Benchmark]
    public int Frame()
    {
        _output.ResetWrittenCount();
        return _simulator.Tick(TimeSpan.FromMilliseconds(100), _output);
    }
}
