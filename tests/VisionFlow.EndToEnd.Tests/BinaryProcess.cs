using System.Diagnostics;
using System.Text.RegularExpressions;

namespace VisionFlow.EndToEnd.Tests;

/// <summary>One run of the published binary with its output captured line by line.</summary>
internal sealed partial class BinaryProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private string? _stateHome;

    private BinaryProcess(Process process) => _process = process;

    public IReadOnlyList<string> Stdout { get { lock (_stdout) { return [.. _stdout]; } } }

    public IReadOnlyList<string> Stderr { get { lock (_stderr) { return [.. _stderr]; } } }

    public int Pid => _process.Id;

    public static BinaryProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null) =>
        Start(PublishedBinary.Path, args, env);

    /// <summary>Starts <paramref name="fileName"/>: another build of the binary, or an emulator given the binary as its first argument.</summary>
    public static BinaryProcess Start(string fileName, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        // A deterministic environment: nothing from the developer's shell leaks into what is tested.
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("MCP_", StringComparison.Ordinal) || k.StartsWith("VISIONFLOW_", StringComparison.Ordinal) || k.StartsWith("OTEL_", StringComparison.Ordinal) || k is "PORT" or "CLAUDE_FLOW_HOST" or "ENABLE_MCP").ToList())
        {
            psi.Environment.Remove(key);
        }

        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }

        // History's default folder is under the user's state directory: a run gets its own (deleted with it), unless the
        // test names one, so no run writes into the developer's home or shares a folder with another.
        string? stateHome = null;
        if (!psi.Environment.ContainsKey("VISIONFLOW_HISTORY_DIR") && env?.ContainsKey("XDG_STATE_HOME") != true && env?.ContainsKey("STATE_DIRECTORY") != true)
        {
            stateHome = Directory.CreateTempSubdirectory("vf-e2e-state-").FullName;
            psi.Environment.Remove("STATE_DIRECTORY");
            psi.Environment["XDG_STATE_HOME"] = stateHome;
        }

        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var run = new BinaryProcess(process) { _stateHome = stateHome };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (run._stdout)
            {
                run._stdout.Add(e.Data);
            }

            var m = ListeningLine().Match(e.Data);
            if (m.Success && Uri.TryCreate(m.Groups[1].Value, UriKind.Absolute, out var uri))
            {
                run._listening.TrySetResult(uri);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (run._stderr)
                {
                    run._stderr.Add(e.Data);
                }
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return run;
    }

    /// <summary>Runs to completion and returns the exit code.</summary>
    public static Task<(int ExitCode, IReadOnlyList<string> Stdout, IReadOnlyList<string> Stderr)> RunToEndAsync(
        IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null) =>
        RunToEndAsync(PublishedBinary.Path, args, TimeSpan.FromSeconds(30), env);

    /// <summary>Runs <paramref name="fileName"/> to completion within <paramref name="timeout"/> and returns the exit code.</summary>
    public static async Task<(int ExitCode, IReadOnlyList<string> Stdout, IReadOnlyList<string> Stderr)> RunToEndAsync(
        string fileName, IEnumerable<string> args, TimeSpan timeout, IReadOnlyDictionary<string, string>? env = null)
    {
        await using var run = Start(fileName, args, env);
        var code = await run.WaitForExitAsync(timeout);
        return (code, run.Stdout, run.Stderr);
    }

    /// <summary>Waits for the "listening on" log line and returns the bound address.</summary>
    public async Task<Uri> WaitForListeningAsync(TimeSpan timeout)
    {
        var exited = _process.WaitForExitAsync();
        var done = await Task.WhenAny(_listening.Task, exited, Task.Delay(timeout));
        if (done == _listening.Task)
        {
            return await _listening.Task;
        }

        throw new InvalidOperationException(
            (done == exited ? $"binary exited with {_process.ExitCode} before listening" : "binary did not report a listening address in time")
            + "; stdout: " + string.Join(" | ", Stdout) + "; stderr: " + string.Join(" | ", Stderr));
    }

    /// <summary>Waits for a stdout line matching <paramref name="pattern"/> and returns its first group.</summary>
    public async Task<string> WaitForLineAsync(Regex pattern, TimeSpan timeout)
    {
        var found = await VisionFlow.Testing.Eventually.FindAsync(
            () => Stdout.Select(l => pattern.Match(l)).FirstOrDefault(m => m.Success)
                ?? (_process.HasExited ? throw new InvalidOperationException($"the binary exited with {_process.ExitCode} before a line matching {pattern}; stdout: {string.Join(" | ", Stdout)}; stderr: {string.Join(" | ", Stderr)}") : null),
            $"a line matching {pattern}",
            timeout,
            pollMilliseconds: 20,
            seen: () => $"stdout: {string.Join(" | ", Stdout)}; stderr: {string.Join(" | ", Stderr)}");
        return found.Groups[1].Value;
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>kill -9: the process gets no chance to flush or close anything.</summary>
    public async Task KillHardAsync()
    {
        if (!_process.HasExited)
        {
            _ = Kill(_process.Id, 9);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>Sends SIGTERM, as a service manager or container runtime would.</summary>
    public void Terminate()
    {
        if (!_process.HasExited)
        {
            _ = Kill(_process.Id, 15);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        if (_stateHome is not null)
        {
            try
            {
                Directory.Delete(_stateHome, recursive: true);
            }
            catch (IOException)
            {
                // Left for the OS's temp cleaning.
            }
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    [GeneratedRegex(@"listening on (https?://[\w.\-\[\]:]+:\d+)")]
    private static partial Regex ListeningLine();
}
