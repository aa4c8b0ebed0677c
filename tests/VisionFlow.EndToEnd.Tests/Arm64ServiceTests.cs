using System.Buffers.Binary;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using static VisionFlow.Testing.JsonPolling;

namespace VisionFlow.EndToEnd.Tests;

/// <summary>
/// The published linux-arm64 binary, under emulation on an x64 machine: the same answers as the x64 one for
/// <c>--version</c> and <c>--help</c>; then one emulated service with its built-in simulator serves health with the SIMD
/// CPU physics path, the simulated agents, a REST spawn and a complete <c>/ws</c> frame, and stops on SIGTERM with 1001
/// and exit 0. One service for the whole class keeps the emulated start-ups (seconds of CPU each) to two short runs and
/// one start.
/// </summary>
[NotInParallel("arm64-emulation")]
[ClassDataSource<EmulatedService>(Shared = SharedType.PerClass)]
public sealed class Arm64ServiceTests(EmulatedService service)
{
    [Test]
    public async Task The_binary_is_an_aarch64_executable_under_22_MB()
    {
        var path = Arm64Target.Server();
        var header = new byte[20];
        await using (var file = File.OpenRead(path))
        {
            await file.ReadExactlyAsync(header);
        }

        await Assert.That(header.AsSpan(0, 4).SequenceEqual("\x7F"u8.ToArray().Concat("ELF"u8.ToArray()).ToArray())).IsTrue();
        await Assert.That(BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(18))).IsEqualTo((ushort)183).Because("e_machine 183 is EM_AARCH64");
        await Assert.That(new FileInfo(path).Length).IsLessThan(22_000_000L);
    }

    [Test]
    public async Task Version_and_help_say_what_the_x64_binary_says()
    {
        foreach (var flag in new[] { "--version", "--help" })
        {
            var (file, args) = Arm64Target.Launch(Arm64Target.Server(), [flag]);
            var (code, stdout, stderr) = await BinaryProcess.RunToEndAsync(file, args, Arm64Target.Patience);
            var (x64Code, x64Stdout, _) = await BinaryProcess.RunToEndAsync([flag]);
            await Assert.That(code).IsEqualTo(0).Because($"{flag} under emulation; stderr: {string.Join(" | ", stderr)}");
            await Assert.That(x64Code).IsEqualTo(0);
            await Assert.That(stdout.Count).IsGreaterThan(0);
            await Assert.That(stdout).IsEquivalentTo(x64Stdout, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        }
    }

    [Test]
    public async Task Serves_health_with_the_simd_cpu_physics_path()
    {
        var http = await service.ClientAsync();
        var health = await WaitForJsonAsync(http, "/api/health",
            r => r.GetProperty("subsystems").EnumerateArray().Any(s => s.GetProperty("name").GetString() == "physics" && s.GetProperty("state").GetString() == "up"),
            "physics up", Arm64Target.Patience);
        await Assert.That(health.GetProperty("service").GetString()).IsEqualTo("visionflow");
        var physics = health.GetProperty("subsystems").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "physics").GetProperty("detail").GetString()!;
        // "SIMD" is the vectorised path on a machine without AVX2: NEON (AdvSimd) here. "scalar" would mean it was lost.
        await Assert.That(physics).Contains("backend=cpu");
        await Assert.That(physics).Contains("(SIMD)");
    }

    [Test]
    public async Task Runs_the_simulator_and_spawns_an_agent_over_rest()
    {
        var http = await service.ClientAsync();
        var agents = await WaitForJsonAsync(http, "/api/bots/agents", r => r.GetProperty("count").GetInt32() >= EmulatedService.Agents, "the simulated agents", Arm64Target.Patience);
        await Assert.That(agents.GetProperty("source").GetString()).IsEqualTo("simulator");
        await Assert.That(agents.GetProperty("simulated").GetBoolean()).IsTrue();
        var before = agents.GetProperty("agents").EnumerateArray().Select(a => a.GetProperty("id").GetString()).ToHashSet();

        using var spawn = await http.PostAsync("/api/bots/agents", new StringContent("{\"type\":\"tester\"}", Encoding.UTF8, "application/json"));
        await Assert.That(spawn.StatusCode).IsEqualTo(HttpStatusCode.Created);
        using var created = JsonDocument.Parse(await spawn.Content.ReadAsStringAsync());
        var id = created.RootElement.GetProperty("id").GetString();
        await Assert.That(before).DoesNotContain(id);
        var after = await WaitForJsonAsync(http, "/api/bots/agents",
            r => r.GetProperty("agents").EnumerateArray().Any(a => a.GetProperty("id").GetString() == id), $"the spawned agent {id}", Arm64Target.Patience);
        var spawned = after.GetProperty("agents").EnumerateArray().Single(a => a.GetProperty("id").GetString() == id);
        await Assert.That(spawned.GetProperty("type").GetString()).IsEqualTo("tester");
    }

    [Test]
    public async Task The_stream_starts_with_a_complete_frame_of_the_graph()
    {
        var http = await service.ClientAsync();
        var graph = await WaitForJsonAsync(http, "/api/graph", r => r.GetProperty("nodes").EnumerateArray().Count(n => n.GetProperty("kind").GetString() == "agent") >= EmulatedService.Agents, "the agent nodes", Arm64Target.Patience);
        await using var ws = await VisionFlow.Testing.StreamClient.ConnectAsync(service.Address);
        byte[] frame;
        while (true)
        {
            var (type, data) = await ws.ReceiveAsync();
            if (type == WebSocketMessageType.Binary)
            {
                frame = data;
                break;
            }
        }

        // 28 bytes a node (u32 id, f32 x y z vx vy vz), every node of the graph, finite.
        await Assert.That(frame.Length % 28).IsEqualTo(0);
        var ids = new HashSet<uint>();
        for (var at = 0; at < frame.Length; at += 28)
        {
            ids.Add(BinaryPrimitives.ReadUInt32LittleEndian(frame.AsSpan(at)));
            for (var f = 1; f < 7; f++)
            {
                await Assert.That(float.IsFinite(BinaryPrimitives.ReadSingleLittleEndian(frame.AsSpan(at + (4 * f))))).IsTrue();
            }
        }

        var agentNodes = ids.Count(id => (id & 0xC000_0000u) == 0x8000_0000u); // agents, not the hubs that share bit 31
        await Assert.That(agentNodes).IsGreaterThanOrEqualTo(graph.GetProperty("nodes").EnumerateArray().Count(n => n.GetProperty("kind").GetString() == "agent"));
    }

    [Test]
    [DependsOn(nameof(Serves_health_with_the_simd_cpu_physics_path))]
    [DependsOn(nameof(Runs_the_simulator_and_spawns_an_agent_over_rest))]
    [DependsOn(nameof(The_stream_starts_with_a_complete_frame_of_the_graph))]
    public async Task Sigterm_closes_the_stream_with_1001_and_exits_0()
    {
        var run = await service.RunAsync();
        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(new UriBuilder(service.Address) { Scheme = "ws", Path = "/ws" }.Uri, CancellationToken.None);
        var buffer = new byte[1 << 20];
        using var receiving = new CancellationTokenSource(Arm64Target.Patience);
        var hello = await ws.ReceiveAsync(buffer, receiving.Token);
        await Assert.That(hello.MessageType).IsEqualTo(WebSocketMessageType.Text);

        // qemu passes the host's SIGTERM on to the emulated process, as the kernel would on an arm64 box.
        run.Terminate();
        var exited = run.WaitForExitAsync(Arm64Target.Patience);
        WebSocketReceiveResult result;
        do
        {
            result = await ws.ReceiveAsync(buffer, receiving.Token);
        }
        while (result.MessageType != WebSocketMessageType.Close);

        await Assert.That(ws.CloseStatus).IsEqualTo(WebSocketCloseStatus.EndpointUnavailable);
        await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        await Assert.That(await exited).IsEqualTo(0);
        await Assert.That(run.Stderr).IsEmpty();
    }
}

