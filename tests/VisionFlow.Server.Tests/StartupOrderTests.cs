using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using VisionFlow.Server.Configuration;
using VisionFlow.Server.Health;
using VisionFlow.Server.Hosting;
using VisionFlow.Testing;
using VisionFlow.Server.Runtime;

namespace VisionFlow.Server.Tests;

/// <summary>
/// Start-up order: nothing of the runtime (MCP link, intake, knowledge graph, physics and its device probe) is built
/// before the listener; until it has started, <c>/api/health</c> says so truthfully ("starting", not "down" or "up"),
/// readiness waits, and systemd's READY=1 waits with it. The runtime is started by hand here (the host would start it
/// from ApplicationStarted), so each state is seen for certain rather than raced.
/// </summary>
public sealed class StartupOrderTests
{
    // History off: these tests read the overall status, and a default history folder shared with another run (its lock
    // held) would rightly say "degraded".
    private static readonly ServerOptions Options = new() { EnableMcp = false, PhysicsBackend = "cpu", Urls = ["http://127.0.0.1:0"], History = false };

    [Test]
    public async Task Health_says_starting_until_the_runtime_has_started_then_reports_it()
    {
        await using var app = ServerHost.Build(Options);
        var runtime = app.Services.GetRequiredService<RuntimeStart>();
        var health = app.Services.GetRequiredService<HealthService>();

        var before = health.Report();
        var states = before.Subsystems.ToDictionary(s => s.Name, s => s.State);
        await Assert.That(states["http"]).IsEqualTo(SubsystemState.Up);
        await Assert.That(states["physics"]).IsEqualTo(SubsystemState.Starting);
        await Assert.That(states["knowledge_graph"]).IsEqualTo(SubsystemState.Starting);
        // The history folder is opened with the runtime, after the listener; a probe never opens it (reading every
        // segment's index took 10 % of the main thread's start-up when the host opened it before listening).
        await Assert.That(states["history"]).IsEqualTo(SubsystemState.Starting);
        // Switched off is known without building anything.
        await Assert.That(states["mcp"]).IsEqualTo(SubsystemState.Disabled);
        await Assert.That(before.Status).IsEqualTo("starting");
        // Asking did not build the runtime: the first answer costs none of it.
        await Assert.That(runtime.Graph).IsNull();
        await Assert.That(runtime.Mcp).IsNull();
        await Assert.That(runtime.History).IsNull();
        var (ready, report) = health.Readiness();
        await Assert.That(ready).IsFalse();
        await Assert.That(report.Reason).StartsWith("physics is starting");

        runtime.Run();

        // Physics runs once the runtime has started; the knowledge graph once its first build is out (the graph's loop).
        var started = health.Report().Subsystems.ToDictionary(s => s.Name, s => s.State);
        await Assert.That(started["physics"]).IsEqualTo(SubsystemState.Up);
        await Assert.That(started["history"]).IsEqualTo(SubsystemState.Disabled);
        await Assert.That(started["knowledge_graph"] is SubsystemState.Starting or SubsystemState.Up).IsTrue();
        var after = await Eventually.FindAsync(
            () => Task.FromResult(health.Report() is var r && r.Status != "starting" ? r : null),
            "the first build",
            TimeSpan.FromSeconds(30));
        states = after.Subsystems.ToDictionary(s => s.Name, s => s.State);
        await Assert.That(states["physics"]).IsEqualTo(SubsystemState.Up);
        await Assert.That(states["knowledge_graph"]).IsEqualTo(SubsystemState.Up);
        await Assert.That(states["mcp"]).IsEqualTo(SubsystemState.Disabled);
        await Assert.That(after.Status).IsEqualTo("ok");
        await Assert.That(health.Readiness().Ready).IsTrue();
    }

    [Test]
    public async Task The_history_folder_is_opened_by_the_runtime_start_not_by_building_the_host_or_a_health_probe()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"vf-startup-history-{Guid.NewGuid():N}");
        try
        {
            await using var app = ServerHost.Build(Options with { History = true, HistoryFolder = folder });
            var runtime = app.Services.GetRequiredService<RuntimeStart>();
            var health = app.Services.GetRequiredService<HealthService>();

            var before = health.Report().Subsystems.Single(s => s.Name == "history");
            await Assert.That(before.State).IsEqualTo(SubsystemState.Starting);
            await Assert.That(Directory.Exists(folder)).IsFalse();

            runtime.Run();

            var after = health.Report().Subsystems.Single(s => s.Name == "history");
            await Assert.That(after.State).IsEqualTo(SubsystemState.Up);
            await Assert.That(after.Detail).IsEqualTo($"recording to {folder}");
            await Assert.That(Directory.Exists(folder)).IsTrue();
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    [Test]
    public async Task With_mcp_enabled_its_probes_say_starting_not_down_before_the_link_exists()
    {
        await using var app = ServerHost.Build(Options with { EnableMcp = true });
        var report = app.Services.GetRequiredService<HealthService>().Report();
        var states = report.Subsystems.ToDictionary(s => s.Name, s => s.State);
        await Assert.That(states["mcp"]).IsEqualTo(SubsystemState.Starting);
        await Assert.That(states["telemetry"]).IsEqualTo(SubsystemState.Starting);
        await Assert.That(app.Services.GetRequiredService<RuntimeStart>().Mcp).IsNull();
    }

    [Test]
    public async Task Systemd_ready_is_sent_only_once_the_runtime_has_started()
    {
        var path = Path.Combine(Path.GetTempPath(), $"vf-r-{Guid.NewGuid():N}"[..20] + ".sock");
        try
        {
            using var manager = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            manager.Bind(new UnixDomainSocketEndPoint(path));
            await using var app = ServerHost.Build(Options);
            var runtime = app.Services.GetRequiredService<RuntimeStart>();
            var notifier = SystemdNotifier.FromEnvironment(k => k == "NOTIFY_SOCKET" ? path : null)!;
            var lifetime = new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance);
            using var service = new SystemdService(notifier, null, app.Services.GetRequiredService<IServer>(), lifetime, runtime, TimeProvider.System);
            await service.StartAsync(CancellationToken.None);

            // Listening (ApplicationStarted) is not ready: a mark sent after it must arrive before any READY=1.
            lifetime.NotifyStarted();
            notifier.Notify("MARK=1");
            runtime.Run();

            await Assert.That(await ReceiveAsync(manager)).IsEqualTo("MARK=1");
            await Assert.That(await ReceiveAsync(manager)).StartsWith("READY=1\nSTATUS=serving on");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public async Task Without_the_runtime_the_probes_report_what_exists_as_before()
    {
        // runtime: false (the HTTP surface alone): nothing will start it, so "starting" would be untrue.
        await using var app = ServerHost.Build(Options, runtime: false);
        var report = app.Services.GetRequiredService<HealthService>().Report();
        var physics = report.Subsystems.Single(s => s.Name == "physics");
        await Assert.That(physics.State).IsEqualTo(SubsystemState.Down);
        await Assert.That(report.Status).IsEqualTo("degraded");
    }

    private static async Task<string> ReceiveAsync(Socket socket)
    {
        var buffer = new byte[512];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }
}
