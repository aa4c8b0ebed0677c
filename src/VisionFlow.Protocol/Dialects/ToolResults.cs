using System.Text.Json;
using VisionFlow.Protocol.Contracts.Mcp;

namespace VisionFlow.Protocol.Dialects;

/// <summary>
/// Reads a tool result's JSON text and turns every failure style into <see cref="ToolFailedException"/>: MCP's
/// <c>isError</c>, Claude Flow's <c>"success": false</c>, and its read tools' bare <c>"error"</c> member.
/// Public so that every caller (the typed clients, the <c>visionflow mcp call</c> command) judges a result the same way.
/// </summary>
public static class ToolResults
{
    /// <summary>Parses the result's text as JSON, or throws <see cref="ToolFailedException"/> when it reports a failure.</summary>
    public static JsonDocument Read(string tool, McpToolCallResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var text = FirstText(result);
        if (result.IsError == true)
        {
            var message = text ?? "the tool reported an error without text";
            throw new ToolFailedException(tool, message, message.Contains("not found", StringComparison.OrdinalIgnoreCase));
        }

        if (text is null)
        {
            throw new ToolFailedException(tool, "the result has no text content", notFound: false);
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            throw new ToolFailedException($"{tool} returned text that is not JSON", ex);
        }

        if (Failure(doc.RootElement, out var failure, out var notFound))
        {
            doc.Dispose();
            throw new ToolFailedException(tool, failure, notFound);
        }

        return doc;
    }

    /// <summary>
    /// The failure a result reports (<c>isError</c>, <c>"success": false</c>, an <c>"error"</c> member), or null when it
    /// reports none. For callers that show any result as it is (<c>visionflow mcp call</c>): text that is not JSON, or
    /// content that is not text, is an answer here, not a failure.
    /// </summary>
    public static string? ReportedFailure(McpToolCallResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var text = FirstText(result);
        if (result.IsError == true)
        {
            return text ?? "the tool reported an error without text";
        }

        if (text is null)
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 64 });
            return Failure(doc.RootElement, out var failure, out _) ? failure : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? FirstText(McpToolCallResult result)
    {
        foreach (var item in result.Content)
        {
            if (item.Type == "text" && item.Text is not null)
            {
                return item.Text;
            }
        }

        return null;
    }

    private static bool Failure(JsonElement root, out string message, out bool notFound)
    {
        message = string.Empty;
        notFound = false;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var failed = root.TryGetProperty("success", out var success) && success.ValueKind == JsonValueKind.False;
        var hasError = root.TryGetProperty("error", out var error) && error.ValueKind is not JsonValueKind.Null;
        if (!failed && !hasError)
        {
            return false;
        }

        message = hasError ? (error.ValueKind == JsonValueKind.String ? error.GetString()! : error.GetRawText()) : "success: false";
        notFound = (root.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.String && status.ValueEquals("not_found"))
            || message.Contains("not found", StringComparison.OrdinalIgnoreCase);
        return true;
    }
}
