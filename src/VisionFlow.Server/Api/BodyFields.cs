using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace VisionFlow.Server.Api;

/// <summary>
/// Checks a request body's field names against the source-generated metadata of the type it is read into, so that a
/// misspelt field (<c>maxAgents</c> for <c>max_agents</c>) is a 400 that names it and the field that was probably
/// meant, instead of a value silently ignored. Nested objects and arrays of objects are checked too.
/// </summary>
/// <remarks>
/// The serializer context also sets <c>JsonUnmappedMemberHandling.Disallow</c>, so nothing unknown can slip through
/// even where this check is bypassed; this pass exists to name every unknown field at once, with a suggestion, where
/// the serializer stops at the first with a message about .NET types.
/// </remarks>
internal static class BodyFields
{
    /// <summary>Returns the problem detail naming every unknown field, or null when all are known.</summary>
    /// <exception cref="JsonException">The body is not valid JSON (the caller reports it).</exception>
    public static string? FindUnknown(ReadOnlySequence<byte> body, JsonTypeInfo type, JsonReaderOptions options)
    {
        var reader = new Utf8JsonReader(body, options);
        if (!reader.Read())
        {
            return null;
        }

        List<string>? unknown = null;
        Walk(ref reader, type, "", ref unknown);
        if (unknown is null)
        {
            return null;
        }

        // A hostile body can hold thousands: name the first few, count the rest.
        const int Named = 10;
        var sb = new StringBuilder(unknown.Count == 1 ? "unknown field " : "unknown fields ");
        sb.AppendJoin(", ", unknown.Take(Named));
        if (unknown.Count > Named)
        {
            sb.Append(" and ").Append(unknown.Count - Named).Append(" more");
        }

        sb.Append("; this endpoint accepts ");
        sb.Append(Describe(type));
        return sb.ToString();
    }

    /// <summary>The fields a body type accepts, as <c>{"a": string, "b": integer}</c>, for error messages.</summary>
    public static string Describe(JsonTypeInfo type)
    {
        var sb = new StringBuilder("{");
        foreach (var property in type.Properties)
        {
            if (sb.Length > 1)
            {
                sb.Append(", ");
            }

            sb.Append('"').Append(property.Name).Append("\": ").Append(Expected(type.Options.GetTypeInfo(property.PropertyType)));
        }

        return sb.Append('}').ToString();
    }

    /// <summary>
    /// Turns the serializer's complaint about a value (a JSON path such as <c>$.max_agents</c> or <c>$.agent_types[0]</c>)
    /// into "field "max_agents" must be an integer"; null when the path names no field of the type.
    /// </summary>
    public static string? WrongValue(JsonTypeInfo type, string? path)
    {
        if (path is null || !path.StartsWith('$'))
        {
            return null;
        }

        if (path == "$")
        {
            return "request body must be a JSON object: " + Describe(type);
        }

        var current = type;
        string? field = null;
        foreach (var segment in path[1..].Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var bracket = segment.IndexOf('[', StringComparison.Ordinal);
            var name = bracket < 0 ? segment : segment[..bracket];
            var property = current.Kind == JsonTypeInfoKind.Object ? Find(current, name) : null;
            if (property is null)
            {
                return null;
            }

            field = field is null ? segment : field + "." + segment;
            current = type.Options.GetTypeInfo(property.PropertyType);
            if (bracket >= 0 && current.ElementType is { } element)
            {
                current = type.Options.GetTypeInfo(element);
            }
        }

        return field is null ? null : $"field \"{field}\" must be {Article(Expected(current))}";
    }

    /// <summary>What JSON value a type takes, in words.</summary>
    private static string Expected(JsonTypeInfo type)
    {
        switch (type.Kind)
        {
            case JsonTypeInfoKind.Enumerable:
                return type.ElementType is { } element ? "array of " + Expected(type.Options.GetTypeInfo(element)) + "s" : "array";
            case JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary:
                return "object";
        }

        var clr = Nullable.GetUnderlyingType(type.Type) ?? type.Type;
        if (clr == typeof(string))
        {
            return "string";
        }

        if (clr == typeof(bool))
        {
            return "boolean";
        }

        if (clr == typeof(int) || clr == typeof(long) || clr == typeof(uint) || clr == typeof(short))
        {
            return "integer";
        }

        return clr == typeof(float) || clr == typeof(double) || clr == typeof(decimal) ? "number" : "value";
    }

    private static string Article(string noun) => (noun[0] is 'a' or 'e' or 'i' or 'o' or 'u' ? "an " : "a ") + noun;

    /// <summary>The known field most likely meant by <paramref name="name"/>, or null when none is close.</summary>
    public static string? Suggest(string name, IEnumerable<string> known)
    {
        var snake = JsonNamingPolicy.SnakeCaseLower.ConvertName(name);
        var folded = Fold(name);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in known)
        {
            // maxAgents, MaxAgents, max-agents, MAX_AGENTS: the same field in another case convention.
            if (candidate == snake || Fold(candidate) == folded)
            {
                return candidate;
            }

            var distance = Distance(snake, candidate);
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = candidate;
            }
        }

        // A typo, not a different word: at most a third of the letters changed (and at least two allowed).
        return best is not null && bestDistance <= Math.Max(2, best.Length / 3) ? best : null;
    }

    private static void Walk(ref Utf8JsonReader reader, JsonTypeInfo type, string path, ref List<string>? unknown)
    {
        if (reader.TokenType == JsonTokenType.StartObject && type.Kind == JsonTypeInfoKind.Object)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                reader.Read();
                var property = Find(type, name);
                if (property is null)
                {
                    var suggestion = Suggest(name, type.Properties.Select(p => p.Name));
                    (unknown ??= []).Add(suggestion is null
                        ? $"\"{path}{name}\""
                        : $"\"{path}{name}\" (did you mean \"{path}{suggestion}\"?)");
                    reader.Skip();
                    continue;
                }

                Walk(ref reader, type.Options.GetTypeInfo(property.PropertyType), path + name + ".", ref unknown);
            }

            return;
        }

        if (reader.TokenType == JsonTokenType.StartArray && type.Kind == JsonTypeInfoKind.Enumerable && type.ElementType is { } elementType)
        {
            var element = type.Options.GetTypeInfo(elementType);
            var prefix = path.Length > 0 ? path[..^1] : path;
            var index = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                Walk(ref reader, element, $"{prefix}[{index++}].", ref unknown);
            }

            return;
        }

        // Scalars, dictionaries (open by design) and wrong kinds: the serializer reports a wrong kind with its path.
        reader.Skip();
    }

    private static JsonPropertyInfo? Find(JsonTypeInfo type, string name)
    {
        foreach (var property in type.Properties)
        {
            if (string.Equals(property.Name, name, StringComparison.Ordinal))
            {
                return property;
            }
        }

        return null;
    }

    private static string Fold(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (c is not ('_' or '-'))
            {
                sb.Append(char.ToLowerInvariant(c));
            }
        }

        return sb.ToString();
    }

    /// <summary>Levenshtein distance; field names are short, so the quadratic table is a few hundred cells.</summary>
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
