using System.Text;
using System.Text.Json;
using VisionFlow.Connections.Pooling;
using VisionFlow.Protocol;
using VisionFlow.Protocol.Contracts.Mcp;
using VisionFlow.Protocol.Contracts.Plain;
using VisionFlow.Protocol.Dialects;
using VisionFlow.Protocol.Engine;
using VisionFlow.Server.Configuration;
using VisionFlow.Server.Runtime;

namespace VisionFlow.Server.Cli;

/// <summary>
/// <c>visionflow mcp tools|call</c>: for people debugging a peer. Connects like the service does (CLAUDE_FLOW_HOST,
/// MCP_TCP_PORT, MCP_API_KEY or their flags), detects the dialect and prints what the server answered; a call whose
/// result reports a failure exits 1.
/// </summary>
internal static class McpCommand
{
    /// <summary>Every option, in help order.</summary>
    public static IReadOnlyList<CommandOption> Options { get; } =
    [
        CommandOption.Of(Settings.McpHost, "HOST", alias: "--host"),
        CommandOption.Of(Settings.McpPort, "PORT", alias: "--port"),
        CommandOption.Of(Settings.McpApiKey, "KEY"),
        new("--help", null, "", "show this text"),
    ];

    /// <summary>The plain dialect's methods, listed by <c>mcp tools</c> for a plain-dialect server (it has no tools/list).</summary>
    private static readonly (string Method, string Description)[] PlainMethods =
    [
        (PlainDialectMethods.SpawnAgent, "{type, task?, config?, swarm_id?}: create an agent"),
        (PlainDialectMethods.ListAgents, "{filter?, limit?}: list agents"),
        (PlainDialectMethods.GetAgentStatus, "{agent_id}: one agent's status"),
        (PlainDialectMethods.TerminateAgent, "{agent_id}: stop an agent"),
        (PlainDialectMethods.InitializeMultiAgent, "{topology, agents, task?, strategy?, max_agents?}: start a multi-agent system"),
        (PlainDialectMethods.GetMultiAgentStatus, "{multi-agent_id}: a multi-agent system's status"),
        (PlainDialectMethods.DissolveMultiAgent, "{multi-agent_id}: dissolve a multi-agent system"),
        (PlainDialectMethods.AssignTask, "{agent_id, task}: assign a task"),
        (PlainDialectMethods.GetTaskStatus, "{task_id}: a task's progress"),
        (PlainDialectMethods.CancelTask, "{task_id}: cancel a task"),
        (PlainDialectMethods.SubscribeTelemetry, "{events?, interval_ms?}: push telemetry lines"),
        (PlainDialectMethods.Ping, "liveness probe"),
    ];

    private static readonly Dictionary<string, Setting> Flags = new(StringComparer.Ordinal)
    {
        ["--host"] = Settings.McpHost,
        ["--mcp-host"] = Settings.McpHost,
        ["--port"] = Settings.McpPort,
        ["--mcp-port"] = Settings.McpPort,
        ["--mcp-api-key"] = Settings.McpApiKey,
    };

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        if (args.Any(a => a is "-h" or "--help") || args is ["help", ..])
        {
            await Console.Out.WriteAsync(HelpText.ForMcp()).ConfigureAwait(false);
            return 0;
        }

        if (args.Count == 0 || args[0] is not ("tools" or "call"))
        {
            await Console.Error.WriteLineAsync(
                $"visionflow mcp: {(args.Count == 0 ? "a subcommand is missing" : $"unknown subcommand '{args[0]}'")}: tools or call (see visionflow mcp --help)").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        var verb = args[0];
        var fromCli = new Dictionary<Setting, string>();
        var positional = new List<string>();
        for (var i = 1; i < args.Count; i++)
        {
            var arg = args[i];
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var flag = arg.StartsWith("--", StringComparison.Ordinal) && eq > 0 ? arg[..eq] : arg;
            if (Flags.TryGetValue(flag, out var setting))
            {
                if (eq < 0 && i + 1 >= args.Count)
                {
                    return await UsageAsync($"option {flag} needs a value: {setting.Accepted}").ConfigureAwait(false);
                }

                fromCli[setting] = eq > 0 ? arg[(eq + 1)..] : args[++i];
            }
            else if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                return await UsageAsync($"unknown option '{flag}' (see visionflow mcp --help)").ConfigureAwait(false);
            }
            else
            {
                positional.Add(arg);
            }
        }

        if (!OptionsParser.TryApply(new ServerOptions(), [Settings.McpHost, Settings.McpPort, Settings.McpApiKey], fromCli, Environment.GetEnvironmentVariable, out var options, out var error))
        {
            return await UsageAsync(error).ConfigureAwait(false);
        }

        if (verb == "tools" && positional.Count > 0)
        {
            return await UsageAsync($"unexpected argument '{positional[0]}': mcp tools takes no arguments").ConfigureAwait(false);
        }

        if (verb == "call" && positional.Count is 0 or > 2)
        {
            return await UsageAsync(positional.Count == 0
                ? "the tool or method name is missing: visionflow mcp call NAME ['{json arguments}']"
                : $"unexpected argument '{positional[2]}': visionflow mcp call NAME ['{{json arguments}}']").ConfigureAwait(false);
        }

