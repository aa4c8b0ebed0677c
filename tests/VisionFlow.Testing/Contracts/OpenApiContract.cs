using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Json.Pointer;
using Json.Schema;

namespace VisionFlow.Testing.Contracts;

/// <summary>
/// The service's OpenAPI 3.1 document as a checker of answers: the operation a request hit, the status codes and media
/// types documented for it, and the JSON Schema (2020-12, which OpenAPI 3.1 schemas are) each JSON body must match.
/// </summary>
/// <remarks>
/// Requests to paths or methods the document does not describe (an unknown URL's 404, a 405) are not the contract's
/// business and pass; that every mapped route is documented is checked apart (OpenApiTests).
/// </remarks>
public sealed class OpenApiContract
{
    private static readonly Lazy<OpenApiContract> Repository = new(() => Load(VisionFlow.Testing.Repository.PathOf("src", "VisionFlow.Server", "Api", "OpenApi", "openapi.json")));

    private readonly JsonElement _document;
    private readonly string _definitions;
    private readonly BuildOptions _build = new() { SchemaRegistry = new SchemaRegistry() };
    private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _valid = new(StringComparer.Ordinal);
    private readonly List<(string Template, string[] Segments)> _paths;

    private OpenApiContract(JsonElement document)
    {
        _document = document;
        _definitions = document.TryGetProperty("components", out var components) && components.TryGetProperty("schemas", out var schemas)
            ? Local(schemas.GetRawText())
            : "{}";
        // Literal paths before templated ones, so /api/health/network is never taken for a template's {id}.
        _paths = [.. document.GetProperty("paths").EnumerateObject()
            .Select(p => (p.Name, p.Name.Split('/', StringSplitOptions.RemoveEmptyEntries)))
            .OrderBy(p => p.Item2.Count(s => s.StartsWith('{')))];
    }

    /// <summary>The document in this checkout (the one the binary embeds and serves at <c>/openapi.json</c>).</summary>
    public static OpenApiContract Served => Repository.Value;

    /// <summary>Reads a document from a file.</summary>
    public static OpenApiContract Load(string path) => new(JsonDocument.Parse(File.ReadAllBytes(path)).RootElement.Clone());

