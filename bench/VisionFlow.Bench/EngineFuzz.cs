using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using VisionFlow.Protocol.Engine;
using VisionFlow.Testing.Fuzzing;

namespace VisionFlow.Bench;

/// <summary>
/// The long run's framing and JSON-RPC engine target. Sessions of a <see cref="JsonRpcConnection"/> on in-memory pipes
/// get hostile lines (<see cref="HostileLines"/>) in randomly split writes, interleaved with honest replies to the requests
/// it sends. Each session must end with the connection still answering a final request, or closed with a reason after a
/// line over the maximum (half the sessions never get one), and with no request left waiting. Anything else, and any exception that escapes, is a failure.
/// </summary>
internal static class EngineFuzz
{
    private const int MaxLine = 4096;
    private const int SessionLines = 5_000;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    public static async Task<(long Failures, long Sessions, long Closed, long Requests)> RunAsync(long inputs)
    {
        var random = new Random(20261125);
        long failures = 0, sessions = 0, closed = 0, requests = 0, sent = 0;
        while (sent < inputs)
        {
            sessions++;
            try
            {
                var (lines, wasClosed, calls) = await SessionAsync(random, Math.Min(SessionLines, inputs - sent)).ConfigureAwait(false);
                sent += lines;
                requests += calls;
                closed += wasClosed ? 1 : 0;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                sent += SessionLines;
                if (failures++ < 5)
                {
                    Console.WriteLine($"  engine session {sessions}: {e.GetType().Name}: {e.Message}");
                }
            }
        }

        return (failures, sessions, closed, requests);
    }

    private static async Task<(long Lines, bool Closed, long Requests)> SessionAsync(Random random, long budget)
    {
        var toClient = new Pipe(new PipeOptions(useSynchronizationContext: false, pauseWriterThreshold: 0));
        var fromClient = new Pipe(new PipeOptions(useSynchronizationContext: false, pauseWriterThreshold: 0));
        var markers = new ConcurrentDictionary<int, bool>();
        var client = new JsonRpcConnection(new Duplex(toClient.Reader, fromClient.Writer), new JsonRpcConnectionOptions
        {
            Name = "fuzz",
            MaxLineLength = MaxLine,
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
        var ids = new ConcurrentQueue<string>();
        var reading = CollectRequestIdsAsync(fromClient.Reader, ids);
        var calls = new List<Task>();
        var pending = new ArrayBufferWriter<byte>();
        long lines = 0;
        var oversize = false;

        // Half the sessions never get an oversize line, so they run long and must still answer at the end.
        var allowOversize = random.Next(2) == 0;
        var marker = 0;
        try
        {
            while (lines < budget && client.IsConnected && !oversize)
            {
                var junk = HostileLines.Next(random, MaxLine, JsonRpcConnection.RequestIdPrefix);
                while (!allowOversize && junk.Length > MaxLine)
                {
                    junk = HostileLines.Next(random, MaxLine, JsonRpcConnection.RequestIdPrefix);
                }

                oversize = junk.Length > MaxLine;
                Encoding.UTF8.GetBytes(junk + "\n", pending);
                lines++;
                if (lines % 20 == 0)
                {
                    calls.Add(client.InvokeAsync("fuzz", ProtocolBenchJson.Default.JsonElement, default).AsTask());
                }

                if (lines % 10 == 0 || oversize)
                {
                    AnswerAll(ids, pending);
                    await WriteSplitAsync(toClient.Writer, random, pending).ConfigureAwait(false);
                }
            }

            if (!oversize)
            {
                marker++;
                Encoding.UTF8.GetBytes($"{{\"type\":\"fuzz.marker\",\"data\":{marker}}}\n", pending);
            }

            await WriteSplitAsync(toClient.Writer, random, pending).ConfigureAwait(false);

            // The connection must get through everything sent (the marker) or have closed because of the oversize line.
            await WaitUntilAsync(() => markers.ContainsKey(marker) || !client.IsConnected).ConfigureAwait(false);
            if (oversize != !client.IsConnected)
            {
                throw new InvalidOperationException(oversize
                    ? "an oversize line did not close the connection"
                    : $"the connection closed without an oversize line ({client.CloseReason})");
            }

            if (client.IsConnected)
            {
                // Still answering: a final request round-trips.
                var final = client.InvokeAsync("final", ProtocolBenchJson.Default.JsonElement, default).AsTask();
                await WaitUntilAsync(() =>
                {
                    AnswerAll(ids, pending);
                    WriteSplitAsync(toClient.Writer, random, pending).AsTask().GetAwaiter().GetResult();
                    return final.IsCompleted;
                }).ConfigureAwait(false);
                if ((await final.ConfigureAwait(false)).GetString() != "ok")
                {
                    throw new InvalidOperationException("the final request got a wrong answer");
                }
            }
            else if (client.CloseReason != JsonRpcCloseReason.LineTooLong)
            {
                throw new InvalidOperationException($"closed for {client.CloseReason}, not the oversize line");
            }

            // No request waits forever: every one completes (result, JSON-RPC error or closed) in bounded time.
            AnswerAll(ids, pending);
            await WriteSplitAsync(toClient.Writer, random, pending).ConfigureAwait(false);
            await Task.WhenAll(calls.Select(c => c.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default))).WaitAsync(Patience).ConfigureAwait(false);
            return (lines, !client.IsConnected, calls.Count);
        }
        finally
        {
            await client.DisposeAsync().ConfigureAwait(false);
            await toClient.Writer.CompleteAsync().ConfigureAwait(false);
            await reading.WaitAsync(Patience).ConfigureAwait(false);
            if (client.Counters.PendingRequests != 0)
            {
                throw new InvalidOperationException($"{client.Counters.PendingRequests} requests left pending");
            }
        }
    }

    private static void AnswerAll(ConcurrentQueue<string> ids, ArrayBufferWriter<byte> output)
    {
        while (ids.TryDequeue(out var id))
        {
            Encoding.UTF8.GetBytes($"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"result\":\"ok\"}}\n", output);
        }
    }

    /// <summary>Writes what is pending in random-sized pieces, so lines arrive split across reads in every way.</summary>
    private static async ValueTask WriteSplitAsync(PipeWriter writer, Random random, ArrayBufferWriter<byte> pending)
    {
        var bytes = pending.WrittenMemory;
        while (!bytes.IsEmpty)
        {
            var n = Math.Min(bytes.Length, random.Next(1, 8192));
            await writer.WriteAsync(bytes[..n]).ConfigureAwait(false);
            bytes = bytes[n..];
        }

        pending.ResetWrittenCount();
    }

    /// <summary>The honest peer's ears: the ids of the client's own requests (its replies to junk requests are ignored).</summary>
    private static async Task CollectRequestIdsAsync(PipeReader reader, ConcurrentQueue<string> ids)
    {
        while (true)
        {
            var result = await reader.ReadAsync().ConfigureAwait(false);
            var buffer = result.Buffer;
            while (buffer.PositionOf((byte)'\n') is { } end)
            {
                using (var doc = JsonDocument.Parse(buffer.Slice(0, end)))
                {
                    if (doc.RootElement.TryGetProperty("method", out _) && doc.RootElement.TryGetProperty("id", out var id))
                    {
                        ids.Enqueue(id.GetRawText());
                    }
                }

                buffer = buffer.Slice(buffer.GetPosition(1, end));
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                await reader.CompleteAsync().ConfigureAwait(false);
                return;
            }
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("condition not met in time");
            }

            await Task.Delay(1).ConfigureAwait(false);
        }
    }

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
