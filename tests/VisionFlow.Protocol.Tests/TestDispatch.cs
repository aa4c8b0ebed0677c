using System.Text.Json;
using VisionFlow.Protocol.Dispatch;

namespace VisionFlow.Protocol.Tests;

/// <summary>Handlers the server side of the engine tests answers with.</summary>
internal static class TestDispatch
{
    public static JsonRpcDispatchTable Create(TaskCompletionSource? gate = null) => new JsonRpcDispatchTable()
        .Add("add", static (p, w, _) =>
        {
            var args = JsonSerializer.Deserialize(p.Span, TestJson.Default.AddParams)!;
            JsonSerializer.Serialize(w, args.A + args.B, TestJson.Default.Int32);
            return ValueTask.CompletedTask;
        })
        .Add("echo", static (p, w, _) =>
        {
            w.WriteRawValue(p.IsEmpty ? "null"u8 : p.Span);
            return ValueTask.CompletedTask;
        })
        .Add("unclosed", static (_, w, _) =>
        {
            w.WriteStartObject();
            return ValueTask.CompletedTask;
        })
        .Add("fail", static (_, _, _) => throw new InvalidOperationException("boom"))
        .Add("custom", static (_, _, _) =>
        {
            using var doc = JsonDocument.Parse("{\"hint\":\"retry later\"}");
            throw new JsonRpcException(-32050, "custom failure", doc.RootElement.Clone());
        })
        .Add("slow", async (_, w, ct) =>
        {
            await (gate?.Task ?? Task.CompletedTask).WaitAsync(ct);
            w.WriteStringValue("late");
        });
}
