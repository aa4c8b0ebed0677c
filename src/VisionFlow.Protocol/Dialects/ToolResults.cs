using System.Text.Json;
using VisionFlow.Protocol.Contracts.Mcp;

namespace VisionFlow.Protocol.Dialects;

/// <summary>
/// Reads a tool result's JSON text and turns every failure style into <see cref="ToolFailedException"/>: MCP's
/// <c>isError</c>, Claude Flow's <c>"success": false</c>, and its read tools' bare <c>"error"</c> member.
/// </summary>
internal static class ToolResults
{
    public static JsonDocument Read(string tool, McpToolCallResult result)
    {
        string? text = null;
        foreach (var item in result.Content)
        {
            if (item.Type == "text" && item.Text is not null)
            {
                text = item.Text;
                break;
            }
        }

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

        var root = doc.RootElement;
        if (root.ValueKind == JsonValueKind.Object)
        {
            var failed = root.TryGetProperty("success", out var success) && success.ValueKind == JsonValueKind.False;
            var hasError = root.TryGetProperty("error", out var error) && error.ValueKind is not JsonValueKind.Null;
            if (failed || hasError)
            {
                var message = hasError ? (error.ValueKind == JsonValueKind.String ? error.GetString()! : error.GetRawText()) : "success: false";
                var notFound = (root.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.String && status.ValueEquals("not_found"))
                    || message.Contains("not found", StringComparison.OrdinalIgnoreCase);
                doc.Dispose();
                throw new ToolFailedException(tool, message, notFound);
            }
        }

        return doc;
    }
}
