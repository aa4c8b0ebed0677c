using System.Text.Json;

namespace VisionFlow.Simulator.Tests;

/// <summary>A transcript captured from a real server (tests/interop/fixtures), as tools/call request/answer pairs.</summary>
internal sealed class Fixture
{
    private Fixture(List<ToolExchange> exchanges) => Exchanges = exchanges;

    public List<ToolExchange> Exchanges { get; }

    public static Fixture Load(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "fixtures", name);
        var requests = new Dictionary<string, (string Tool, JsonElement Arguments)>();
        var exchanges = new List<ToolExchange>();
        foreach (var line in File.ReadLines(path))
        {
            var record = JsonDocument.Parse(line).RootElement.Clone();
            if (!record.TryGetProperty("msg", out var msg) || msg.ValueKind != JsonValueKind.Object || !msg.TryGetProperty("id", out var id))
            {
                continue;
            }

            var key = $"{record.GetProperty("conn").GetInt32()}/{id.GetRawText()}";
            if (record.GetProperty("dir").GetString() == "c2s")
            {
                if (msg.TryGetProperty("method", out var m) && m.GetString() == "tools/call"
                    && msg.TryGetProperty("params", out var p) && p.TryGetProperty("name", out var tool))
                {
                    var args = p.TryGetProperty("arguments", out var a) ? a : default;
                    requests[key] = (tool.GetString()!, args);
                }
            }
            else if (requests.Remove(key, out var request))
            {
                exchanges.Add(new ToolExchange(request.Tool, request.Arguments, msg));
            }
        }

        return new Fixture(exchanges);
    }
}

/// <summary>One tools/call and the real server's answer.</summary>
internal sealed record ToolExchange(string Tool, JsonElement Arguments, JsonElement Response)
{
    public bool IsRpcError => Response.TryGetProperty("error", out _);

    public JsonElement Text => Sim.DecodeText(Response.GetProperty("result"));

    /// <summary>claude-flow's failure styles: <c>"success": false</c>, or an <c>error</c> member.</summary>
    public static bool IsFailure(JsonElement text) =>
        (text.TryGetProperty("success", out var s) && s.ValueKind == JsonValueKind.False) || text.TryGetProperty("error", out _);
}
