using VisionFlow.Server.Cli;
using VisionFlow.Server.Configuration;

namespace VisionFlow.Server.Tests;

public sealed class OptionsParserTests
{
    private static Func<string, string?> Env(params (string Key, string Value)[] vars)
    {
        var map = vars.ToDictionary(v => v.Key, v => v.Value);
        return key => map.GetValueOrDefault(key);
    }

    private static CliInvocation Parse(string[] args, Func<string, string?>? env = null)
    {
        if (!OptionsParser.TryParse(args, env ?? Env(), out var invocation, out var error))
        {
            throw new InvalidOperationException("expected success, got: " + error);
        }

        return invocation;
    }

    private static string ParseError(string[] args, Func<string, string?>? env = null)
    {
        if (OptionsParser.TryParse(args, env ?? Env(), out _, out var error))
        {
            throw new InvalidOperationException("expected a parse error");
        }

        return error;
    }

    [Test]
    public async Task Defaults_match_the_documented_environment()
    {
        var o = Parse([]).Options;
        await Assert.That(o.Urls).IsEquivalentTo(new[] { "http://127.0.0.1:8080" });
        await Assert.That(o.McpHost).IsEqualTo("claude-flow-mcp");
        await Assert.That(o.McpPort).IsEqualTo(9500);
        await Assert.That(o.EnableMcp).IsTrue();
        await Assert.That(o.McpReconnectAttempts).IsEqualTo(3);
        await Assert.That(o.McpReconnectDelay).IsEqualTo(TimeSpan.FromMilliseconds(1000));
        await Assert.That(o.McpConnectionTimeout).IsEqualTo(TimeSpan.FromMilliseconds(30000));
        await Assert.That(o.McpReconnectAttemptTimeout).IsEqualTo(TimeSpan.FromMilliseconds(5000));
        await Assert.That(o.McpMaxAgents).IsEqualTo(50);
        await Assert.That(o.LogFormat).IsEqualTo(LogFormat.Text);
    }

    [Test]
    public async Task Environment_values_are_applied()
    {
        var o = Parse([], Env(
            ("CLAUDE_FLOW_HOST", "10.1.2.3"), ("MCP_TCP_PORT", "9600"), ("ENABLE_MCP", "false"),
            ("MCP_RECONNECT_ATTEMPTS", "7"), ("MCP_RECONNECT_DELAY", "250"), ("MCP_CONNECTION_TIMEOUT", "5000"),
            ("MCP_RECONNECT_ATTEMPT_TIMEOUT", "1500"), ("MCP_MAX_AGENTS", "1000"), ("VISIONFLOW_LOG_FORMAT", "JSON"), ("VISIONFLOW_LOG_LEVEL", "debug"))).Options;
        await Assert.That(o.McpHost).IsEqualTo("10.1.2.3");
        await Assert.That(o.McpPort).IsEqualTo(9600);
        await Assert.That(o.EnableMcp).IsFalse();
        await Assert.That(o.McpReconnectAttempts).IsEqualTo(7);
        await Assert.That(o.McpReconnectDelay).IsEqualTo(TimeSpan.FromMilliseconds(250));
        await Assert.That(o.McpConnectionTimeout).IsEqualTo(TimeSpan.FromSeconds(5));
        await Assert.That(o.McpReconnectAttemptTimeout).IsEqualTo(TimeSpan.FromMilliseconds(1500));
        await Assert.That(o.McpMaxAgents).IsEqualTo(1000);
        await Assert.That(o.LogFormat).IsEqualTo(LogFormat.Json);
        await Assert.That(o.LogLevel).IsEqualTo(Microsoft.Extensions.Logging.LogLevel.Debug);
    }

    [Test]
    public async Task Command_line_wins_over_environment()
    {
        var o = Parse(["--mcp-port", "9700", "--port=9090"], Env(("MCP_TCP_PORT", "9600"), ("VISIONFLOW_URLS", "http://0.0.0.0:1234"))).Options;
        await Assert.That(o.McpPort).IsEqualTo(9700);
        await Assert.That(o.Urls).IsEquivalentTo(new[] { "http://127.0.0.1:9090" });
    }

    [Test]
    public async Task Urls_win_over_port_at_the_same_level()
    {
        var o = Parse(["--urls", "http://127.0.0.1:5000;http://[::1]:5001", "--port", "9090"]).Options;
        await Assert.That(o.Urls).IsEquivalentTo(new[] { "http://127.0.0.1:5000", "http://[::1]:5001" });
    }

