using System.Buffers;
using System.Text;
using System.Text.Json;
using VisionFlow.Protocol.Messages;

namespace VisionFlow.Protocol.Tests;

public sealed class JsonRpcMessageWriterTests
{
    private static string Write(Action<JsonRpcMessageWriter, ArrayBufferWriter<byte>> write)
    {
        var output = new ArrayBufferWriter<byte>();
        write(new JsonRpcMessageWriter(), output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    [Test]
    public async Task Requests_are_written_on_one_terminated_line()
    {
        var text = Write((w, o) => w.WriteRequest(o, "\"p-1\""u8, "agent.spawn", new EchoPayload("coder", 3), TestJson.Default.EchoPayload));
        await Assert.That(text).IsEqualTo("{\"jsonrpc\":\"2.0\",\"id\":\"p-1\",\"method\":\"agent.spawn\",\"params\":{\"text\":\"coder\",\"number\":3}}\n");
    }

    [Test]
    public async Task Numeric_ids_and_parameterless_requests()
    {
        var a = Write((w, o) => w.WriteRequest(o, 7, "m", 1, TestJson.Default.Int32));
        var b = Write((w, o) => w.WriteRequest(o, "8"u8, "tools/list"));
        await Assert.That(a).IsEqualTo("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"m\",\"params\":1}\n");
        await Assert.That(b).IsEqualTo("{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"tools/list\"}\n");
    }

    [Test]
    public async Task Notifications_have_no_id()
    {
        var a = Write((w, o) => w.WriteNotification(o, "notifications/initialized"));
        var b = Write((w, o) => w.WriteNotification(o, "n", new AddParams(1, 2), TestJson.Default.AddParams));
        await Assert.That(a).IsEqualTo("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n");
        await Assert.That(b).IsEqualTo("{\"jsonrpc\":\"2.0\",\"method\":\"n\",\"params\":{\"a\":1,\"b\":2}}\n");
    }

    [Test]
    public async Task Responses_and_errors_echo_the_raw_id()
    {
        var ok = Write((w, o) => w.WriteResponse(o, "\"x\\\"y\""u8, "done", TestJson.Default.String));
        var raw = Write((w, o) => w.WriteResponse(o, "5"u8, "{\"a\":[1]}"u8));
        var empty = Write((w, o) => w.WriteResponse(o, "5"u8, default));
        using var doc = JsonDocument.Parse("{\"why\":\"x\"}");
        var error = Write((w, o) => w.WriteError(o, "5"u8, -32602, "Invalid params", doc.RootElement));
        var nullId = Write((w, o) => w.WriteError(o, default, -32700, "Parse error"));
        await Assert.That(ok).IsEqualTo("{\"jsonrpc\":\"2.0\",\"id\":\"x\\\"y\",\"result\":\"done\"}\n");
        await Assert.That(raw).IsEqualTo("{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":{\"a\":[1]}}\n");
        await Assert.That(empty).IsEqualTo("{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":null}\n");
        await Assert.That(error).IsEqualTo("{\"jsonrpc\":\"2.0\",\"id\":5,\"error\":{\"code\":-32602,\"message\":\"Invalid params\",\"data\":{\"why\":\"x\"}}}\n");
        await Assert.That(nullId).IsEqualTo("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}\n");
    }

    [Test]
    public async Task Written_messages_parse_back_as_their_kind()
    {
        var output = new ArrayBufferWriter<byte>();
        var w = new JsonRpcMessageWriter();
        w.WriteRequest(output, "\"a-1\""u8, "m", new AddParams(1, 2), TestJson.Default.AddParams);
        w.WriteNotification(output, "n");
        w.WriteResponse(output, "\"a-1\""u8, 3, TestJson.Default.Int32);
        w.WriteError(output, "\"a-1\""u8, 1, "bad");
        var kinds = Encoding.UTF8.GetString(output.WrittenSpan).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonRpcMessage.Parse(Encoding.UTF8.GetBytes(l)).Kind).ToArray();
        await Assert.That(kinds).IsEquivalentTo(new[] { JsonRpcMessageKind.Request, JsonRpcMessageKind.Notification, JsonRpcMessageKind.SuccessResponse, JsonRpcMessageKind.ErrorResponse });
    }

    [Test]
    public async Task An_invalid_raw_id_is_rejected()
    {
        await Assert.That(() => Write((w, o) => w.WriteRequest(o, "{oops"u8, "m"))).Throws<JsonException>();
    }

    [Test]
    public async Task Steady_state_writes_do_not_allocate()
    {
        var output = new ArrayBufferWriter<byte>(64 * 1024);
        var w = new JsonRpcMessageWriter();
        var payload = new AddParams(1, 2);
        Loop(w, output, payload);
        output.ResetWrittenCount();
        var before = GC.GetAllocatedBytesForCurrentThread();
        Loop(w, output, payload);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        await Assert.That(allocated).IsEqualTo(0);

        static void Loop(JsonRpcMessageWriter w, ArrayBufferWriter<byte> o, AddParams p)
        {
            for (var i = 0; i < 100; i++)
            {
                w.WriteRequest(o, "\"abc-1\""u8, "agent.spawn", p, TestJson.Default.AddParams);
                w.WriteResponse(o, "\"abc-1\""u8, "{}"u8);
            }
        }
    }
}
