using System.Diagnostics;

namespace VisionFlow.Testing;

/// <summary>Runs a program to its end (at most a minute) and returns its exit code and what it wrote.</summary>
public static class Command
{
    /// <summary>Runs <paramref name="file"/> with <paramref name="args"/>, each passed as one argument, no shell between.</summary>
    public static async Task<(int Code, string Output, string Error)> RunAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        return (process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }
}
