using System.Reflection;
using VisionFlow.Server.Configuration;
using VisionFlow.Testing;

namespace VisionFlow.Server.Tests;

/// <summary>
/// Each setting is declared once (<see cref="Settings"/>); these tests hold what is derived from the declarations to
/// them: the README's configuration table, the refusal of values past each range, and the defaults.
/// </summary>
public sealed class SettingDeclarationTests
{
    private const string TableHeader = "| variable | flag | default | accepted | meaning |";

    public static IEnumerable<Func<(string Flag, string Value)>> OutsideValues()
    {
        foreach (var setting in Settings.All)
        {
            foreach (var value in setting.Outside)
            {
                yield return () => (setting.Flag, value);
            }
        }
    }

    [Test]
    public async Task The_readme_configuration_table_is_the_declared_settings()
    {
        var readme = await File.ReadAllLinesAsync(Repository.PathOf("README.md"));
        var start = Array.IndexOf(readme, TableHeader);
        await Assert.That(start).IsGreaterThanOrEqualTo(0).Because($"README.md has no configuration table headed '{TableHeader}'");
        var documented = readme.Skip(start).TakeWhile(l => l.StartsWith('|')).ToList();
        var declared = MarkdownTable();
        await Assert.That(string.Join('\n', documented)).IsEqualTo(string.Join('\n', declared))
            .Because("README.md's configuration table must be exactly this (generated from Settings.cs):\n" + string.Join('\n', declared) + "\n");
    }

    [Test]
    public async Task Every_declared_setting_is_listed_once_in_All()
    {
        var declared = typeof(Settings).GetFields(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public)
            .Where(f => typeof(Setting).IsAssignableFrom(f.FieldType))
            .Select(f => (Setting)f.GetValue(null)!)
            .ToList();
        await Assert.That(Settings.All).IsEquivalentTo(declared);
        await Assert.That(Settings.All.Select(s => s.Env).Distinct().Count()).IsEqualTo(Settings.All.Count);
        await Assert.That(Settings.All.Select(s => s.Flag).Distinct().Count()).IsEqualTo(Settings.All.Count);
    }

    [Test]
    [MethodDataSource(nameof(OutsideValues))]
    public async Task A_value_just_outside_the_range_is_refused_naming_the_range(string flag, string value)
    {
        var setting = Settings.All.Single(s => s.Flag == flag);
        var accepted = OptionsParser.TryParse([$"{flag}={value}"], _ => null, out _, out var error);
        await Assert.That(accepted).IsFalse().Because($"{flag}={value} is outside '{setting.Accepted}'");
        await Assert.That(error).IsEqualTo(
            $"invalid value {(setting.Secret ? $"({value.Length} characters, not shown)" : $"'{value}'")} for {flag} ({setting.Env}): expected {setting.Accepted}");
    }

    [Test]
    public async Task Every_default_is_a_value_its_setting_accepts_and_is_what_the_options_start_with()
    {
        var defaults = new ServerOptions();
        foreach (var setting in Settings.All.Where(s => s.DefaultLiteral is not null))
        {
            var applied = setting.Apply(defaults, setting.DefaultLiteral!);
            await Assert.That(applied).IsNotNull().Because($"{setting.Env}'s default '{setting.DefaultLiteral}' is outside '{setting.Accepted}'");
            await Assert.That(Describe(applied!)).IsEqualTo(Describe(defaults)).Because($"{setting.Env}={setting.DefaultLiteral} must change nothing");
        }
    }

    /// <summary>The README's table as the declarations write it: variable, flag, default, accepted range, meaning.</summary>
    private static List<string> MarkdownTable()
    {
        var rows = new List<string> { TableHeader, "|---|---|---|---|---|" };
        foreach (var s in Settings.All)
        {
            var shownDefault = (s.DefaultLiteral, s.DefaultNote) switch
            {
                ({ } literal, { } note) => $"`{literal}` ({note})",
                ({ } literal, null) => $"`{literal}`",
                (null, { } note) => note,
                _ => "none",
            };
            rows.Add($"| `{s.Env}` | `{s.Flag}` | {shownDefault} | {s.Accepted} | {s.Description} |");
        }

        return rows;
    }

    // Records compare and print their lists by reference and type; this compares the lists' contents.
    private static string Describe(ServerOptions options) =>
        $"{options with { Urls = [], AllowedOrigins = [] }} urls={string.Join(';', options.Urls)} origins={string.Join(';', options.AllowedOrigins)}";
}
