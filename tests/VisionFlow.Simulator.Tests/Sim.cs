using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using VisionFlow.Protocol.Dispatch;
using VisionFlow.Simulator.Model;

namespace VisionFlow.Simulator.Tests;

/// <summary>A simulator on a fake clock, with helpers that run requests and decode their JSON.</summary>
internal sealed class Sim
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public Sim(int seed = 42, SimulatorOptions? options = null)
    {
        Simulator = new SwarmSimulator((options ?? new SimulatorOptions()) with { Seed = seed }, Time);
    }

    public FakeTimeProvider Time { get; } = new(Start);

    public SwarmSimulator Simulator { get; }

    /// <summary>The simulator's dispatch table: what a connection to it runs.</summary>
    public JsonRpcDispatchTable Table => _table ??= Simulator.CreateDispatchTable();

    private JsonRpcDispatchTable? _table;

    /// <summary>Runs one request through <paramref name="table"/>, as a connection does, and returns its result.</summary>
    public static async Task<JsonElement> InvokeAsync(JsonRpcDispatchTable table, string method, string json)
    {
        if (!table.TryGet(Encoding.UTF8.GetBytes(method), out var handler))
        {
            throw new InvalidOperationException("no handler for " + method);
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            await handler(Encoding.UTF8.GetBytes(json), writer, CancellationToken.None);
        }

        return buffer.WrittenCount == 0 ? default : JsonDocument.Parse(buffer.WrittenMemory).RootElement.Clone();
    }

    /// <summary>Runs one request through <see cref="Table"/> and returns its result.</summary>
    public Task<JsonElement> RpcAsync(string method, string json = "{}") => InvokeAsync(Table, method, json);

    public JsonElement Plain(string method, string json = "{}")
    {
        var buffer = new ArrayBufferWriter<byte>();
        if (!Simulator.TryHandlePlain(method, Encoding.UTF8.GetBytes(json), buffer, out var error))
        {
            throw new InvalidOperationException($"{method} {json} failed: {error}");
        }

        return JsonDocument.Parse(buffer.WrittenMemory).RootElement.Clone();
    }

    public SimulatorError PlainError(string method, string json = "{}")
    {
        var buffer = new ArrayBufferWriter<byte>();
        if (Simulator.TryHandlePlain(method, Encoding.UTF8.GetBytes(json), buffer, out var error))
        {
            throw new InvalidOperationException($"{method} {json} succeeded: {Encoding.UTF8.GetString(buffer.WrittenSpan)}");
        }

        if (buffer.WrittenCount != 0)
        {
            throw new InvalidOperationException("a failed request wrote a result");
        }

        return error;
    }

    /// <summary>The tool's full result object <c>{content:[…]}</c>.</summary>
    public JsonElement ToolEnvelope(string tool, string json = "{}")
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            using var args = JsonDocument.Parse(json);
            if (!Simulator.TryCallTool(tool, args.RootElement, writer, out var error))
            {
                throw new InvalidOperationException($"{tool} failed at the RPC level: {error}");
            }
        }

        return JsonDocument.Parse(buffer.WrittenMemory).RootElement.Clone();
    }

    /// <summary>The decoded JSON of the tool result's text content.</summary>
    public JsonElement Tool(string tool, string json = "{}") => DecodeText(ToolEnvelope(tool, json));

    public static JsonElement DecodeText(JsonElement envelope)
    {
        var content = envelope.GetProperty("content");
        if (content.GetArrayLength() != 1 || content[0].GetProperty("type").GetString() != "text")
        {
            throw new InvalidOperationException("unexpected tool result: " + envelope);
        }

        return JsonDocument.Parse(content[0].GetProperty("text").GetString()!).RootElement.Clone();
    }

    public string Tick(double seconds, TelemetryEvents events = TelemetryEvents.All)
    {
        Time.Advance(TimeSpan.FromSeconds(seconds));
        var buffer = new ArrayBufferWriter<byte>();
        Simulator.Tick(TimeSpan.FromSeconds(seconds), buffer, events);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static List<JsonElement> Lines(string frame)
    {
        var lines = new List<JsonElement>();
        foreach (var line in frame.Split('\n'))
        {
            if (line.Length > 0)
            {
                lines.Add(JsonDocument.Parse(line).RootElement.Clone());
            }
        }

        return lines;
    }

    public static string Str(JsonElement e, string name) => e.GetProperty(name).GetString()!;

    /// <summary>Initializes a swarm through MCP and returns its id.</summary>
    public string Swarm(string topology = "mesh", int maxAgents = 10) =>
        Str(Tool("swarm_init", $$"""{"topology":"{{topology}}","maxAgents":{{maxAgents}},"strategy":"balanced"}"""), "swarmId");

    public string Agent(string swarmId, string type = "coder") =>
        Str(Tool("agent_spawn", $$"""{"agentType":"{{type}}","swarmId":"{{swarmId}}"}"""), "agentId");
}
