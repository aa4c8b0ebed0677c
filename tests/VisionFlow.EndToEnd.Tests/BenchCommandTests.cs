using System.Diagnostics;

namespace VisionFlow.EndToEnd.Tests;

/// <summary>
/// <c>./build.sh bench</c> with no suite, an unknown one or options that select nothing prints the list and exits:
/// it never opens BenchmarkDotNet's interactive picker, which waits for keyboard input (in CI, forever).
/// </summary>
public sealed class BenchCommandTests
{
    [Test]
    [Arguments("", 0, "")]
    [Arguments("nosuch", 2, "unknown benchmark suite 'nosuch'")]
    [Arguments("--job short", 2, "no suite selected")]
    public async Task Without_a_known_suite_the_list_is_printed_and_nothing_waits_for_input(string arguments, int exitCode, string error)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(BenchAssembly());
        foreach (var a in arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        // An open, silent keyboard: the old picker blocked here until the deadline.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bench '{arguments}' was still running after 60 s (waiting for input?); stdout: {await stdout}");
        }

        var all = await stdout + await stderr;
        await Assert.That(process.ExitCode).IsEqualTo(exitCode);
        await Assert.That(all).Contains(error);
        foreach (var suite in new[] { "startup [N]", "load [s] [agents]", "FrameEncodingBenchmarks", "PhysicsStepBenchmarks" })
        {
            await Assert.That(all).Contains(suite);
        }
    }

    private static string BenchAssembly()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "VisionFlow.Aot.sln")))
            {
                var dll = Path.Combine(dir.FullName, "bench", "VisionFlow.Bench", "bin", "Release", "net10.0", "VisionFlow.Bench.dll");
                return File.Exists(dll) ? dll : throw new FileNotFoundException($"{dll} is missing: build the solution in Release first (./build.sh test does)");
            }
        }

        throw new DirectoryNotFoundException("cannot find the repository root (VisionFlow.Aot.sln) above " + AppContext.BaseDirectory);
    }
}
