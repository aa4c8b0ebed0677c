using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using CsCheck;
using VisionFlow.Protocol.Engine;
using VisionFlow.Protocol.Framing;
using VisionFlow.Protocol.Messages;
using VisionFlow.Testing;
using VisionFlow.Testing.Fuzzing;

namespace VisionFlow.Protocol.Tests;

public sealed class FuzzTests
{
    [Test]
    public async Task The_classifier_never_throws_on_arbitrary_bytes()
    {
        var seen = 0;
        Gen.Byte.Array[0, 300].Sample(bytes =>
        {
            ClassifyAll(bytes);
            Interlocked.Increment(ref seen);
        }, iter: 5000);
        await Assert.That(seen).IsGreaterThanOrEqualTo(5000);
    }

    [Test]
    public async Task The_classifier_never_throws_on_mutated_json_rpc()
    {
        var template = Encoding.UTF8.GetBytes("[{\"jsonrpc\":\"2.0\",\"id\":\"a-1\",\"method\":\"m\",\"params\":{\"x\":[1,2.5,\"s\\u0041\"]}},{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-1,\"message\":\"e\",\"data\":null}}]");
        var seen = 0;
        Gen.Select(Gen.Int[0, template.Length - 1], Gen.Byte, Gen.Int[0, template.Length]).Sample((position, value, cut) =>
        {
            var copy = template.AsSpan(0, Math.Max(cut, 1)).ToArray();
            copy[Math.Min(position, copy.Length - 1)] = value;
            ClassifyAll(copy);
            Interlocked.Increment(ref seen);
        }, iter: 5000);
        await Assert.That(seen).IsGreaterThanOrEqualTo(5000);
    }

    /// <summary>Classifies a line and, for a batch, each element; throws when a classification contradicts itself.</summary>
    private static void ClassifyAll(byte[] bytes)
    {
        var m = JsonRpcMessage.Parse(bytes);
        Check(m.Kind, m.Error);
        if (m.Kind == JsonRpcMessageKind.Batch)
        {
            var reader = new JsonRpcBatchReader(bytes);
            while (reader.TryReadNext(out var element))
            {
                var e = JsonRpcMessage.Parse(element);
                Check(e.Kind, e.Error);
            }
        }

        static void Check(JsonRpcMessageKind kind, JsonRpcMessageError error)
        {
            if ((kind == JsonRpcMessageKind.Invalid) != (error != JsonRpcMessageError.None))
            {
                throw new InvalidOperationException($"kind {kind} with error {error}");
            }
        }
    }

    [Test]
    public async Task Framing_does_not_depend_on_how_reads_are_split()
    {
        var lineGen = Gen.OneOf("{\"a\":1}", "  [1,2] ", "", "banner text", "{\"b\":\"x y\"}\r", "\t", "{}");
        var seen = 0;
        Gen.Select(lineGen.Array[1, 20], Gen.Int[1, 17]).Sample((lines, chunk) =>
        {
            var text = string.Join("\n", lines) + "\n";
            var expected = lines.Select(l => l.Trim()).Where(l => l.StartsWith('{') || l.StartsWith('[')).ToArray();
            var actual = FrameSync(Encoding.UTF8.GetBytes(text), chunk);
            if (!actual.SequenceEqual(expected))
            {
                throw new InvalidOperationException($"chunk {chunk}: expected [{string.Join("|", expected)}] got [{string.Join("|", actual)}]");
            }

            Interlocked.Increment(ref seen);
        }, iter: 2000);
        await Assert.That(seen).IsGreaterThanOrEqualTo(2000);
    }

