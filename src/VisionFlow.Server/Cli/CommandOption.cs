using VisionFlow.Server.Configuration;

namespace VisionFlow.Server.Cli;

/// <summary>One option of a subcommand (<c>simulate</c>, <c>mcp</c>): the row its help prints and its parser accepts.</summary>
/// <param name="Flag">The flag with its leading dashes, e.g. <c>--port</c>.</param>
/// <param name="Value">Placeholder of its value (<c>N</c>, <c>HOST</c>), or null for a switch.</param>
/// <param name="Default">Default shown in help.</param>
/// <param name="Description">What it does, with its accepted range.</param>
/// <param name="Env">The environment variable it overrides, when there is one.</param>
internal sealed record CommandOption(string Flag, string? Value, string Default, string Description, string? Env = null)
{
    /// <summary>The flag as help shows it: <c>--port N</c>.</summary>
    public string Shown => Value is null ? Flag : Flag + " " + Value;

    /// <summary>A service setting that a subcommand takes too: its flag, variable, default and range as declared.</summary>
    public static CommandOption Of(Setting setting, string value, string? alias = null) => new(
        setting.Flag,
        value,
        setting.Default,
        $"{setting.Description}; accepts {setting.Accepted}{(alias is null ? "" : $" (also {alias})")}",
        setting.Env);
}
