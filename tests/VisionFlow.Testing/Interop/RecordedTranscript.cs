using System.Text.Json;

namespace VisionFlow.Testing.Interop;

/// <summary>
/// A transcript <c>tests/interop/capture.py</c> recorded from a real MCP server (<c>tests/interop/fixtures/*.jsonl</c>):
/// each request the capture sent, paired by connection and id with the reply the server gave, in the order sent.
/// Tests replay these instead of hand-written replies, so what they check is what the real server says.
/// </summary>
public sealed class RecordedTranscript
{
    private RecordedTranscript(string name, IReadOnlyList<RecordedExchange> exchanges, IReadOnlyList<string> notes)
    {
        Name = name;
        Exchanges = exchanges;
        Notes = notes;
    }

    /// <summary>The fixture's name (<c>claude-flow.agents</c>).</summary>
    public string Name { get; }

    /// <summary>Every answered request, in the order sent.</summary>
    public IReadOnlyList<RecordedExchange> Exchanges { get; }

    /// <summary>The capture's notes (what it exercised, which versions it ran against).</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>The answers to <c>tools/call</c> of <paramref name="tool"/>, in order.</summary>
    public IReadOnlyList<RecordedExchange> Calls(string tool) => [.. Exchanges.Where(e => e.Tool == tool)];

    /// <summary>Loads <c>tests/interop/fixtures/<paramref name="name"/>.jsonl</c>.</summary>
    public static RecordedTranscript Load(string name)
    {
        var path = Repository.PathOf("tests", "interop", "fixtures", name + ".jsonl");
        var requests = new List<(int Conn, string Id, string Method, JsonElement Params)>();
        var replies = new Dictionary<(int, string), JsonElement>();
        var notes = new List<string>();
        foreach (var line in File.ReadLines(path))
        {
            using var doc = JsonDocument.Parse(line);
            var r = doc.RootElement;
            var dir = r.GetProperty("dir").GetString();
            if (dir == "note")
            {
                notes.Add(r.GetProperty("text").GetString()!);
                continue;
            }

            if (!r.TryGetProperty("msg", out var msg) || msg.ValueKind != JsonValueKind.Object || !msg.TryGetProperty("id", out var id) || id.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            var conn = r.GetProperty("conn").GetInt32();
            var key = id.GetRawText();
            if (dir == "c2s" && msg.TryGetProperty("method", out var method))
            {
                requests.Add((conn, key, method.GetString()!, msg.TryGetProperty("params", out var p) ? p.Clone() : default));
            }
            else if (dir == "s2c")
            {
                replies[(conn, key)] = msg.Clone();
            }
        }

        var exchanges = new List<RecordedExchange>();
        foreach (var (conn, id, method, parameters) in requests)
        {
            if (replies.TryGetValue((conn, id), out var reply))
            {
                var tool = method == "tools/call" && parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty("name", out var n) ? n.GetString() : null;
                exchanges.Add(new RecordedExchange(method, tool, parameters, reply));
            }
        }

        return new RecordedTranscript(name, exchanges, notes);
    }
}

/// <summary>One request and the server's reply, as recorded.</summary>
/// <param name="Method">The JSON-RPC method.</param>
/// <param name="Tool">For <c>tools/call</c>, the tool's name.</param>
/// <param name="Params">The request's params (undefined when it had none).</param>
/// <param name="Reply">The whole reply message (<c>result</c> or <c>error</c>).</param>
public sealed record RecordedExchange(string Method, string? Tool, JsonElement Params, JsonElement Reply)
{
    /// <summary>For a tool call, the text of the result's first content item (the tool's JSON).</summary>
    public string Text => Reply.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString()!;

    /// <summary>For a tool call, the arguments it was sent.</summary>
    public JsonElement Arguments => Params.TryGetProperty("arguments", out var a) ? a : default;
}