    private static List<string> FrameSync(byte[] bytes, int chunk)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0, minimumSegmentSize: 16));
        var framer = new LineFramer(1024);
        var lines = new List<string>();
        for (var offset = 0; offset < bytes.Length; offset += chunk)
        {
            pipe.Writer.Write(bytes.AsSpan(offset, Math.Min(chunk, bytes.Length - offset)));
            _ = pipe.Writer.FlushAsync().AsTask().GetAwaiter().GetResult();
            pipe.Reader.TryRead(out var result);
            var buffer = result.Buffer;
            while (framer.TryReadLine(ref buffer, false, out var line) == LineStatus.Line)
            {
                lines.Add(Encoding.UTF8.GetString(line.ToArray()));
            }

            pipe.Reader.AdvanceTo(buffer.Start, buffer.End);
        }

        return lines;
    }

    /// <summary>
    /// 10,000 hostile lines (random bytes, truncated messages, valid JSON that is not JSON-RPC, random JSON-RPC shapes,
    /// oversize lines) into client connections while they have requests in flight: nothing crashes, every connection either
    /// keeps working or closes with a logged reason, and every request completes one way or the other.
    /// </summary>
    [Test]
    public async Task Hostile_input_never_crashes_and_never_leaves_a_request_waiting()
    {
        const int MaxLine = 2048;
        var random = new Random(20261125);
        var sent = 0;
        var sessions = 0;
        var closedSessions = 0;
        var requests = 0;
        while (sent < 10_000)
        {
            sessions++;
            var logger = new CollectingLogger();
            var markers = new ConcurrentDictionary<int, bool>();
            var (client, peer) = await Loopback.ClientWithRawPeerAsync(new()
            {
                MaxLineLength = MaxLine,
                Logger = logger,
                Dispatch = TestDispatch.Create(),
                OnNotification = static (_, _) => { },
                OnPush = pushed =>
                {
                    var line = pushed.ToArray().AsSpan();
                    if (line.StartsWith("{\"type\":\"fuzz.marker\",\"data\":"u8))
                    {
                        markers[int.Parse(Encoding.ASCII.GetString(line[29..^1]), System.Globalization.CultureInfo.InvariantCulture)] = true;
                    }
                },
            });
            await using var _ = client;
            await using var __ = peer;
            var sendLock = new SemaphoreSlim(1, 1);
            var answering = AnswerRequestsAsync(peer, sendLock);
            var calls = new List<Task>();
            var marker = 0;
            try
            {
                while (sent < 10_000 && client.IsConnected)
                {
                    var junk = HostileLines.Next(random, MaxLine, JsonRpcConnection.RequestIdPrefix);
                    await SendLockedAsync(peer, sendLock, junk + "\n");
                    sent++;
                    if (junk.Length > MaxLine)
                    {
                        // Every line before it was handled first; this one must end the connection, with that reason.
                        await Loopback.WaitUntilAsync(() => !client.IsConnected);
                        await Assert.That(client.CloseReason).IsEqualTo(JsonRpcCloseReason.LineTooLong);
                        break;
                    }

                    if (sent % 20 == 0)
                    {
                        calls.Add(client.InvokeAsync("fuzz", TestJson.Default.JsonElement, default).AsTask());
                        requests++;
                    }
                }

                // Let the client catch up with everything sent so far before the final check.
                marker++;
                await SendLockedAsync(peer, sendLock, $"{{\"type\":\"fuzz.marker\",\"data\":{marker}}}\n");
            }
            catch (Exception e) when (e is IOException or SocketException)
            {
                // The client closed the socket (oversize line) while the peer was still writing.
            }

            await Loopback.WaitUntilAsync(() => markers.ContainsKey(marker) || !client.IsConnected);
            if (client.IsConnected)
            {
                var final = await client.InvokeAsync("final", TestJson.Default.JsonElement, default).AsTask().WaitAsync(Loopback.Patience);
                await Assert.That(final.GetString()).IsEqualTo("ok");
            }
            else
            {
                closedSessions++;
                await client.Completion.WaitAsync(Loopback.Patience);
                await Assert.That(client.CloseReason).IsNotNull();
                await Assert.That(logger.Contains("JSON-RPC connection closed")).IsTrue();
            }

            // No request waits forever: each completes (result, JSON-RPC error or closed) in bounded time.
            await Task.WhenAll(calls.Select(c => c.ContinueWith(static _ => { }, TaskScheduler.Default))).WaitAsync(Loopback.Patience);
            await client.DisposeAsync();
            await answering.WaitAsync(Loopback.Patience);
            await Assert.That(client.Counters.PendingRequests).IsEqualTo(0);
        }

        await Assert.That(sent).IsGreaterThanOrEqualTo(10_000);
        await Assert.That(requests).IsGreaterThan(100);
        await Assert.That(closedSessions).IsGreaterThan(0);
        await Assert.That(sessions).IsGreaterThan(closedSessions);
    }

    private static async Task SendLockedAsync(RawPeer peer, SemaphoreSlim sendLock, string text)
    {
        await sendLock.WaitAsync();
        try
        {
            await peer.SendAsync(text);
        }
        finally
        {
            sendLock.Release();
        }
    }

    /// <summary>The peer's honest side: answers every request the client sends with "ok".</summary>
    private static async Task AnswerRequestsAsync(RawPeer peer, SemaphoreSlim sendLock)
    {
        try
        {
            while (true)
            {
                var line = await peer.ReadLineAsync();
                using var doc = JsonDocument.Parse(line);
                var root = doc.RootElement;
                if (root.TryGetProperty("method", out _) && root.TryGetProperty("id", out var id))
                {
                    await SendLockedAsync(peer, sendLock, $"{{\"jsonrpc\":\"2.0\",\"id\":{id.GetRawText()},\"result\":\"ok\"}}\n");
                }
            }
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or SocketException or ObjectDisposedException or TimeoutException)
        {
            // Connection gone: done.
        }
    }
}
