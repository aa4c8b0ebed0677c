using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using VisionFlow.Testing;

namespace VisionFlow.Bench.Load;

/// <summary>
/// A <c>/ws</c> viewer inside the harness (the tests' <see cref="StreamClient"/>, read in a loop): tells, on this
/// process's <see cref="Stopwatch"/> clock, when a frame first carries an agent id (bit 31) the viewer does not hold. It
/// holds what a page holds: a complete frame (the first, or after a <c>topology</c> notice without <c>removed</c>)
/// replaces the set; a notice with <c>removed</c> drops those ids and the frames after it bring the new nodes. An id the
/// service reuses for a new agent is only new if the old agent's removal was shown first.
/// </summary>
internal sealed class StreamWatcher : IAsyncDisposable
{
    private readonly StreamClient _client;
    private readonly TaskCompletionSource _baseline = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _loop;
    private TaskCompletionSource<long>? _waiter;

    private StreamWatcher(StreamClient client)
    {
        _client = client;
        _loop = Task.Run(ReadLoopAsync);
    }

    /// <summary>Binary frames received.</summary>
    public long Frames { get; private set; }

    /// <summary>Agent nodes the viewer holds.</summary>
    public int Agents { get; private set; }

    public static async Task<StreamWatcher> ConnectAsync(int port, TimeSpan timeout)
    {
        var watcher = new StreamWatcher(await StreamClient.ConnectAsync(new Uri($"http://127.0.0.1:{port}")).ConfigureAwait(false));
        await watcher._baseline.Task.WaitAsync(timeout).ConfigureAwait(false);
        return watcher;
    }

    /// <summary>
    /// Call just before causing a change: completes with the <see cref="Stopwatch"/> timestamp at which the first new
    /// agent id after this call arrived.
    /// </summary>
    public Task<long> ArmNewAgent()
    {
        var waiter = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _waiter, waiter);
        return waiter.Task;
    }

    private async Task ReadLoopAsync()
    {
        HashSet<uint>? present = null;
        var complete = true; // the first frame after connect
        try
        {
            while (true)
            {
                var (type, data) = await _client.ReceiveAsync().ConfigureAwait(false);
                var now = Stopwatch.GetTimestamp();
                if (type == WebSocketMessageType.Close)
                {
                    return;
                }

                if (type == WebSocketMessageType.Text)
                {
                    var text = Encoding.UTF8.GetString(data);
                    if (!text.Contains("\"type\":\"topology\"", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    using var notice = JsonDocument.Parse(text);
                    if (!notice.RootElement.TryGetProperty("removed", out var removed))
                    {
                        complete = true;
                    }
                    else if (present is not null)
                    {
                        foreach (var id in removed.EnumerateArray())
                        {
                            present.Remove(id.GetUInt32());
                        }

                        Agents = present.Count;
                    }

                    continue;
                }

                Frames++;
                var agents = StreamClient.Ids(data).Where(IsAgent);
                if (complete || present is null)
                {
                    complete = false;
                    var set = agents.ToHashSet();
                    if (present is not null && !set.IsSubsetOf(present))
                    {
                        Interlocked.Exchange(ref _waiter, null)?.TrySetResult(now);
                    }

                    present = set;
                }
                else
                {
                    var added = false;
                    foreach (var id in agents)
                    {
                        added |= present.Add(id);
                    }

                    if (added)
                    {
                        Interlocked.Exchange(ref _waiter, null)?.TrySetResult(now);
                    }
                }

                Agents = present.Count;
                _baseline.TrySetResult();
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
        {
        }
        finally
        {
            _baseline.TrySetException(new IOException("the /ws connection ended before its first frame"));
        }
    }

    /// <summary>
    /// An agent's node (<c>0x80000000 | key</c>), not a swarm hub (<c>0xC0000000</c>) or a task hub (<c>0xE0000000</c>):
    /// the hubs share bit 31, and a task hub that opens is no new agent.
    /// </summary>
    private static bool IsAgent(uint id) => (id & 0xC000_0000u) == 0x8000_0000u;

    public async ValueTask DisposeAsync()
    {
        _client.Socket.Abort(); // ends the pending receive; the harness is done with the stream
        await _loop.ConfigureAwait(false);
        await _client.DisposeAsync().ConfigureAwait(false);
    }
}
