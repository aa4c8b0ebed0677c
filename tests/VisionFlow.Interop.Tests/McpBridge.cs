using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using TUnit.Core.Interfaces;
using VisionFlow.Protocol.Dialects;
using VisionFlow.Protocol.Engine;

namespace VisionFlow.Interop.Tests;

/// <summary>
/// One real MCP server behind a socat bridge on 127.0.0.1, started with tests/interop/mcp-servers.sh, and one
/// JSON-RPC connection to it (each new connection costs the server a cold start, so tests share it).
/// Fails loudly when the servers are not installed: `./build.sh setup` installs them.
/// </summary>
public abstract class McpBridge(string startCommand) : IAsyncInitializer, IAsyncDisposable
{
    private string? _bridgePid;

    public JsonRpcConnection Connection { get; private set; } = null!;

    public ServerProfile Profile { get; private set; } = null!;

    public ISwarmClient Client => Profile.CreateClient(Connection);

    public int Port { get; private set; }

    public async Task InitializeAsync()
    {
        Port = FreePort();
        var (code, output, error) = await RunScriptAsync(startCommand, Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (code != 0)
        {
            throw new InvalidOperationException($"mcp-servers.sh {startCommand} failed ({code}): {error} — run ./build.sh setup to install the interop servers");
        }

        _bridgePid = output.Trim().Split('\n').Last().Trim();
        Connection = await JsonRpcConnection.ConnectAsync(new IPEndPoint(IPAddress.Loopback, Port));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Profile = await ServerProfile.DetectAsync(Connection, "interop-test", cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (Connection is not null)
        {
            await Connection.DisposeAsync();
        }

        if (_bridgePid is not null)
        {
            await RunScriptAsync("stop", _bridgePid);
        }

        GC.SuppressFinalize(this);
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static async Task<(int Code, string Output, string Error)> RunScriptAsync(params string[] args)
    {
        var script = Path.Combine(RepositoryRoot(), "tests", "interop", "mcp-servers.sh");
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(script);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(cts.Token);
        return (p.ExitCode, await stdout, await stderr);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "VisionFlow.Aot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("repository root not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>npm claude-flow (pinned) over the bridge.</summary>
public sealed class ClaudeFlowBridge() : McpBridge("start-claude-flow");

/// <summary>npm @modelcontextprotocol/server-everything (pinned) over the bridge.</summary>
public sealed class EverythingBridge() : McpBridge("start-everything");