    [Test]
    [Arguments("--port", "abc", "an integer 0-65535")]
    [Arguments("--port", "65536", "an integer 0-65535")]
    [Arguments("--port", "-1", "an integer 0-65535")]
    [Arguments("--mcp-port", "0", "an integer 1-65535")]
    [Arguments("--enable-mcp", "maybe", "true or false")]
    [Arguments("--mcp-reconnect-delay", "5", "10-600000")]
    [Arguments("--mcp-connection-timeout", "1e3", "100-600000")]
    [Arguments("--mcp-max-agents", "0", "1-100000")]
    [Arguments("--log-format", "xml", "text, json")]
    [Arguments("--log-level", "7", "trace, debug")]
    [Arguments("--urls", "ws://127.0.0.1:5000", "http://host:port")]
    [Arguments("--tls-cert", "/nonexistent/cert.pem", "an existing PEM file")]
    [Arguments("--allowed-origins", "https://viewer.example/path", "origins such as")]
    [Arguments("--allowed-origins", "viewer.example", "origins such as")]
    [Arguments("--shutdown-timeout", "50", "100-600000")]
    [Arguments("--log-format", "journal", "text, json or systemd")]
    [Arguments("--urls", "http://127.0.0.1:5000/path", "http://host:port")]
    [Arguments("--mcp-host", "bad host", "host name")]
    public async Task Invalid_flag_value_names_flag_variable_and_range(string flag, string value, string expected)
    {
        var error = ParseError([flag, value]);
        var setting = Settings.All.Single(s => s.Flag == flag);
        await Assert.That(error).Contains(flag);
        await Assert.That(error).Contains(setting.Env);
        await Assert.That(error).Contains($"'{value}'");
        await Assert.That(error).Contains(expected);
        await Assert.That(error).DoesNotContain("\n");
    }

    [Test]
    public async Task Invalid_environment_value_names_the_variable()
    {
        var error = ParseError([], Env(("MCP_MAX_AGENTS", "lots")));
        await Assert.That(error).IsEqualTo("invalid value 'lots' for environment variable MCP_MAX_AGENTS: expected an integer 1-100000");
    }

    [Test]
    public async Task Unknown_option_and_missing_value_are_errors()
    {
        await Assert.That(ParseError(["--nope"])).Contains("unknown option '--nope'");
        await Assert.That(ParseError(["--port"])).Contains("--port needs a value");
        await Assert.That(ParseError(["serve"])).Contains("unknown command or argument 'serve'");
    }

    [Test]
    public async Task Help_and_version_are_commands()
    {
        await Assert.That(Parse(["--help"]).Command).IsEqualTo(CliCommand.Help);
        await Assert.That(Parse(["-h"]).Command).IsEqualTo(CliCommand.Help);
        await Assert.That(Parse(["--version"]).Command).IsEqualTo(CliCommand.Version);
        await Assert.That(Parse(["run", "--port", "1"]).Command).IsEqualTo(CliCommand.Run);
    }

    [Test]
    public async Task Help_lists_every_setting()
    {
        var help = HelpText.Build("1.2.3");
        foreach (var s in Settings.All)
        {
            await Assert.That(help).Contains(s.Env);
            await Assert.That(help).Contains(s.Flag);
        }
    }

    [Test]
    public async Task Operations_settings_have_documented_defaults_and_are_applied()
    {
        var defaults = Parse([]).Options;
        await Assert.That(defaults.ShutdownTimeout).IsEqualTo(TimeSpan.FromSeconds(5));
        await Assert.That(defaults.AllowedOrigins).IsEmpty();
        await Assert.That(defaults.TlsCertificatePath).IsNull();

        var o = Parse(["--shutdown-timeout", "1500", "--allowed-origins", "https://Viewer.Example:8443; http://proxy.example/"]).Options;
        await Assert.That(o.ShutdownTimeout).IsEqualTo(TimeSpan.FromMilliseconds(1500));
        // Normalised as browsers send them: lower case, explicit port.
        await Assert.That(o.AllowedOrigins).IsEquivalentTo(new[] { "https://viewer.example:8443", "http://proxy.example:80" });
    }

