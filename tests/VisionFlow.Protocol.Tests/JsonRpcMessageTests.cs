using System.Text;
using VisionFlow.Protocol.Messages;

namespace VisionFlow.Protocol.Tests;

internal sealed class JsonRpcMessageTests
{
    private static (JsonRpcMessageKind Kind, JsonRpcMessageError Error) Classify(string json)
    {
        var m = JsonRpcMessage.Parse(Encoding.UTF8.GetBytes(json));
        return (m.Kind, m.Error);
    }

    [Test]
    public async Task A_request_exposes_method_id_and_params()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":\"abc-7\",\"method\":\"tools/call\",\"params\":{\"name\":\"agent_list\"}}");
        var (kind, method, idJson, idString, idKind, parameters) = Read(bytes);
        await Assert.That(kind).IsEqualTo(JsonRpcMessageKind.Request);
        await Assert.That(method).IsEqualTo("tools/call");
        await Assert.That(idJson).IsEqualTo("\"abc-7\"");
        await Assert.That(idString).IsEqualTo("abc-7");
        await Assert.That(idKind).IsEqualTo(JsonRpcIdKind.String);
        await Assert.That(parameters).IsEqualTo("{\"name\":\"agent_list\"}");

        static (JsonRpcMessageKind, string, string, string, JsonRpcIdKind, string) Read(byte[] b)
        {
            var m = JsonRpcMessage.Parse(b);
            return (m.Kind, m.GetMethodString(), Encoding.UTF8.GetString(m.IdJson), Encoding.UTF8.GetString(m.IdString), m.IdKind, Encoding.UTF8.GetString(m.Params));
        }
    }

    [Test]
    public async Task Numeric_ids_and_member_order_do_not_matter()
    {
        var m = Parse("{\"id\":42,\"result\":{\"ok\":true},\"jsonrpc\":\"2.0\"}");
        await Assert.That(m.Kind).IsEqualTo(JsonRpcMessageKind.SuccessResponse);
        await Assert.That(m.IdNumber).IsEqualTo(42);
        await Assert.That(m.IdKind).IsEqualTo(JsonRpcIdKind.Number);
        await Assert.That(m.Result).IsEqualTo("{\"ok\":true}");

        static (JsonRpcMessageKind Kind, long IdNumber, JsonRpcIdKind IdKind, string Result) Parse(string s)
        {
            var msg = JsonRpcMessage.Parse(Encoding.UTF8.GetBytes(s));
            return (msg.Kind, msg.IdNumber, msg.IdKind, Encoding.UTF8.GetString(msg.Result));
        }
    }

    [Test]
    [Arguments("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":null}", "null")]
    [Arguments("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"s\\\"x\"}", "\"s\\\"x\"")]
    [Arguments("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[1,{\"a\":[]}]}", "[1,{\"a\":[]}]")]
    [Arguments("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":-1.5e3}", "-1.5e3")]
    public async Task Raw_results_are_sliced_exactly(string json, string expected)
    {
        var m = JsonRpcMessage.Parse(Encoding.UTF8.GetBytes(json));
        var result = Encoding.UTF8.GetString(m.Result);
        await Assert.That(result).IsEqualTo(expected);
    }

    [Test]
    public async Task An_error_response_exposes_code_message_and_data()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"error\":{\"code\":-32000,\"message\":\"auth \\\"failed\\\"\",\"data\":{\"retry\":false}}}");
        var m = JsonRpcMessage.Parse(bytes);
        var (kind, code, message, data) = (m.Kind, m.ErrorCode, m.GetErrorMessageString(), Encoding.UTF8.GetString(m.ErrorData));
        await Assert.That(kind).IsEqualTo(JsonRpcMessageKind.ErrorResponse);
        await Assert.That(code).IsEqualTo(-32000);
        await Assert.That(message).IsEqualTo("auth \"failed\"");
        await Assert.That(data).IsEqualTo("{\"retry\":false}");
    }

    [Test]
    public async Task Escaped_method_names_decode()
    {
        var m = JsonRpcMessage.Parse(Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"method\":\"agent\\u002espawn\"}"));
        var escaped = m.MethodIsEscaped;
        var buffer = new byte[64];
        var n = m.CopyMethod(buffer);
        var kind = m.Kind;
        await Assert.That(kind).IsEqualTo(JsonRpcMessageKind.Notification);
        await Assert.That(escaped).IsTrue();
        await Assert.That(Encoding.UTF8.GetString(buffer, 0, n)).IsEqualTo("agent.spawn");
    }

    [Test]
    public async Task A_telemetry_line_without_jsonrpc_is_a_push()
    {
        var m = JsonRpcMessage.Parse(Encoding.UTF8.GetBytes("{\"type\":\"agent.status\",\"data\":{\"id\":\"a1\",\"cpu\":0.5},\"timestamp\":\"2026-01-01T00:00:00Z\"}"));
        var (kind, type) = (m.Kind, Encoding.UTF8.GetString(m.PushType));
        await Assert.That(kind).IsEqualTo(JsonRpcMessageKind.Push);
        await Assert.That(type).IsEqualTo("agent.status");
    }

    [Test]
    [Arguments("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\"}", JsonRpcMessageKind.Request)]
    [Arguments("{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"params\":[1]}", JsonRpcMessageKind.Notification)]
    [Arguments("{\"jsonrpc\":\"2.0\",\"id\":\"1\",\"result\":{}}", JsonRpcMessageKind.SuccessResponse)]
    [Arguments("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}", JsonRpcMessageKind.ErrorResponse)]
    [Arguments("[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1},{\"a\":1}]", JsonRpcMessageKind.Batch)]
    [Arguments("{\"type\":\"metrics.cpu\",\"data\":1}", JsonRpcMessageKind.Push)]
    [Arguments("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\",\"extra\":{\"deep\":[1,2,{\"x\":null}]}}", JsonRpcMessageKind.Request)]
    public async Task Valid_shapes_are_classified(string json, JsonRpcMessageKind expected)
    {
        var (kind, error) = Classify(json);
        await Assert.That(kind).IsEqualTo(expected);
        await Assert.That(error).IsEqualTo(JsonRpcMessageError.None);
    }

    [Test]
    [Arguments("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":", JsonRpcMessageError.MalformedJson)]
    [Arguments("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1} trailing", JsonRpcMessageError.MalformedJson)]
    [Arguments("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1}{}", JsonRpcMessageError.MalformedJson)]
    [Arguments("[1,2", JsonRpcMessageError.MalformedJson)]
    [Arguments("{'a':1}", JsonRpcMessageError.MalformedJson)]
    [Arguments("42", JsonRpcMessageError.NotAnObject)]
    [Arguments("{\"hello\":\"world\"}", JsonRpcMessageError.NotJsonRpc)]
    [Arguments("{\"type\":7}", JsonRpcMessageError.NotJsonRpc)]
    [Arguments("{\"jsonrpc\":\"1.0\",\"id\":1,\"result\":1}", JsonRpcMessageError.WrongVersion)]
    [Arguments("{\"jsonrpc\":2.0,\"id\":1,\"result\":1}", JsonRpcMessageError.WrongVersion)]
    [Arguments("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":5}", JsonRpcMessageError.InvalidMethod)]
    [Arguments("{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"m\"}", JsonRpcMessageError.InvalidId)]
    [Arguments("{\"jsonrpc\":\"2.0\",\"id\":true,\"result\":1}", JsonRpcMessageError.InvalidId)]
    [Arguments("{\"jsonrpc\":\"2.0\",\"id\":1.5,\"result\":1}", JsonRpcMessageError.InvalidId)]
    [Arguments("{\"jsonrpc\":\"2.0\",\"id\":[1],\"result\":1}", JsonRpcMessageError.InvalidId)]
    [Arguments("{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"m\"}", JsonRpcMessageError.InvalidId)]
    [Arguments("{\"jsonrpc\":\"2.0\",\"id\":null,\"result\":1}", JsonRpcMessageError.InvalidId)]
    [Arguments("{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"params\":3}", JsonRpcMessageError.InvalidParams)]
    [Arguments("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1,\"error\":{\"code\":1,\"message\":\"m\"}}", JsonRpcMessageError.ResultAndError)]
    [Arguments("{\"jsonrpc\":\"2.0\",\"id\":1}", JsonRpcMessageError.NoResultOrError)]
    [Arguments("{\"jsonrpc\":\"2.0\",\"result\":1}", JsonRpcMessageError.MissingId)]
    [Arguments("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":\"x\",\"message\":\"m\"}}", JsonRpcMessageError.InvalidErrorObject)]
    [Arguments("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":1}}", JsonRpcMessageError.InvalidErrorObject)]
    [Arguments("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":\"bad\"}", JsonRpcMessageError.InvalidErrorObject)]
    [Arguments("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\",\"result\":1}", JsonRpcMessageError.MethodWithResult)]
    [Arguments("[]", JsonRpcMessageError.EmptyBatch)]
    [Arguments("", JsonRpcMessageError.MalformedJson)]
    public async Task Invalid_shapes_are_classified_with_a_reason(string json, JsonRpcMessageError expected)
    {
        var (kind, error) = Classify(json);
        await Assert.That(kind).IsEqualTo(JsonRpcMessageKind.Invalid);
        await Assert.That(error).IsEqualTo(expected);
    }

    [Test]
    public async Task Batch_elements_are_sliced_one_by_one()
    {
        var bytes = Encoding.UTF8.GetBytes("[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[1,2]}, 7 ,{\"type\":\"x\"}]");
        var elements = Elements(bytes);
        await Assert.That(elements).IsEquivalentTo(new[] { "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[1,2]}", "7", "{\"type\":\"x\"}" });

        static List<string> Elements(byte[] b)
        {
            var list = new List<string>();
            var reader = new JsonRpcBatchReader(b);
            while (reader.TryReadNext(out var e))
            {
                list.Add(Encoding.UTF8.GetString(e));
            }

            return list;
        }
    }

    [Test]
    public async Task Parsing_a_telemetry_line_does_not_allocate()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"type\":\"agent.status\",\"data\":{\"id\":\"a1\",\"cpu\":0.5,\"tasks\":[1,2,3]},\"timestamp\":\"2026-01-01T00:00:00Z\"}");
        var response = Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":\"p-1\",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"{}\"}]}}");
        Warm(bytes, response);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var kinds = Warm(bytes, response);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        await Assert.That(kinds).IsEqualTo(1000 * ((int)JsonRpcMessageKind.Push + (int)JsonRpcMessageKind.SuccessResponse));
        await Assert.That(allocated).IsEqualTo(0);

        static int Warm(byte[] push, byte[] resp)
        {
            var sum = 0;
            for (var i = 0; i < 1000; i++)
            {
                sum += (int)JsonRpcMessage.Parse(push).Kind + (int)JsonRpcMessage.Parse(resp).Kind;
            }

            return sum;
        }
    }
}
