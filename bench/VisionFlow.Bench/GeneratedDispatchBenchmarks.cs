using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using VisionFlow.Protocol.Contracts.Plain;
using VisionFlow.Protocol.Dispatch;

namespace VisionFlow.Bench;

/// <summary>
/// One call through a generated dispatch handler: params bytes → typed params → implementation → result bytes.
/// The implementation answers from cached values, so what is measured is the generated code and the JSON metadata.
/// </summary>
[MemoryDiagnoser]
public class GeneratedDispatchBenchmarks
{
    private static readonly byte[] TaskStatusParams = """{"task_id":"task-42"}"""u8.ToArray();
    private static readonly byte[] SpawnParams = """{"type":"coordinator","task":"Build a REST API","config":{"max_tokens":4000,"temperature":0.7}}"""u8.ToArray();
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private Utf8JsonWriter _writer = null!;
    private JsonRpcHandler _taskStatus = null!;
    private JsonRpcHandler _spawn = null!;
    private JsonRpcHandler _ping = null!;

    [GlobalSetup]
    public void Setup()
    {
        var table = PlainDialectDispatch.Create(new CachedPlainDialect());
        _taskStatus = Handler(table, PlainDialectMethods.GetTaskStatus);
        _spawn = Handler(table, PlainDialectMethods.SpawnAgent);
        _ping = Handler(table, PlainDialectMethods.Ping);
        _writer = new Utf8JsonWriter(_buffer);
    }

    [GlobalCleanup]
    public void Cleanup() => _writer.Dispose();

    [Benchmark(Baseline = true, Description = "system.ping (no params)")]
    public int Ping() => Call(_ping, ReadOnlyMemory<byte>.Empty);

    [Benchmark(Description = "task.status (small params)")]
    public int TaskStatus() => Call(_taskStatus, TaskStatusParams);

    [Benchmark(Description = "agent.spawn (nested params)")]
    public int Spawn() => Call(_spawn, SpawnParams);

    private int Call(JsonRpcHandler handler, ReadOnlyMemory<byte> parameters)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        var pending = handler(parameters, _writer, CancellationToken.None);
        if (!pending.IsCompletedSuccessfully)
        {
            pending.AsTask().GetAwaiter().GetResult();
        }

        _writer.Flush();
        return _buffer.WrittenCount;
    }

    private static JsonRpcHandler Handler(JsonRpcDispatchTable table, string method) =>
        table.TryGet(method, out var handler) ? handler : throw new InvalidOperationException(method + " is not registered");

    /// <summary>Answers every method synchronously with a value built once.</summary>
    private sealed class CachedPlainDialect : IPlainDialect
    {
        private static readonly AgentSpawnResult Spawned = new() { AgentId = "agent-001", Status = "active", SessionId = "session-xyz" };
        private static readonly AgentListResult Listed = new() { Agents = [] };
        private static readonly AgentTerminateResult Terminated = new() { AgentId = "agent-001", Status = "terminated" };
        private static readonly AgentStatusResult Agent = new() { AgentId = "agent-001", Status = "active", CpuUsage = 45.2, MemoryUsage = 128.5, TasksActive = 3, TokensUsed = 1523 };
        private static readonly MultiAgentStatusResult MultiAgent = new() { MultiAgentId = "ma-1", Status = "active" };
        private static readonly MultiAgentDissolveResult Dissolved = new() { MultiAgentId = "ma-1", Status = "dissolved" };
        private static readonly TaskStatusResult Task = new() { TaskId = "task-42", Status = "running", Progress = 0.5 };
        private static readonly TelemetrySubscribeResult Subscribed = new() { SubscriptionId = "sub-1" };
        private static readonly JsonElement Pong = JsonDocument.Parse("""{"pong":true}""").RootElement.Clone();

        public ValueTask<AgentSpawnResult> SpawnAgentAsync(AgentSpawnParams parameters, CancellationToken cancellationToken = default) => new(Spawned);

        public ValueTask<AgentListResult> ListAgentsAsync(AgentListParams? parameters, CancellationToken cancellationToken = default) => new(Listed);

        public ValueTask<AgentTerminateResult> TerminateAgentAsync(AgentIdParams parameters, CancellationToken cancellationToken = default) => new(Terminated);

        public ValueTask<AgentStatusResult> GetAgentStatusAsync(AgentIdParams parameters, CancellationToken cancellationToken = default) => new(Agent);

        public ValueTask<MultiAgentStatusResult> InitializeMultiAgentAsync(MultiAgentInitializeParams parameters, CancellationToken cancellationToken = default) => new(MultiAgent);

        public ValueTask<MultiAgentStatusResult> GetMultiAgentStatusAsync(MultiAgentIdParams parameters, CancellationToken cancellationToken = default) => new(MultiAgent);

        public ValueTask<MultiAgentDissolveResult> DissolveMultiAgentAsync(MultiAgentIdParams parameters, CancellationToken cancellationToken = default) => new(Dissolved);

        public ValueTask<TaskStatusResult> AssignTaskAsync(TaskAssignParams parameters, CancellationToken cancellationToken = default) => new(Task);

        public ValueTask<TaskStatusResult> GetTaskStatusAsync(TaskIdParams parameters, CancellationToken cancellationToken = default) => new(Task);

        public ValueTask<TaskStatusResult> CancelTaskAsync(TaskIdParams parameters, CancellationToken cancellationToken = default) => new(Task);

        public ValueTask<TelemetrySubscribeResult> SubscribeTelemetryAsync(TelemetrySubscribeParams parameters, CancellationToken cancellationToken = default) => new(Subscribed);

        public ValueTask<JsonElement> PingAsync(CancellationToken cancellationToken = default) => new(Pong);
    }
}