    [Test]
    public async Task Https_needs_a_certificate_and_key_and_they_need_an_https_address()
    {
        var file = Path.GetTempFileName();
        try
        {
            var noCert = ParseError(["--urls", "https://0.0.0.0:8443"]);
            await Assert.That(noCert).Contains("VISIONFLOW_URLS has an https:// address but no certificate");
            await Assert.That(noCert).Contains("VISIONFLOW_TLS_CERT");

            await Assert.That(ParseError(["--urls", "https://0.0.0.0:8443", "--tls-cert", file])).Contains("go together");
            await Assert.That(ParseError(["--tls-cert", file, "--tls-key", file])).Contains("no VISIONFLOW_URLS address is https://");

            var ok = Parse(["--urls", "https://0.0.0.0:8443;http://127.0.0.1:8080", "--tls-cert", file, "--tls-key", file]).Options;
            await Assert.That(ok.TlsCertificatePath).IsEqualTo(Path.GetFullPath(file));
            await Assert.That(ok.TlsKeyPath).IsEqualTo(Path.GetFullPath(file));

            // The healthcheck command only probes: it runs with the service's environment, which it need not validate.
            await Assert.That(Parse(["healthcheck", "--urls", "https://127.0.0.1:8443"]).Command).IsEqualTo(CliCommand.HealthCheck);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public async Task Journald_output_gets_the_systemd_format_unless_a_format_is_chosen()
    {
        await Assert.That(Parse([], Env(("JOURNAL_STREAM", "8:12345"))).Options.LogFormat).IsEqualTo(LogFormat.Systemd);
        await Assert.That(Parse(["--log-format", "text"], Env(("JOURNAL_STREAM", "8:12345"))).Options.LogFormat).IsEqualTo(LogFormat.Text);
        await Assert.That(Parse([], Env(("JOURNAL_STREAM", "8:12345"), ("VISIONFLOW_LOG_FORMAT", "json"))).Options.LogFormat).IsEqualTo(LogFormat.Json);
        await Assert.That(Parse([]).Options.LogFormat).IsEqualTo(LogFormat.Text);
        await Assert.That(Parse(["--log-format", "systemd"]).Options.LogFormat).IsEqualTo(LogFormat.Systemd);
    }

    [Test]
    public async Task Simulator_is_a_switch_that_never_swallows_the_next_option()
    {
        var o = Parse(["--simulator", "--port", "0"]).Options;
        await Assert.That(o.Simulator).IsTrue();
        await Assert.That(o.Urls).IsEquivalentTo(new[] { "http://127.0.0.1:0" });
        await Assert.That(o.SimulatorAgents).IsEqualTo(12);
        await Assert.That(Parse(["--simulator=false"], Env(("VISIONFLOW_SIMULATOR", "true"))).Options.Simulator).IsFalse();
        await Assert.That(Parse([], Env(("VISIONFLOW_SIMULATOR", "yes"), ("VISIONFLOW_SIMULATOR_AGENTS", "1000"))).Options.SimulatorAgents).IsEqualTo(1000);
        await Assert.That(ParseError(["--simulator=maybe"])).Contains("VISIONFLOW_SIMULATOR");
        await Assert.That(ParseError(["--simulator"], Env(("ENABLE_MCP", "false")))).Contains("ENABLE_MCP=false");
    }

    [Test]
    public async Task Every_simulate_option_in_its_help_table_is_accepted()
    {
        foreach (var option in Cli.SimulateCommand.Options.Where(o => o.Flag != "--help"))
        {
            var value = option.Flag switch { "--bind" => "127.0.0.1", "--rate-hz" => "20", "--token" => "t", _ => "3" };
            string[] args = option.Value is null ? [option.Flag] : [option.Flag, value];
            var ok = Cli.SimulateCommand.TryParse(args, out _, out var help, out var error);
            await Assert.That(ok).IsTrue().Because($"{option.Flag}: {error}");
            await Assert.That(help).IsFalse();
        }

        await Assert.That(Cli.SimulateCommand.TryParse(["--rate-hz", "5"], out _, out _, out var tooSlow)).IsFalse();
        await Assert.That(tooSlow).IsEqualTo("invalid value '5' for --rate-hz: expected telemetry frames per second, 10-1000");
        await Assert.That(Cli.SimulateCommand.TryParse(["--frobnicate"], out _, out _, out var unknown)).IsFalse();
        await Assert.That(unknown).Contains("unknown option '--frobnicate'");
    }
}
