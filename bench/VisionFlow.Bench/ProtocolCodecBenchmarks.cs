using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using VisionFlow.Protocol.Messages;

namespace VisionFlow.Bench;

/// <summary>Classify + extract, and serialize, one line of each kind the client handles most.</summary>
[MemoryDiagnoser]
public class ProtocolCodecBenchmarks
{
    private static readonly byte[] RequestLine = Encoding.UTF8.GetBytes(
        "{\"jsonrpc\":\"2.0\",\"id\":\"9f2c01ab77e4-1234\",\"method\":\"tools/call\",\"params\":{\"name\":\"agent_spawn\",\"arguments\":{\"agentType\":\"coder\",\"swarmId\":\"swarm-1\"}}}");

    private static readonly byte[] ResponseLine = Encoding.UTF8.GetBytes(
        "{\"jsonrpc\":\"2.0\",\"id\":\"9f2c01ab77e4-1234\",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"{\\\"success\\\":true,\\\"agentId\\\":\\\"agent-42\\\"}\"}]}}");

    private static readonly byte[] PushLine = Encoding.UTF8.GetBytes(
        "{\"type\":\"agent.status\",\"data\":{\"id\":\"agent-42\",\"status\":\"busy\",\"cpu\":0.37,\"memory\":128.5,\"tasks\":3},\"timestamp\":\"2026-11-25T10:00:00.000Z\"}");

    private static readonly BenchToolCall ToolCall = new("agent_spawn", new BenchSpawnArguments("coder", "swarm-1"));
    private static readonly BenchPushLine Push = new("agent.status", new BenchAgentStatus("agent-42", "busy", 0.37, 128.5, 3), new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));

    private readonly ArrayBufferWriter<byte> _output = new(4096);
    private readonly JsonRpcMessageWriter _writer = new();

    [Benchmark]
    public int ParseRequest()
    {
        var m = JsonRpcMessage.Parse(RequestLine);
        return (int)m.Kind + m.Method.Length + m.IdString.Length + m.Params.Length;
    }

    [Benchmark]
    public int ParseResponse()
    {
        var m = JsonRpcMessage.Parse(ResponseLine);
        return (int)m.Kind + m.IdString.Length + m.Result.Length;
    }

    [Benchmark]
    public int ParseTelemetryPush()
    {
        var m = JsonRpcMessage.Parse(PushLine);
        return (int)m.Kind + m.PushType.Length;
    }

    /// <summary>What a push line costs the read loop now: the byte scan that hands it on unparsed (issue 23).</summary>
    [Benchmark]
    public bool ScanTelemetryPush() => PushLineScan.IsPushLine(PushLine);

    [Benchmark]
    public int WriteRequest()
    {
        _output.ResetWrittenCount();
        _writer.WriteRequest(_output, "\"9f2c01ab77e4-1234\""u8, "tools/call", ToolCall, ProtocolBenchJson.Default.BenchToolCall);
        return _output.WrittenCount;
    }

    [Benchmark]
    public int WriteResponse()
    {
        _output.ResetWrittenCount();
        _writer.WriteResponse(_output, "\"9f2c01ab77e4-1234\""u8, 42, ProtocolBenchJson.Default.Int32);
        return _output.WrittenCount;
    }

    [Benchmark]
    public int WriteTelemetryPush()
    {
        _output.ResetWrittenCount();
        _writer.WriteLine(_output, Push, ProtocolBenchJson.Default.BenchPushLine);
        return _output.WrittenCount;
    }
}
