using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using VisionFlow.Testing;

namespace VisionFlow.EndToEnd.Tests;

/// <summary>
/// The binary under a service manager: sd_notify on the socket it is given (READY=1 once it serves, STOPPING=1,
/// watchdog pings), journald-style lines when its output is the journal, and the shipped unit file as systemd reads it.
/// </summary>
public sealed partial class SystemdTests
{
    [Test]
    public async Task Sends_ready_once_it_serves_then_watchdog_pings_and_stopping_on_sigterm()
    {
        await using var manager = NotifySocket.Create();
        await using var run = BinaryProcess.Start(["--port", "0"], new Dictionary<string, string>
        {
            ["ENABLE_MCP"] = "false",
            ["NOTIFY_SOCKET"] = manager.Path,
            ["WATCHDOG_USEC"] = "400000",
        });

        var ready = await manager.WaitForAsync(m => m.StartsWith("READY=1", StringComparison.Ordinal), run);
        // READY carries where it serves, and it must already answer there: systemd starts dependants on READY.
        var address = StatusAddress().Match(ready);
        await Assert.That(address.Success).IsTrue();
        using var http = new HttpClient { BaseAddress = new Uri(address.Groups[1].Value) };
        using var health = await http.GetAsync("/api/health");
        await Assert.That(health.StatusCode).IsEqualTo(HttpStatusCode.OK);
        // ...and be ready: the listener opens before the runtime (physics and its device probe) has started, READY=1 after.
        using var readiness = await http.GetAsync("/api/health/ready");
        await Assert.That(readiness.StatusCode).IsEqualTo(HttpStatusCode.OK);

        // WatchdogSec=0.4 s: pinged at half of it, so two pings come well inside a second of running.
        await manager.WaitForAsync(m => m == "WATCHDOG=1", run);
        var pings = manager.Received.Count(m => m == "WATCHDOG=1");
        await manager.WaitForAsync(_ => manager.Received.Count(m => m == "WATCHDOG=1") > pings, run);

        run.Terminate();
        await manager.WaitForAsync(m => m.StartsWith("STOPPING=1", StringComparison.Ordinal), run);
        await Assert.That(await run.WaitForExitAsync(TimeSpan.FromSeconds(10))).IsEqualTo(0);
        var order = manager.Received.Where(m => !m.StartsWith("WATCHDOG", StringComparison.Ordinal)).Select(m => m.Split('\n')[0]).ToList();
        await Assert.That(order).IsEquivalentTo(new[] { "READY=1", "STOPPING=1" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task Without_notify_socket_nothing_is_sent_and_a_watchdog_for_another_pid_is_ignored()
    {
        // A watchdog addressed to another process (systemd's WATCHDOG_PID) must not make this one ping.
        await using var manager = NotifySocket.Create();
        await using var run = BinaryProcess.Start(["--port", "0"], new Dictionary<string, string>
        {
            ["ENABLE_MCP"] = "false",
            ["NOTIFY_SOCKET"] = manager.Path,
            ["WATCHDOG_USEC"] = "100000",
            ["WATCHDOG_PID"] = "1",
        });
        await manager.WaitForAsync(m => m.StartsWith("READY=1", StringComparison.Ordinal), run);
        run.Terminate();
        await manager.WaitForAsync(m => m.StartsWith("STOPPING=1", StringComparison.Ordinal), run);
        await run.WaitForExitAsync(TimeSpan.FromSeconds(10));
        await Assert.That(manager.Received.Count(m => m == "WATCHDOG=1")).IsEqualTo(0);
    }

    [Test]
    public async Task Output_to_the_journal_has_priority_prefixes_and_no_timestamps()
    {
        await using var run = BinaryProcess.Start(["--port", "0"], new Dictionary<string, string>
        {
            ["ENABLE_MCP"] = "false",
            ["JOURNAL_STREAM"] = "8:424242",
        });
        await run.WaitForListeningAsync(TimeSpan.FromSeconds(20));
        run.Terminate();
        await run.WaitForExitAsync(TimeSpan.FromSeconds(10));
        var listening = run.Stdout.Single(l => l.Contains("VisionFlow[1]", StringComparison.Ordinal));
        // <6> is syslog "informational"; journald strips it and files the entry under that priority.
        await Assert.That(listening).StartsWith("<6>VisionFlow[1] VisionFlow ");
        foreach (var line in run.Stdout)
        {
            await Assert.That(SyslogPrefix().IsMatch(line)).IsTrue();
            await Assert.That(Timestamp().IsMatch(line)).IsFalse();
        }
    }

    [Test]
    public async Task The_unit_file_passes_systemd_analyze_verify_and_its_security_review()
    {
        if (!File.Exists("/usr/bin/systemd-analyze") && !File.Exists("/bin/systemd-analyze"))
        {
            Skip.Test("systemd-analyze is not installed here (Debian package systemd); the unit file was not checked");
        }

        var unit = Path.Combine(Repository.Root, "deploy", "systemd", "visionflow.service");
        // verify insists that ExecStart= names an executable; check the shipped unit against the published binary.
        var folder = Directory.CreateTempSubdirectory("vf-unit-").FullName;
        try
        {
            var text = await File.ReadAllTextAsync(unit);
            await Assert.That(text).Contains("ExecStart=/usr/local/bin/visionflow");
            var copy = Path.Combine(folder, "visionflow.service");
            await File.WriteAllTextAsync(copy, text.Replace("ExecStart=/usr/local/bin/visionflow", "ExecStart=" + PublishedBinary.Path, StringComparison.Ordinal));

            var (verify, verifyOutput) = await RunAsync("systemd-analyze", "verify", copy);
            await Assert.That(verify).IsEqualTo(0).Because(verifyOutput);
            await Assert.That(verifyOutput.Trim()).IsEmpty().Because("systemd-analyze verify warns about nothing");

            // systemd's own exposure score: 0 is locked down, 10 is unprotected; "OK" ends below 2.0 (at most 1.9).
            var (security, securityOutput) = await RunAsync("systemd-analyze", "security", "--offline=true", "--threshold=19", copy);
            await Assert.That(security).IsEqualTo(0).Because(securityOutput);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public async Task The_unit_is_notify_typed_hardened_and_reaches_the_gpu()
    {
        var unit = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "deploy", "systemd", "visionflow.service"));
        var lines = unit.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && l[0] != '#').ToList();
        foreach (var required in new[]
        {
            "Type=notify", "DynamicUser=yes", "ProtectSystem=strict", "NoNewPrivileges=yes", "PrivateTmp=yes", "ProtectHome=yes",
            "DevicePolicy=closed", "DeviceAllow=char-drm rw", "DeviceAllow=char-nvidia-frontend rw", "DeviceAllow=char-nvidia-uvm rw",
            "EnvironmentFile=-/etc/visionflow/visionflow.env", "Restart=on-failure",
            "StateDirectory=visionflow", // history's default folder, $STATE_DIRECTORY, the one writable place
        })
        {
            await Assert.That(lines).Contains(required);
        }

        // The stop bound of the service must leave room for its own graceful stop (VISIONFLOW_SHUTDOWN_TIMEOUT, 5 s).
        var stop = lines.Single(l => l.StartsWith("TimeoutStopSec=", StringComparison.Ordinal));
        await Assert.That(int.Parse(stop["TimeoutStopSec=".Length..].TrimEnd('s'), System.Globalization.CultureInfo.InvariantCulture)).IsGreaterThan(5);

        var sample = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "deploy", "systemd", "visionflow.env"));
        await Assert.That(sample).Contains("VISIONFLOW_URLS=");
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, params string[] args)
    {
        var (code, output, error) = await Command.RunAsync(file, args);
        return (code, output + error);
    }