    /// <summary>
    /// What is wrong with an answer, or null when it matches the document (or the request is outside it).
    /// <paramref name="body"/> is the whole response body (empty when there is none).
    /// </summary>
    public string? Check(string method, string path, int status, string? mediaType, ReadOnlySpan<byte> body)
    {
        var template = Match(path);
        var verb = method.Equals("HEAD", StringComparison.OrdinalIgnoreCase) ? "get" : method.ToLowerInvariant();
        if (template is null || !_document.GetProperty("paths").GetProperty(template).TryGetProperty(verb, out var operation))
        {
            return null;
        }

        var where = $"{method} {path} answered {status}{(mediaType is null ? "" : " " + mediaType)}";
        var responses = operation.GetProperty("responses");
        var code = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string? key = responses.TryGetProperty(code, out _) ? code
            : responses.TryGetProperty(code[0] + "XX", out _) ? code[0] + "XX"
            : responses.TryGetProperty("default", out _) ? "default"
            : null;
        if (key is null)
        {
            return $"{where}, which /openapi.json does not document for {verb.ToUpperInvariant()} {template} (it documents {string.Join(", ", responses.EnumerateObject().Select(r => r.Name))})";
        }

        var response = responses.GetProperty(key);
        if (!response.TryGetProperty("content", out var content))
        {
            return body.IsEmpty || method.Equals("HEAD", StringComparison.OrdinalIgnoreCase) ? null
                : $"{where} with a {body.Length}-byte body, but /openapi.json documents no content for {key}";
        }

        if (body.IsEmpty && mediaType is null)
        {
            return $"{where} with no body, but /openapi.json documents {string.Join(", ", content.EnumerateObject().Select(c => c.Name))}";
        }

        var media = content.EnumerateObject().FirstOrDefault(c => MediaMatches(c.Name, mediaType));
        if (media.Value.ValueKind == JsonValueKind.Undefined)
        {
            return $"{where}, but /openapi.json documents {string.Join(", ", content.EnumerateObject().Select(c => c.Name))} for {key}";
        }

        if (!IsJson(mediaType) || !media.Value.TryGetProperty("schema", out _) || method.Equals("HEAD", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        // Tests that poll in a tight loop get the same body many times over: each distinct body is evaluated once, so the
        // check costs the test's process (which is also the server's, in-process) little CPU however hard a test polls.
        var pointer = JsonPointer.Create("paths", template, verb, "responses", key, "content", media.Name, "schema");
        var seenKey = pointer + "\n" + Convert.ToHexString(SHA256.HashData(body));
        if (_valid.ContainsKey(seenKey))
        {
            return null;
        }

        JsonElement instance;
        try
        {
            instance = JsonDocument.Parse(body.ToArray()).RootElement;
        }
        catch (JsonException ex)
        {
            return $"{where} with a body that is not JSON: {ex.Message}";
        }

        var schema = _schemas.GetOrAdd(pointer.ToString(), _ => Standalone(media.Value.GetProperty("schema")));
        // The flag answer stops at the first failure and costs little; only a failure is evaluated again in full, for its message.
        if (schema.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.Flag }).IsValid)
        {
            if (_valid.Count > 4096)
            {
                _valid.Clear();
            }

            _valid[seenKey] = true;
            return null;
        }

        var result = schema.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });
        return $"{where}, which does not match its schema in /openapi.json (#{pointer}): {Describe(result)}; body: {Shorten(Encoding.UTF8.GetString(body))}";
    }

    /// <summary>
    /// A response's schema as a schema of its own: the document's component schemas become its <c>$defs</c>, so each
    /// <c>#/components/schemas/X</c> reference resolves inside it.
    /// </summary>
    private JsonSchema Standalone(JsonElement schema) => JsonSchema.FromText(
        $$"""{"$schema": "https://json-schema.org/draft/2020-12/schema", "$defs": {{_definitions}}, "allOf": [{{Local(schema.GetRawText())}}]}""",
        _build,
        new Uri($"https://visionflow.test/schema/{Guid.NewGuid():N}"));

    private static string Local(string json) => json.Replace("\"#/components/schemas/", "\"#/$defs/", StringComparison.Ordinal);

    private string? Match(string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        foreach (var (template, parts) in _paths)
        {
            if (parts.Length == segments.Length
                && parts.Zip(segments).All(p => p.First.StartsWith('{') || string.Equals(p.First, Uri.UnescapeDataString(p.Second), StringComparison.Ordinal)))
            {
                return template;
            }
        }

        return null;
    }

    private static bool MediaMatches(string documented, string? actual) =>
        actual is not null
        && (documented == "*/*"
            || string.Equals(documented, actual, StringComparison.OrdinalIgnoreCase)
            || (documented.EndsWith("/*", StringComparison.Ordinal) && actual.StartsWith(documented[..^1], StringComparison.OrdinalIgnoreCase)));

    private static bool IsJson(string? mediaType) =>
        mediaType is not null && (mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    /// <summary>The failed checks at their deepest, as "at /agents/0/status: …" (the oneOf/anyOf wrappers say too little).</summary>
    private static string Describe(EvaluationResults result)
    {
        var failures = (result.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"at {(d.InstanceLocation.ToString() is { Length: > 0 } at ? at : "/")}: {e.Value} ({e.Key} at {d.EvaluationPath})"))
            .Distinct()
            .ToList();
        return failures.Count == 0 ? "invalid" : string.Join("; ", failures.Take(8)) + (failures.Count > 8 ? $"; and {failures.Count - 8} more" : "");
    }

    private static string Shorten(string text) => text.Length <= 600 ? text : text[..600] + "…";
}
