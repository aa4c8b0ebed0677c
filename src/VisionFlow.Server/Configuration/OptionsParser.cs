namespace VisionFlow.Server.Configuration;

/// <summary>Turns environment variables and command-line arguments into validated <see cref="ServerOptions"/>.</summary>
/// <remarks>Command-line flags win over environment variables; an invalid value is reported as one line naming it.</remarks>
internal static class OptionsParser
{
    /// <summary>Parses <paramref name="args"/> over the environment read through <paramref name="env"/>.</summary>
    public static bool TryParse(
        IReadOnlyList<string> args,
        Func<string, string?> env,
        out CliInvocation invocation,
        out string error)
    {
        invocation = new CliInvocation(CliCommand.Run, new ServerOptions());
        error = string.Empty;
        var command = CliCommand.Run;
        var fromCli = new Dictionary<Setting, string>();

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "-h" or "--help" or "help":
                    invocation = invocation with { Command = CliCommand.Help };
                    return true;
                case "-v" or "--version" or "version":
                    invocation = invocation with { Command = CliCommand.Version };
                    return true;
                case "run" when i == 0:
                    command = CliCommand.Run;
                    continue;
                case "healthcheck" when i == 0:
                    command = CliCommand.HealthCheck;
                    continue;
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                error = $"unknown command or argument '{arg}' (see --help)";
                return false;
            }

            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var flag = eq < 0 ? arg : arg[..eq];
            var setting = Find(flag);
            if (setting is null)
            {
                error = $"unknown option '{flag}' (see --help)";
                return false;
            }

            string value;
            if (eq >= 0)
            {
                value = arg[(eq + 1)..];
            }
            else if (setting.Switch)
            {
                // A switch never takes the next argument as its value: `--simulator --port 0` is two options.
                value = "true";
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
            }
            else
            {
                error = $"option {setting.Flag} needs a value: {setting.Accepted}";
                return false;
            }

            fromCli[setting] = value;
        }

        if (!TryApply(new ServerOptions(), Settings.All, fromCli, env, out var options, out error))
        {
            return false;
        }

        if (options.Simulator && !options.EnableMcp)
        {
            error = "--simulator (VISIONFLOW_SIMULATOR) runs an MCP peer, but ENABLE_MCP=false turns the MCP link off: drop one of them";
            return false;
        }

        // journald stamps and prioritises each line itself; systemd sets JOURNAL_STREAM when stdout/stderr go there.
        if (env(Settings.LogFormatSetting.Env) is null && !fromCli.ContainsKey(Settings.LogFormatSetting) && !string.IsNullOrEmpty(env("JOURNAL_STREAM")))
        {
            options = options with { LogFormat = LogFormat.Systemd };
        }

        if (command == CliCommand.Run && Settings.ValidateCombination(options) is { } combination)
        {
            error = combination;
            return false;
        }

        invocation = new CliInvocation(command, options);
        return true;
    }

    /// <summary>
    /// Applies <paramref name="settings"/> to <paramref name="options"/>: first their environment variables, then the
    /// command-line values in <paramref name="fromCli"/>, which win. Shared by the service and <c>visionflow mcp</c>.
    /// </summary>
    public static bool TryApply(
        ServerOptions options,
        IReadOnlyList<Setting> settings,
        IReadOnlyDictionary<Setting, string> fromCli,
        Func<string, string?> env,
        out ServerOptions result,
        out string error)
    {
        result = options;
        error = string.Empty;
        foreach (var setting in settings)
        {
            var raw = env(setting.Env);
            if (raw is null)
            {
                continue;
            }

            var applied = setting.Apply(result, raw.Trim());
            if (applied is null)
            {
                error = $"invalid value {Shown(setting, raw)} for environment variable {setting.Env}: expected {setting.Accepted}";
                return false;
            }

            result = applied;
        }

        foreach (var setting in settings)
        {
            if (!fromCli.TryGetValue(setting, out var raw))
            {
                continue;
            }

            var applied = setting.Apply(result, raw.Trim());
            if (applied is null)
            {
                error = $"invalid value {Shown(setting, raw)} for {setting.Flag} ({setting.Env}): expected {setting.Accepted}";
                return false;
            }

            result = applied;
        }

        return true;
    }

    private static string Shown(Setting setting, string raw) => setting.Secret ? $"({raw.Length} characters, not shown)" : $"'{raw}'";

    private static Setting? Find(string flag)
    {
        foreach (var setting in Settings.All)
        {
            if (setting.Flag == flag)
            {
                return setting;
            }
        }

        return null;
    }
}