    [GeneratedRegex(@"STATUS=serving on (https?://[^,\s]+)")]
    private static partial Regex StatusAddress();

    [GeneratedRegex(@"^<[0-7]>")]
    private static partial Regex SyslogPrefix();

    [GeneratedRegex(@"\d\d:\d\d:\d\d")]
    private static partial Regex Timestamp();

    /// <summary>A unix datagram socket standing in for systemd's notification socket.</summary>
    private sealed class NotifySocket : IAsyncDisposable
    {
        private readonly Socket _socket;
        private readonly List<string> _received = [];
        private readonly Task _loop;
        private readonly CancellationTokenSource _stop = new();

        private NotifySocket(string path)
        {
            Path = path;
            _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            _socket.Bind(new UnixDomainSocketEndPoint(path));
            _loop = Task.Run(ReceiveLoopAsync);
        }

        public string Path { get; }

        public IReadOnlyList<string> Received { get { lock (_received) { return [.. _received]; } } }

        // sun_path holds 108 bytes: keep the path short.
        public static NotifySocket Create() => new(System.IO.Path.Combine("/tmp", $"vf-notify-{Guid.NewGuid():N}"[..22] + ".sock"));

        public async Task<string> WaitForAsync(Func<string, bool> match, BinaryProcess run)
        {
            return await VisionFlow.Testing.Eventually.FindAsync(
                () => Received.FirstOrDefault(match),
                "a matching notification",
                TimeSpan.FromSeconds(20),
                pollMilliseconds: 10,
                seen: () => $"received: [{string.Join(" | ", Received)}]; stdout: {string.Join(" | ", run.Stdout)}; stderr: {string.Join(" | ", run.Stderr)}");
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _socket.Dispose();
            try
            {
                await _loop;
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // Closed under the loop.
            }

            File.Delete(Path);
            _stop.Dispose();
        }

        private async Task ReceiveLoopAsync()
        {
            var buffer = new byte[4096];
            while (!_stop.IsCancellationRequested)
            {
                var n = await _socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                lock (_received)
                {
                    _received.Add(Encoding.UTF8.GetString(buffer, 0, n));
                }
            }
        }
    }
}
