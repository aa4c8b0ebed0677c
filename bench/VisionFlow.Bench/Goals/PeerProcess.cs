using System.Diagnostics;
using System.Globalization;
using System.Net;
using VisionFlow.Testing;
using VisionFlow.Testing.Hosting;

namespace VisionFlow.Bench.Goals;

/// <summary>
/// The round-trip peers (the swarm simulator and a line echo) in a child process of this same bench assembly, so the
/// memory diagnoser counts only the client's allocations and the server's GC never pauses the client being measured.
/// </summary>
internal sealed class PeerProcess : IAsyncDisposable
{
    private const string Marker = "peers ";
    private readonly Process _process;

    private PeerProcess(Process process, IPEndPoint simulator, IPEndPoint echo)
    {
        _process = process;
        Simulator = simulator;
        Echo = echo;
    }

    public IPEndPoint Simulator { get; }

    public IPEndPoint Echo { get; }

    public static async Task<PeerProcess> StartAsync()
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        psi.ArgumentList.Add(typeof(PeerProcess).Assembly.Location);
        psi.ArgumentList.Add("serve-peers");
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start the peer process");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith(Marker, StringComparison.Ordinal))
            {
                var parts = line[Marker.Length..].Split(' ');
                return new PeerProcess(
                    process,
                    new IPEndPoint(IPAddress.Loopback, int.Parse(parts[0], CultureInfo.InvariantCulture)),
                    new IPEndPoint(IPAddress.Loopback, int.Parse(parts[1], CultureInfo.InvariantCulture)));
            }
        }

        process.Kill();
        throw new InvalidOperationException("the peer process exited before printing its ports");
    }

    /// <summary>The child's side: serves until its stdin closes (the parent went away or disposed it).</summary>
    public static async Task<int> ServeAsync()
    {
        await using var simulator = SimulatedSwarm.Start();
        await using var echo = new EchoServer();
        Console.WriteLine($"{Marker}{simulator.Port} {echo.EndPoint.Port}");
        await Console.In.ReadToEndAsync();
        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
