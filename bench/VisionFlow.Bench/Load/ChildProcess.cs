using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace VisionFlow.Bench.Load;

/// <summary>The published binary started as a child process (service or simulator), with its listening address parsed from stdout.</summary>
internal sealed partial class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<string> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Queue<string> _tail = new();
    private readonly Regex _pattern;

    private ChildProcess(Process process, Regex pattern)
    {
        _process = process;
        _pattern = pattern;
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.HasExited ? _process.ExitCode : int.MinValue;

    /// <summary>The port from the "listening on" line.</summary>
    public int Port { get; private set; }

    public string Tail
    {
        get
        {
            lock (_tail)
            {
                return string.Join('\n', _tail);
            }
        }
    }

    public static string Binary => Environment.GetEnvironmentVariable("VISIONFLOW_BINARY")
        ?? throw new InvalidOperationException("VISIONFLOW_BINARY must point at the published binary (./build.sh bench sets it)");

    /// <param name="binary">Another build to run (a baseline); <see cref="Binary"/> when null.</param>
    public static Task<ChildProcess> StartSimulatorAsync(int port, int agents, string? binary = null) =>
        StartAsync(["simulate", "--port", port.ToString(CultureInfo.InvariantCulture), "--agents", agents.ToString(CultureInfo.InvariantCulture)],
            new Dictionary<string, string>(), SimulatorLine(), binary);

    /// <param name="binary">Another build to run (a baseline); <see cref="Binary"/> when null.</param>
    public static Task<ChildProcess> StartServiceAsync(int mcpPort, IReadOnlyDictionary<string, string> extraEnv, string? binary = null)
    {
        var env = new Dictionary<string, string>
        {
            ["CLAUDE_FLOW_HOST"] = "127.0.0.1",
            ["MCP_TCP_PORT"] = mcpPort.ToString(CultureInfo.InvariantCulture),
            ["VISIONFLOW_RATE_LIMIT"] = "0",
            ["VISIONFLOW_LOG_LEVEL"] = "warning",
        };
        foreach (var (k, v) in extraEnv)
        {
            env[k] = v;
        }

        // The "listening on" line is logged at Information; keep the level there for it but quiet the rest is not
        // possible per category from the environment, so log at information and keep only a tail.
        env["VISIONFLOW_LOG_LEVEL"] = "information";
        return StartAsync(["--port", "0", "--physics-backend", "cpu"], env, ServiceLine(), binary);
    }

    /// <summary>The service with its built-in simulator in-process (<c>--simulator</c>) holding <paramref name="agents"/> agents.</summary>
    /// <param name="binary">Another build to run (a baseline); <see cref="Binary"/> when null.</param>
    public static Task<ChildProcess> StartServiceWithSimulatorAsync(int agents, string? binary = null)
    {
        var n = agents.ToString(CultureInfo.InvariantCulture);
        return StartAsync(
            ["--simulator", "--simulator-agents", n, "--mcp-max-agents", Math.Max(agents, 50).ToString(CultureInfo.InvariantCulture), "--port", "0", "--physics-backend", "cpu"],
            new Dictionary<string, string> { ["VISIONFLOW_RATE_LIMIT"] = "0", ["VISIONFLOW_LOG_LEVEL"] = "information" },
            ServiceLine(),
            binary);
    }

    /// <summary>The service starting the real Claude Flow as its own child over stdio (<c>--mcp-command</c>).</summary>
    public static Task<ChildProcess> StartServiceWithCommandAsync(string command) =>
        StartAsync(
            ["--mcp-command", command, "--port", "0", "--physics-backend", "cpu"],
            new Dictionary<string, string> { ["VISIONFLOW_RATE_LIMIT"] = "0", ["VISIONFLOW_LOG_LEVEL"] = "information", ["VISIONFLOW_HISTORY"] = "false" },
            ServiceLine());

    private static async Task<ChildProcess> StartAsync(string[] args, Dictionary<string, string> env, Regex pattern, string? binary = null)
    {
        var psi = new ProcessStartInfo(binary ?? Binary)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (k, v) in env)
        {
            psi.Environment[k] = v;
        }

        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var child = new ChildProcess(process, pattern);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data);
        process.Exited += (_, _) => child._listening.TrySetException(new InvalidOperationException($"{string.Join(' ', args)} exited before listening:\n{child.Tail}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var url = await child._listening.Task.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        child.Port = int.Parse(url, CultureInfo.InvariantCulture);
        return child;
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_tail)
        {
            _tail.Enqueue(line);
            if (_tail.Count > 40)
            {
                _tail.Dequeue();
            }
        }

        var m = _pattern.Match(line);
        if (m.Success)
        {
            _listening.TrySetResult(m.Groups[1].Value);
        }
    }

    /// <summary>SIGKILL, then wait for the exit.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync().ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"listening on http://127\.0\.0\.1:(\d+)")]
    private static partial Regex ServiceLine();

    [GeneratedRegex(@"listening on tcp://127\.0\.0\.1:(\d+)")]
    private static partial Regex SimulatorLine();
}
