namespace VisionFlow.EndToEnd.Tests;

/// <summary>The published binary's command-line contract: help, version, and one-line validation errors with exit code 2.</summary>
public sealed class CommandLineTests
{
    [Test]
    public async Task Version_prints_name_and_version()
    {
        var (code, stdout, stderr) = await BinaryProcess.RunToEndAsync(["--version"]);
        await Assert.That(code).IsEqualTo(0);
        await Assert.That(stdout.Single()).StartsWith("visionflow 0.1.0");
        await Assert.That(stderr).IsEmpty();
    }

    [Test]
    public async Task Help_lists_every_environment_variable()
    {
        var (code, stdout, _) = await BinaryProcess.RunToEndAsync(["--help"]);
        await Assert.That(code).IsEqualTo(0);
        var text = string.Join('\n', stdout);
        foreach (var name in new[] { "CLAUDE_FLOW_HOST", "MCP_TCP_PORT", "ENABLE_MCP", "MCP_RECONNECT_ATTEMPTS", "MCP_RECONNECT_DELAY", "MCP_CONNECTION_TIMEOUT", "MCP_MAX_AGENTS", "PORT", "VISIONFLOW_URLS", "VISIONFLOW_LOG_FORMAT" })
        {
            await Assert.That(text).Contains(name);
        }
    }

    [Test]
    [Arguments("--port", "abc", "PORT")]
    [Arguments("--mcp-port", "99999", "MCP_TCP_PORT")]
    [Arguments("--enable-mcp", "perhaps", "ENABLE_MCP")]
    [Arguments("--urls", "ftp://x:1", "VISIONFLOW_URLS")]
    public async Task Invalid_flag_is_one_line_and_exit_code_2(string flag, string value, string variable)
    {
        var (code, stdout, stderr) = await BinaryProcess.RunToEndAsync([flag, value]);
        await Assert.That(code).IsEqualTo(2);
        await Assert.That(stdout).IsEmpty();
        await Assert.That(stderr.Count).IsEqualTo(1);
        await Assert.That(stderr[0]).Contains(flag);
        await Assert.That(stderr[0]).Contains(variable);
        await Assert.That(stderr[0]).DoesNotContain(" at ");
    }

    [Test]
    [Arguments("MCP_MAX_AGENTS", "-5")]
    [Arguments("MCP_RECONNECT_DELAY", "soon")]
    [Arguments("MCP_CONNECTION_TIMEOUT", "0")]
    [Arguments("VISIONFLOW_LOG_LEVEL", "loud")]
    public async Task Invalid_environment_is_one_line_and_exit_code_2(string variable, string value)
    {
        var (code, _, stderr) = await BinaryProcess.RunToEndAsync([], new Dictionary<string, string> { [variable] = value });
        await Assert.That(code).IsEqualTo(2);
        await Assert.That(stderr.Count).IsEqualTo(1);
        await Assert.That(stderr[0]).StartsWith($"visionflow: invalid value '{value}' for environment variable {variable}: expected ");
    }

    [Test]
    public async Task Unknown_option_is_exit_code_2()
    {
        var (code, _, stderr) = await BinaryProcess.RunToEndAsync(["--frobnicate"]);
        await Assert.That(code).IsEqualTo(2);
        await Assert.That(stderr.Single()).Contains("unknown option '--frobnicate'");
    }
}
