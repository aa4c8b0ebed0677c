using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using VisionFlow.Testing;

namespace VisionFlow.EndToEnd.Tests;

/// <summary>
/// History through the published binary: a recording exported from a running service replays with
/// <c>visionflow replay</c> (read-only), what is not a recording is refused in one line with exit code 2, a truncated one
/// replays with a warning, and a <c>kill -9</c> during a flood leaves a store that opens with everything it had written.
/// </summary>
public sealed class HistoryServiceTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static async Task<JsonElement> JsonAsync(HttpClient http, string path) => JsonDocument.Parse(await http.GetStringAsync(path)).RootElement.Clone();

    /// <summary>Waits until the service has recorded something after <paramref name="after"/> (on disk: the summary reads the files).</summary>
    private static async Task<JsonElement> RecordedAfterAsync(HttpClient http, DateTimeOffset after)
    {
        JsonElement summary = default;
        await Eventually.UntilAsync(
            async () =>
            {
                summary = await JsonAsync(http, "/api/history");
                return summary.GetProperty("last").ValueKind == JsonValueKind.String && summary.GetProperty("last").GetDateTimeOffset() > after;
            },
            $"a record after {Iso(after)}",
            Wait,
            pollMilliseconds: 50,
            seen: () => summary.ValueKind == JsonValueKind.Undefined ? "nothing" : summary.GetRawText());
        return summary;
    }

    [Test]
    public async Task An_export_replays_read_only_and_what_is_not_a_recording_is_exit_2()
    {
        var folder = Directory.CreateTempSubdirectory("vf-e2e-replay-").FullName;
        try
        {
            var history = Path.Combine(folder, "history");
            var export = Path.Combine(folder, "export.vfh");
            DateTimeOffset last;
            await using (var run = BinaryProcess.Start(["--simulator", "--simulator-agents", "20", "--port", "0"], new Dictionary<string, string> { ["VISIONFLOW_HISTORY_DIR"] = history, ["VISIONFLOW_PHYSICS_BACKEND"] = "cpu" }))
            {
                var address = await run.WaitForListeningAsync(Wait);
                using var http = new HttpClient { BaseAddress = address };
                await VisionFlow.Testing.JsonPolling.WaitForJsonAsync(http, "/api/bots/agents", r => r.GetProperty("count").GetInt32() == 20, "20 agents", Wait);
                var summary = await RecordedAfterAsync(http, DateTimeOffset.UtcNow);
                last = summary.GetProperty("last").GetDateTimeOffset();
                await File.WriteAllBytesAsync(export, await http.GetByteArrayAsync("/api/history/export"));
                run.Terminate();
                await Assert.That(await run.WaitForExitAsync(TimeSpan.FromSeconds(15))).IsEqualTo(0);
            }

            await using (var replay = BinaryProcess.Start(["replay", export, "--port", "0"]))
            {
                var address = await replay.WaitForListeningAsync(Wait);
                using var http = new HttpClient { BaseAddress = address };
                var summary = await JsonAsync(http, "/api/history");
                await Assert.That(summary.GetProperty("mode").GetString()).IsEqualTo("replay");
                var state = await JsonAsync(http, $"/api/history/state?at={Uri.EscapeDataString(Iso(last))}");
                await Assert.That(state.GetProperty("agents").GetArrayLength()).IsEqualTo(20);
                using var command = await http.PostAsync("/api/bots/agents", new StringContent("{\"type\":\"coder\"}", Encoding.UTF8, "application/json"));
                await Assert.That(command.StatusCode).IsEqualTo(HttpStatusCode.Conflict);
                await Assert.That(await command.Content.ReadAsStringAsync()).Contains("replay");
                using var viewer = await http.GetAsync("/");
                await Assert.That(viewer.StatusCode).IsEqualTo(HttpStatusCode.OK);
                replay.Terminate();
                await Assert.That(await replay.WaitForExitAsync(TimeSpan.FromSeconds(15))).IsEqualTo(0);
            }

            // Cut short: replays what is whole, with one warning line.
            var bytes = await File.ReadAllBytesAsync(export);
            var cut = Path.Combine(folder, "cut.vfh");
            await File.WriteAllBytesAsync(cut, bytes.AsSpan(0, bytes.Length - 5).ToArray());
            await using (var replay = BinaryProcess.Start(["replay", cut, "--port", "0"]))
            {
                await replay.WaitForListeningAsync(Wait);
                await Assert.That(replay.Stderr.Single()).Contains("truncated");
                await Assert.That(replay.Stderr.Single()).StartsWith("visionflow replay: warning:");
                replay.Terminate();
                await replay.WaitForExitAsync(TimeSpan.FromSeconds(15));
            }

            // Not a recording at all, or missing: one line, exit 2.
            var text = Path.Combine(folder, "notes.txt");
            await File.WriteAllTextAsync(text, "these are not the frames you are looking for\n");
            foreach (var (file, says) in new[] { (text, "not a recording"), (Path.Combine(folder, "missing.vfh"), "cannot be read") })
            {
                var (code, _, stderr) = await BinaryProcess.RunToEndAsync(["replay", file, "--port", "0"]);
                await Assert.That(code).IsEqualTo(2);
                await Assert.That(stderr.Single()).Contains(says);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public async Task Kill_9_during_a_flood_keeps_what_was_written_and_the_store_opens_with_a_restart_gap()
    {
        var folder = Directory.CreateTempSubdirectory("vf-e2e-kill-").FullName;
        try
        {
            var env = new Dictionary<string, string> { ["VISIONFLOW_HISTORY_DIR"] = folder, ["VISIONFLOW_PHYSICS_BACKEND"] = "cpu" };
            DateTimeOffset written, killedAt;
            long events;
            await using (var run = BinaryProcess.Start(["--simulator", "--simulator-agents", "2000", "--mcp-max-agents", "2000", "--port", "0"], env))
            {
                var address = await run.WaitForListeningAsync(Wait);
                using var http = new HttpClient { BaseAddress = address };
                await VisionFlow.Testing.JsonPolling.WaitForJsonAsync(http, "/api/bots/agents", r => r.GetProperty("count").GetInt32() == 2000, "2000 agents", Wait);

                // A flood: 2,000 agents changing ten times a second. Once something after now is on disk, kill -9.
                var summary = await RecordedAfterAsync(http, DateTimeOffset.UtcNow);
                written = summary.GetProperty("last").GetDateTimeOffset();
                events = summary.GetProperty("events").GetInt64();
                killedAt = DateTimeOffset.UtcNow;
                await run.KillHardAsync();
            }

            // Restarted on the same folder: it opens (the torn tail cut off), everything written before is there.
            await using (var again = BinaryProcess.Start(["--port", "0"], new Dictionary<string, string>(env) { ["ENABLE_MCP"] = "false" }))
            {
                var address = await again.WaitForListeningAsync(Wait);
                using var http = new HttpClient { BaseAddress = address };
                var summary = await RecordedAfterAsync(http, killedAt);
                await Assert.That(summary.GetProperty("events").GetInt64()).IsGreaterThanOrEqualTo(events);
                var state = await JsonAsync(http, $"/api/history/state?at={Uri.EscapeDataString(Iso(written))}");
                await Assert.That(state.GetProperty("agents").GetArrayLength()).IsEqualTo(2000);

                // The restart is marked by a gap back to the last record of the killed run (written with the first flush).
                JsonElement restart = default;
                await Eventually.UntilAsync(
                    async () =>
                    {
                        var gaps = await JsonAsync(http, "/api/history/events?kinds=gap");
                        restart = gaps.GetProperty("events").EnumerateArray().FirstOrDefault(g => g.GetProperty("reason").GetString() == "restart");
                        return restart.ValueKind == JsonValueKind.Object;
                    },
                    "the restart gap",
                    Wait,
                    pollMilliseconds: 50);
                var lastBefore = restart.GetProperty("since").GetDateTimeOffset();
                await Assert.That(lastBefore).IsGreaterThanOrEqualTo(written);
                Console.WriteLine($"kill -9: the last record kept was {(killedAt - lastBefore).TotalMilliseconds:F0} ms before the kill");
                var health = await JsonAsync(http, "/api/health");
                var line = health.GetProperty("subsystems").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "history");
                await Assert.That(line.GetProperty("state").GetString()).IsEqualTo("up");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