        JsonDocument? arguments = null;
        try
        {
            arguments = verb == "call" && positional.Count == 2 ? JsonDocument.Parse(positional[1]) : null;
        }
        catch (JsonException ex)
        {
            return await UsageAsync($"the arguments are not valid JSON: {ex.Message}").ConfigureAwait(false);
        }

        using (arguments)
        {
            return await ConnectAndRunAsync(verb, verb == "call" ? positional[0] : null, arguments?.RootElement, options).ConfigureAwait(false);
        }
    }

    private static async Task<int> ConnectAndRunAsync(string verb, string? name, JsonElement? arguments, ServerOptions options)
    {
        var (host, port) = (options.McpHost, options.McpPort);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            var socket = await new TcpConnector(new TcpConnectorOptions { ConnectTimeout = TimeSpan.FromSeconds(10) }).ConnectAsync(host, port, cts.Token).ConfigureAwait(false);
            await using var rpc = JsonRpcConnection.Create(socket);
            if (options.McpApiKey is { } key)
            {
                try
                {
                    await new McpBridgeClient(rpc).AuthenticateAsync(new McpAuthenticateParams { Token = key }, cts.Token).ConfigureAwait(false);
                }
                catch (JsonRpcException ex)
                {
                    await Console.Error.WriteLineAsync($"visionflow mcp: {host}:{port}: authentication failed (MCP_API_KEY / --mcp-api-key): {ex.Message}").ConfigureAwait(false);
                    return 1;
                }
            }

            var profile = await ServerProfile.DetectAsync(rpc, BuildInfo.Version, cts.Token).ConfigureAwait(false);
            await Console.Out.WriteLineAsync($"server: {profile.Describe()} at {host}:{port}").ConfigureAwait(false);
            if (verb == "tools")
            {
                await ListAsync(profile).ConfigureAwait(false);
                return 0;
            }

            return profile.Dialect == ServerDialect.Plain
                ? await CallMethodAsync(rpc, name!, arguments, cts.Token).ConfigureAwait(false)
                : await CallToolAsync(rpc, name!, arguments, cts.Token).ConfigureAwait(false);
        }
        catch (JsonRpcException ex) when (ex.Code == JsonRpcErrorCodes.ServerError && ex.Message.Contains("authentication", StringComparison.OrdinalIgnoreCase))
        {
            await Console.Error.WriteLineAsync($"visionflow mcp: {host}:{port}: {ex.Message} (set MCP_API_KEY or --mcp-api-key)").ConfigureAwait(false);
            return 1;
        }
        catch (Exception ex) when (ex is JsonRpcException or IOException or OperationCanceledException or ConnectException)
        {
            await Console.Error.WriteLineAsync($"visionflow mcp: {host}:{port}: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    private static async Task ListAsync(ServerProfile profile)
    {
        var rows = new List<string[]>();
        if (profile.Dialect == ServerDialect.Plain)
        {
            await Console.Out.WriteLineAsync("plain JSON-RPC dialect (the server has no tools/list); the methods it answers:").ConfigureAwait(false);
            rows.AddRange(PlainMethods.Select(m => new[] { m.Method, m.Description }));
        }
        else
        {
            foreach (var t in profile.Tools.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
            {
                var description = t.Description?.ReplaceLineEndings(" ") ?? string.Empty;
                rows.Add([t.Name, description.Length > 90 ? description[..90] + "…" : description]);
            }
        }

        var sb = new StringBuilder();
        if (rows.Count > 0)
        {
            HelpTable.Append(sb, rows, indent: "");
        }

        sb.Append(rows.Count).AppendLine(profile.Dialect == ServerDialect.Plain ? " methods" : " tools");
        await Console.Out.WriteAsync(sb.ToString()).ConfigureAwait(false);
    }

    private static async Task<int> CallToolAsync(JsonRpcConnection rpc, string tool, JsonElement? arguments, CancellationToken ct)
    {
        var result = await new McpDialectClient(rpc).CallToolAsync(new McpToolCallParams { Name = tool, Arguments = arguments }, ct).ConfigureAwait(false);
        foreach (var item in result.Content)
        {
            await Console.Out.WriteLineAsync(item.Text ?? $"[{item.Type} content]").ConfigureAwait(false);
        }

        // The same judgement the service applies: isError, "success": false or an "error" member is a failed call.
        if (ToolResults.ReportedFailure(result) is { } failure)
        {
            await Console.Error.WriteLineAsync($"visionflow mcp call: {tool} failed: {failure}").ConfigureAwait(false);
            return 1;
        }

        return 0;
    }

    private static async Task<int> CallMethodAsync(JsonRpcConnection rpc, string method, JsonElement? arguments, CancellationToken ct)
    {
        var json = McpJsonContext.Default.JsonElement;
        var result = arguments is { } a
            ? await rpc.InvokeAsync(method, a, json, json, ct).ConfigureAwait(false)
            : await rpc.InvokeAsync(method, json, ct).ConfigureAwait(false);
        await Console.Out.WriteLineAsync(result.GetRawText()).ConfigureAwait(false);
        return 0;
    }

    private static async Task<int> UsageAsync(string error)
    {
        await Console.Error.WriteLineAsync($"visionflow mcp: {error}").ConfigureAwait(false);
        return ExitCodes.Usage;
    }
}
