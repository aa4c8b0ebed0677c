using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.WebSockets;

namespace VisionFlow.Bench.Load;

/// <summary>
/// A <c>/ws</c> viewer inside the harness: reads the 28-byte records (<c>u32 id</c>, bit 31 = agent, then 6 floats) as
/// they arrive and tells, on this process's <see cref="Stopwatch"/> clock, when a complete frame first carries an agent
/// id the previous complete frame did not. A frame is complete after a <c>topology</c> notice (and the first one after
/// connect), so the comparison holds even if the service reused an id: each complete frame is the whole node set.
/// </summary>
internal sealed class StreamWatcher : IAsyncDisposable
{
    private const int Record = 28;
    private readonly ClientWebSocket _socket = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _baseline = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private HashSet<uint> _present = [];
    private HashSet<uint> _building = [];
    private TaskCompletionSource<long>? _waiter;
    private Task _loop = Task.CompletedTask;

    public long Frames { get; private set; }

    public long CompleteFrames { get; private set; }

    public long Bytes { get; private set; }

    /// <summary>Agent nodes in the last complete frame.</summary>
    public int Agents { get; private set; }

    public static async Task<StreamWatcher> ConnectAsync(int port, TimeSpan timeout)
    {
        var watcher = new StreamWatcher();
        using var cts = new CancellationTokenSource(timeout);
        await watcher._socket.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/ws"), cts.Token).ConfigureAwait(false);
        watcher._loop = Task.Run(watcher.ReadLoopAsync);
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
        var buffer = new byte[1 << 20];
        var carry = 0;
        var complete = true; // the first frame after connect
        var haveBaseline = false;
        var text = new List<byte>();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var r = await _socket.ReceiveAsync(buffer.AsMemory(carry), _stop.Token).ConfigureAwait(false);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                if (r.MessageType == WebSocketMessageType.Text)
                {
                    text.AddRange(buffer.AsSpan(carry, r.Count));
                    if (r.EndOfMessage)
                    {
                        complete |= System.Text.Encoding.UTF8.GetString([.. text]).Contains("\"type\":\"topology\"", StringComparison.Ordinal);
                        text.Clear();
                    }

                    continue;
                }

                var now = Stopwatch.GetTimestamp();
                Bytes += r.Count;
                var filled = carry + r.Count;
                var whole = filled - (filled % Record);
                for (var at = 0; at < whole; at += Record)
                {
                    var id = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(at, 4));
                    if (complete && (id & 0x8000_0000u) != 0 && _building.Add(id) && haveBaseline && !_present.Contains(id))
                    {
                        Interlocked.Exchange(ref _waiter, null)?.TrySetResult(now);
                    }
                }

                buffer.AsSpan(whole, filled - whole).CopyTo(buffer);
                carry = filled - whole;
                if (!r.EndOfMessage)
                {
                    continue;
                }

                Frames++;
                carry = 0;
                if (complete)
                {
                    CompleteFrames++;
                    (_present, _building) = (_building, _present);
                    _building.Clear();
                    Agents = _present.Count;
                    complete = false;
                    haveBaseline = true;
                    _baseline.TrySetResult();
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException)
        {
        }
        finally
        {
            _baseline.TrySetException(new IOException("the /ws connection ended before its first complete frame"));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
        }

        _socket.Dispose();
        _stop.Dispose();
    }
}