/// <summary>One emulated <c>visionflow --simulator</c> for <see cref="Arm64ServiceTests"/>, started on first use.</summary>
public sealed class EmulatedService : IAsyncDisposable
{
    public const int Agents = 12;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private BinaryProcess? _run;
    private HttpClient? _http;

    public Uri Address { get; private set; } = null!;

    internal async Task<BinaryProcess> RunAsync()
    {
        await ClientAsync();
        return _run!;
    }

    /// <summary>Starts the service on first call (skipping the test when there is no arm64 build) and returns a client for it.</summary>
    public async Task<HttpClient> ClientAsync()
    {
        var binary = Arm64Target.Server();
        await _gate.WaitAsync();
        try
        {
            if (_http is null)
            {
                var (file, args) = Arm64Target.Launch(binary, ["--simulator", "--port", "0", "--physics-backend", "cpu"]);
                _run = BinaryProcess.Start(file, args, new Dictionary<string, string> { ["VISIONFLOW_SIMULATOR_AGENTS"] = Agents.ToString(System.Globalization.CultureInfo.InvariantCulture) });
                Address = await _run.WaitForListeningAsync(Arm64Target.Patience);
                _http = new HttpClient { BaseAddress = Address, Timeout = Arm64Target.Patience };
            }

            return _http;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _http?.Dispose();
        if (_run is not null)
        {
            await _run.DisposeAsync();
        }

        _gate.Dispose();
    }
}
