using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using VisionFlow.Testing;

namespace VisionFlow.Bench.Load;

/// <summary>
/// A <c>/ws</c> viewer inside the harness (the tests' <see cref="StreamClient"/>, read in a loop): tells, on this
/// process's <see cref="Stopwatch"/> clock, when a complete frame first carries an agent id (bit 31) that the previous
/// complete frame did not. A frame is complete after a <c>topology</c> notice (and the first one after connect): each is the
/// whole node set. An id the service reuses for a new agent is only new if the old agent's removal was shown first.
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

    /// <summary>Agent nodes in the last complete frame.</summary>
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
                    complete |= Encoding.UTF8.GetString(data).Contains("\"type\":\"topology\"", StringComparison.Ordinal);
                    continue;
                }

                Frames++;
                if (!complete)
                {
                    continue;
                }

                complete = false;
                var agents = StreamClient.Ids(data).Where(id => (id & 0x8000_0000u) != 0).ToHashSet();
                if (present is not null && !agents.IsSubsetOf(present))
                {
                    Interlocked.Exchange(ref _waiter, null)?.TrySetResult(now);
                }

                present = agents;
                Agents = agents.Count;
                _baseline.TrySetResult();
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
        {
        }
        finally
        {
            _baseline.TrySetException(new IOException("the /ws connection ended before its first complete frame"));
        }
    }

    public async ValueTask DisposeAsync()
    {
        _client.Socket.Abort(); // ends the pending receive; the harness is done with the stream
        await _loop.ConfigureAwait(false);
        await _client.DisposeAsync().ConfigureAwait(false);
    }
}
