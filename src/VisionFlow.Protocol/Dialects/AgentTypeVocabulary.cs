using System.Text.Json;
using VisionFlow.Protocol.Contracts.Mcp;

namespace VisionFlow.Protocol.Dialects;

/// <summary>
/// The agent types a server accepts, learnt per session: from its <c>agent_spawn</c> schema where the type has an
/// <c>enum</c>, else from its own validation message (Claude Flow 3.43 lists them when it refuses a type:
/// <c>Input validation failed: type: Invalid option: expected one of "coder"|"reviewer"|…</c>, older releases
/// <c>Expected 'coder' | 'reviewer' | … received number</c>). Learnt again whenever a spawn is refused with such a
/// message, so a server whose list changes under a pinned version is followed within the session. Unknown (null) until
/// the server has said; never a guessed list. Thread-safe: readers get the last complete list.
/// </summary>
public sealed class AgentTypeVocabulary
{
    private volatile Learnt? _learnt;

    /// <summary>The accepted types in the server's order; null while the server has not said.</summary>
    public IReadOnlyList<string>? Types => _learnt?.Types;

    /// <summary>Where <see cref="Types"/> came from: <c>schema</c> (the tool's enum) or <c>validation</c> (the server's refusal); null while unknown.</summary>
    public string? Source => _learnt?.Source;

    /// <summary>Takes the list from <paramref name="tool"/>'s schema (<c>agentType</c> or <c>type</c> with an <c>enum</c>); false when it has none.</summary>
    internal bool LearnFromSchema(McpTool tool)
    {
        if (tool.InputSchema is not { ValueKind: JsonValueKind.Object } schema
            || !schema.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        foreach (var name in (ReadOnlySpan<string>)["agentType", "type"])
        {
            if (properties.TryGetProperty(name, out var property) && property.ValueKind == JsonValueKind.Object
                && property.TryGetProperty("enum", out var values) && values.ValueKind == JsonValueKind.Array)
            {
                var types = new List<string>();
                foreach (var v in values.EnumerateArray())
                {
                    if (v.ValueKind == JsonValueKind.String && !string.IsNullOrEmpty(v.GetString()))
                    {
                        types.Add(v.GetString()!);
                    }
                }

                if (types.Count > 0)
                {
                    _learnt = new Learnt(types, "schema");
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Takes the list from a refusal's message; false when the message names none.</summary>
    internal bool LearnFromRefusal(string message)
    {
        if (Parse(message) is not { } types)
        {
            return false;
        }

        _learnt = new Learnt(types, "validation");
        return true;
    }

    /// <summary>
    /// The quoted alternatives after "expected" in a validation message (zod's wording, both of its styles), or null.
    /// </summary>
    internal static IReadOnlyList<string>? Parse(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var at = message.IndexOf("xpected", StringComparison.Ordinal);
        while (at >= 0)
        {
            var types = new List<string>();
            var i = at + "xpected".Length;
            var rest = message.AsSpan(i);
            var skip = rest.IndexOfAny('"', '\'');
            if (skip >= 0 && rest[..skip].Trim().ToString() is "" or "one of" or ":")
            {
                i += skip;
                while (i < message.Length && message[i] is '"' or '\'')
                {
                    var quote = message[i];
                    var end = message.IndexOf(quote, i + 1);
                    if (end < 0)
                    {
                        break;
                    }

                    var type = message[(i + 1)..end];
                    if (type.Length is > 0 and <= 64)
                    {
                        types.Add(type);
                    }

                    i = end + 1;
                    while (i < message.Length && message[i] == ' ')
                    {
                        i++;
                    }

                    if (i >= message.Length || message[i] != '|')
                    {
                        break;
                    }

                    i++;
                    while (i < message.Length && message[i] == ' ')
                    {
                        i++;
                    }
                }

                if (types.Count > 1)
                {
                    return types;
                }
            }

            at = message.IndexOf("xpected", at + 1, StringComparison.Ordinal);
        }

        return null;
    }

    private sealed record Learnt(IReadOnlyList<string> Types, string Source);
}
