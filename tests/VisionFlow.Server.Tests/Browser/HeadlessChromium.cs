using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VisionFlow.Server.Tests.Browser;

/// <summary>
/// Debian's Chromium, headless, driven over the DevTools protocol with nothing but a WebSocket: no npm, no
/// downloaded browser. Fails loudly when Chromium is missing rather than skipping the viewer tests. The bench project
/// compiles this same file for the viewer frame-rate harness and the README screenshot.
/// </summary>
internal sealed class HeadlessChromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _cdp = new();
    private int _nextId;
    private bool _performanceEnabled;

    private HeadlessChromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    public static async Task<HeadlessChromium> StartAsync()
    {
        var exe = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("chromium not found: install the Debian package 'chromium' (./build.sh setup does)");
        var profile = Directory.CreateTempSubdirectory("vf-chromium-").FullName;
        var psi = new ProcessStartInfo(exe)
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var arg in new[]
                 {
                     "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", "--window-size=1280,800", $"--user-data-dir={profile}",
                     "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "about:blank",
                 })
        {
            psi.ArgumentList.Add(arg);
        }

        var process = Process.Start(psi)!;
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var browser = new HeadlessChromium(process, profile);
        try
        {
            await browser.AttachAsync();
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }

        return browser;
    }

    private async Task AttachAsync()
    {
        var portFile = Path.Combine(_profile, "DevToolsActivePort");
        await VisionFlow.Testing.Eventually.UntilAsync(
            () => (File.Exists(portFile) && new FileInfo(portFile).Length > 0)
                || (_process.HasExited ? throw new InvalidOperationException($"chromium exited with {_process.ExitCode} before opening its DevTools port") : false),
            "chromium's DevTools port", TimeSpan.FromSeconds(30), pollMilliseconds: 20);

        var port = (await File.ReadAllLinesAsync(portFile))[0].Trim();
        using var http = new HttpClient();
        var pageUrl = await VisionFlow.Testing.Eventually.FindAsync(
            async () => JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list"))!.AsArray()
                .FirstOrDefault(t => (string?)t!["type"] == "page")?["webSocketDebuggerUrl"]?.GetValue<string>(),
            "chromium's page target", TimeSpan.FromSeconds(30), pollMilliseconds: 20);

        await _cdp.ConnectAsync(new Uri(pageUrl), CancellationToken.None);
    }

    public async Task NavigateAsync(Uri url)
    {
        await SendAsync("Page.enable", new JsonObject());
        await SendAsync("Page.navigate", new JsonObject { ["url"] = url.ToString() });
    }

    /// <summary>Evaluates a JavaScript expression in the page and returns its JSON value.</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        // awaitPromise: an expression that yields a promise (a timed measurement) returns what the promise resolves to.
        var result = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true });
        if (result?["exceptionDetails"] is { } ex)
        {
            throw new InvalidOperationException("page script failed: " + ex.ToJsonString());
        }

        return result?["result"]?["value"];
    }

    /// <summary>Polls <paramref name="expression"/> until it is truthy, failing with what the page last said.</summary>
    public async Task<JsonNode?> WaitForAsync(string expression, TimeSpan timeout, string what)
    {
        JsonNode? last = null;
        try
        {
            return await VisionFlow.Testing.Eventually.FindAsync(
                async () =>
                {
                    last = await EvaluateAsync(expression);
                    // JavaScript truthiness: false, 0, "" and null/undefined keep waiting.
                    return last is not null
                        && last.GetValueKind() != JsonValueKind.False
                        && !(last.GetValueKind() == JsonValueKind.Number && last.GetValue<double>() == 0)
                        && !(last.GetValueKind() == JsonValueKind.String && last.GetValue<string>().Length == 0)
                        ? last
                        : null;
                },
                what, timeout, pollMilliseconds: 50);
        }
        catch (TimeoutException)
        {
            // Said below with what the viewer shows, which takes asking the page.
        }

        var state = await EvaluateAsync("JSON.stringify({frames: visionflow.frames, nodes: visionflow.nodes.count, drawn: visionflow.drawnNodes, agents: visionflow.agents.size, degradation: visionflow.degradation, stream: visionflow.streamOpen, answer: visionflow.lastAnswer})");
        throw new TimeoutException($"viewer never showed {what}; last value {last?.ToJsonString() ?? "null"}; viewer state {state}");
    }

    /// <summary>
    /// The page's DevTools performance counters by name: <c>ThreadTime</c> and <c>ProcessTime</c> are the CPU seconds
    /// of the renderer's main thread and of its process so far, which move little with other load on the machine
    /// (unlike a frame rate); <c>ScriptDuration</c> and <c>TaskDuration</c> are wall seconds.
    /// </summary>
    public async Task<Dictionary<string, double>> MetricsAsync()
    {
        if (!_performanceEnabled)
        {
            await SendAsync("Performance.enable", new JsonObject());
            _performanceEnabled = true;
        }

        var metrics = (await SendAsync("Performance.getMetrics", new JsonObject()))!["metrics"]!.AsArray();
        return metrics.ToDictionary(m => m!["name"]!.GetValue<string>(), m => m!["value"]!.GetValue<double>(), StringComparer.Ordinal);
    }

    /// <summary>Moves the mouse to page coordinates (CSS pixels), as a user's pointer would.</summary>
    public async Task MoveMouseAsync(double x, double y) =>
        await SendAsync("Input.dispatchMouseEvent", new JsonObject { ["type"] = "mouseMoved", ["x"] = x, ["y"] = y });

    /// <summary>A left click at page coordinates: move, press, release.</summary>
    public async Task ClickAsync(double x, double y)
    {
        await MoveMouseAsync(x, y);
        foreach (var type in new[] { "mousePressed", "mouseReleased" })
        {
            await SendAsync("Input.dispatchMouseEvent", new JsonObject
            {
                ["type"] = type, ["x"] = x, ["y"] = y, ["button"] = "left", ["buttons"] = type == "mousePressed" ? 1 : 0, ["clickCount"] = 1,
            });
        }
    }

    /// <summary>A left-button drag from one page point to another, through a point between, as a user's pointer would.</summary>
    public async Task DragAsync(double fromX, double fromY, double toX, double toY)
    {
        await PressAsync(fromX, fromY);
        await DragToAsync(fromX, fromY, toX, toY);
        await ReleaseAsync(toX, toY);
    }

    /// <summary>Moves the pointer to a page point and presses the left button there (the start of a drag).</summary>
    public async Task PressAsync(double x, double y)
    {
        await MoveMouseAsync(x, y);
        await SendAsync("Input.dispatchMouseEvent", new JsonObject { ["type"] = "mousePressed", ["x"] = x, ["y"] = y, ["button"] = "left", ["buttons"] = 1, ["clickCount"] = 1 });
    }

    /// <summary>With the left button held, moves the pointer from one page point to another through a point between.</summary>
    public async Task DragToAsync(double fromX, double fromY, double toX, double toY)
    {
        foreach (var (x, y) in new[] { ((fromX + toX) / 2, (fromY + toY) / 2), (toX, toY) })
        {
            await SendAsync("Input.dispatchMouseEvent", new JsonObject { ["type"] = "mouseMoved", ["x"] = x, ["y"] = y, ["button"] = "left", ["buttons"] = 1 });
        }
    }

    /// <summary>Releases the left button at a page point (the end of a drag).</summary>
    public async Task ReleaseAsync(double x, double y) =>
        await SendAsync("Input.dispatchMouseEvent", new JsonObject { ["type"] = "mouseReleased", ["x"] = x, ["y"] = y, ["button"] = "left", ["buttons"] = 0, ["clickCount"] = 1 });

    /// <summary>Clicks the centre of the first element matching <paramref name="selector"/>; fails when there is none.</summary>
    public async Task ClickElementAsync(string selector)
    {
        var rect = await EvaluateAsync($"(() => {{ const e = document.querySelector({JsonValue.Create(selector).ToJsonString()}); if (!e) return null; e.scrollIntoView({{block: 'nearest'}}); const r = e.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; }})()")
            ?? throw new InvalidOperationException($"no element matches {selector}");
        await ClickAsync(rect[0]!.GetValue<double>(), rect[1]!.GetValue<double>());
    }

    /// <summary>Types text into the focused element, as the keyboard would.</summary>
    public async Task TypeAsync(string text) => await SendAsync("Input.insertText", new JsonObject { ["text"] = text });

    /// <summary>Presses and releases Enter in the focused element.</summary>
    public async Task PressEnterAsync()
    {
        await SendAsync("Input.dispatchKeyEvent", new JsonObject { ["type"] = "keyDown", ["key"] = "Enter", ["code"] = "Enter", ["windowsVirtualKeyCode"] = 13, ["text"] = "\r" });
        await SendAsync("Input.dispatchKeyEvent", new JsonObject { ["type"] = "keyUp", ["key"] = "Enter", ["code"] = "Enter", ["windowsVirtualKeyCode"] = 13 });
    }

    /// <summary>Saves the viewport as a PNG, scaled by <paramref name="scale"/> (below 1 for a smaller file).</summary>
    public async Task ScreenshotAsync(string path, double scale = 1)
    {
        var parameters = new JsonObject { ["format"] = "png" };
        if (scale != 1)
        {
            var viewport = (await SendAsync("Page.getLayoutMetrics", new JsonObject()))!["cssVisualViewport"]!;
            parameters["clip"] = new JsonObject
            {
                ["x"] = 0, ["y"] = 0, ["width"] = viewport["clientWidth"]!.GetValue<double>(), ["height"] = viewport["clientHeight"]!.GetValue<double>(), ["scale"] = scale,
            };
        }

        var result = await SendAsync("Page.captureScreenshot", parameters);
        await File.WriteAllBytesAsync(path, Convert.FromBase64String(result!["data"]!.GetValue<string>()));
    }

    private async Task<JsonNode?> SendAsync(string method, JsonObject parameters)
    {
        var id = Interlocked.Increment(ref _nextId);
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _cdp.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, cts.Token);
        var buffer = new byte[1 << 16];
        while (true)
        {
            using var ms = new MemoryStream();
            WebSocketReceiveResult r;
            do
            {
                r = await _cdp.ReceiveAsync(buffer, cts.Token);
                ms.Write(buffer, 0, r.Count);
            }
            while (!r.EndOfMessage);

            var reply = JsonNode.Parse(ms.ToArray());
            if ((int?)reply?["id"] == id)
            {
                if (reply?["error"] is { } error)
                {
                    throw new InvalidOperationException($"CDP {method} failed: {error.ToJsonString()}");
                }

                return reply?["result"];
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _cdp.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still be flushing its profile; the temp folder is cleaned by the OS eventually.
        }
    }
}
