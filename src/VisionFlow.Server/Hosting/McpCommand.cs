using System.Globalization;
using System.Net;
using System.Text.Json;
using VisionFlow.Connections.Pooling;
using VisionFlow.Protocol;
using VisionFlow.Protocol.Contracts.Mcp;
using VisionFlow.Protocol.Dialects;
using VisionFlow.Protocol.Engine;

namespace VisionFlow.Server.Hosting;

/// <summary>
/// <c>visionflow mcp tools|call</c>: for people debugging a peer. Connects like the service does (host, port, optional
/// MCP_API_KEY from the environment), detects the dialect and prints what the server answered.
/// </summary>
internal static class McpCommand
{
    public const string Usage =
        "usage: visionflow mcp tools [--host H] [--port P] | visionflow mcp call NAME ['{json args}'] [--host H] [--port P]";

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || args[0] is not ("tools" or "call"))
        {
            await Console.Error.WriteLineAsync(Usage).ConfigureAwait(false);
            return Program.UsageError;
        }

        var verb = args[0];
        var host = Environment.GetEnvironmentVariable("CLAUDE_FLOW_HOST") ?? "claude-flow-mcp";
        var portText = Environment.GetEnvironmentVariable("MCP_TCP_PORT") ?? "9500";
        string? tool = null;
        string? json = null;
        for (var i = 1; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--host" when i + 1 < args.Count:
                    host = args[++i];
                    break;
                case "--port" when i + 1 < args.Count:
                    portText = args[++i];
                    break;
                default:
                    if (verb == "call" && tool is null)
                    {
                        tool = args[i];
                    }
                    else if (verb == "call" && json is null)
                    {
                        json = args[i];
                    }
                    else
                    {
                        await Console.Error.WriteLineAsync($"visionflow mcp: unexpected argument '{args[i]}' ({Usage})").ConfigureAwait(false);
                        return Program.UsageError;
                    }

                    break;
            }
        }

        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            await Console.Error.WriteLineAsync($"visionflow mcp: invalid port '{portText}': expected an integer 1-65535").ConfigureAwait(false);
            return Program.UsageError;
        }

        if (verb == "call" && tool is null)
        {
            await Console.Error.WriteLineAsync($"visionflow mcp call: the tool name is missing ({Usage})").ConfigureAwait(false);
            return Program.UsageError;
        }

        JsonDocument? arguments = null;
        try
        {
            arguments = json is null ? null : JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            await Console.Error.WriteLineAsync($"visionflow mcp call: the arguments are not valid JSON: {ex.Message}").ConfigureAwait(false);
            return Program.UsageError;
        }

        using (arguments)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                var socket = await new TcpConnector(new TcpConnectorOptions { ConnectTimeout = TimeSpan.FromSeconds(10) }).ConnectAsync(host, port, cts.Token).ConfigureAwait(false);
                await using var rpc = JsonRpcConnection.Create(socket);
                var profile = await ServerProfile.DetectAsync(rpc, BuildInfo.Version, cts.Token).ConfigureAwait(false);
                await Console.Out.WriteLineAsync($"server: {profile.Describe()} at {host}:{port}").ConfigureAwait(false);
                if (verb == "tools")
                {
                    foreach (var t in profile.Tools.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
                    {
                        var description = t.Description?.ReplaceLineEndings(" ") ?? string.Empty;
                        await Console.Out.WriteLineAsync($"{t.Name,-32} {(description.Length > 90 ? description[..90] + "…" : description)}").ConfigureAwait(false);
                    }

                    await Console.Out.WriteLineAsync($"{profile.Tools.Count} tools").ConfigureAwait(false);
                    return 0;
                }

                var result = await new McpDialectClient(rpc).CallToolAsync(
                    new McpToolCallParams { Name = tool!, Arguments = arguments?.RootElement }, cts.Token).ConfigureAwait(false);
                foreach (var item in result.Content)
                {
                    await Console.Out.WriteLineAsync(item.Text ?? $"[{item.Type} content]").ConfigureAwait(false);
                }

                return result.IsError == true ? 1 : 0;
            }
            catch (Exception ex) when (ex is JsonRpcException or IOException or OperationCanceledException)
            {
                await Console.Error.WriteLineAsync($"visionflow mcp: {host}:{port}: {ex.Message}").ConfigureAwait(false);
                return 1;
            }
        }
    }
}
