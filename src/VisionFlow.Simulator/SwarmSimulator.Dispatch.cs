using System.Text.Json;
using VisionFlow.Protocol;
using VisionFlow.Protocol.Dispatch;

namespace VisionFlow.Simulator;

/// <summary>Both dialects as a JSON-RPC dispatch table, for a server built on the shared engine.</summary>
public sealed partial class SwarmSimulator
{
    /// <summary>MCP method names the dispatch table answers besides the plain ones.</summary>
    public static IReadOnlyList<string> McpMethods { get; } = ["initialize", "notifications/initialized", "ping", "tools/list", "tools/call"];

    /// <summary>
    /// A dispatch table answering every plain method and the MCP methods. <c>telemetry.subscribe</c> only validates
    /// and acknowledges here: starting the push stream is the connection's job (see <see cref="TelemetrySubscription"/>).
    /// </summary>
    public JsonRpcDispatchTable CreateDispatchTable()
    {
        var table = new JsonRpcDispatchTable();
        foreach (var method in PlainMethods.All)
        {
            table.Add(method, (parameters, result, _) =>
            {
                if (!TryHandlePlain(method, parameters.Span, result, out var error))
                {
                    throw error.ToException();
                }

                return ValueTask.CompletedTask;
            });
        }

        table.Add("initialize", (parameters, result, ct) =>
        {
            string? version = null;
            if (Args.TryParse(parameters.Span, out var doc, out _))
            {
                using (doc)
                {
                    new Args(doc.RootElement).TryGetString("protocolVersion", false, out version, out _);
                }
            }

            WriteInitializeResult(result, version);
            return ValueTask.CompletedTask;
        });
        table.Add("notifications/initialized", static (_, _, _) => ValueTask.CompletedTask);
        table.Add("ping", static (_, result, _) =>
        {
            result.WriteStartObject();
            result.WriteEndObject();
            result.Flush();
            return ValueTask.CompletedTask;
        });
        table.Add("tools/list", static (_, result, _) =>
        {
            WriteToolsList(result);
            return ValueTask.CompletedTask;
        });
        table.Add("tools/call", (parameters, result, ct) =>
        {
            if (!Args.TryParse(parameters.Span, out var doc, out var error))
            {
                throw error.ToException();
            }

            using (doc)
            {
                var a = new Args(doc.RootElement);
                if (!a.TryGetString("name", true, out var name, out error))
                {
                    throw new JsonRpcException(JsonRpcErrorCodes.InvalidParams, "tools/call: " + error.Message);
                }

                a.TryGet("arguments", out var arguments);
                if (!TryCallTool(name!, arguments, result, out error))
                {
                    throw error.ToException();
                }
            }

            return ValueTask.CompletedTask;
        });
        return table;
    }
}
