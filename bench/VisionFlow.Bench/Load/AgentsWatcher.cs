using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;

namespace VisionFlow.Bench.Load;

/// <summary>
/// A <c>/ws</c> viewer inside the harness that reads the <c>agents</c> text messages as the built-in viewer does: keeps
/// each agent's <c>status</c> (complete from the <c>full</c> message, then from <c>changed</c> and <c>removed</c>), tells
/// on this process's <see cref="Stopwatch"/> clock when a message first carries a given agent's new status, and counts
/// what arrives: messages and bytes on the wire (payload plus the server's unmasked frame header), changed agents and
/// changed fields, apart for the <c>agents</c> topic, the other text messages and the binary position frames.
/// </summary>
internal sealed class AgentsWatcher : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly Dictionary<string, string?> _status = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _full = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _loop;
    private Armed? _armed;
    private Counts _counts;

    private AgentsWatcher(ClientWebSocket socket)
    {
        _socket = socket;
        _loop = Task.Run(ReadLoopAsync);
    }

    /// <summary>What arrived on <c>/ws</c> since connecting.</summary>
    /// <param name="AgentsMessages">Incremental <c>agents</c> messages (the <c>full</c> ones are not counted here).</param>
    /// <param name="AgentsBytes">Their bytes on the wire.</param>
    /// <param name="ChangedAgents">Entries in their <c>changed</c> arrays (one per agent and message).</param>
    /// <param name="ChangedFields">Fields in those entries other than <c>id</c> and <c>last_seen</c> (the attribute changes).</param>
    /// <param name="StatusChanges">Of those, <c>status</c> fields.</param>
    /// <param name="FullBytes">Bytes of the last <c>full</c> message (what a client is sent on connect).</param>
    /// <param name="OtherTextBytes">Bytes of every other text message (swarms, tasks, notices).</param>
    /// <param name="BinaryBytes">Bytes of the binary position frames.</param>
    public readonly record struct Counts(
        long AgentsMessages, long AgentsBytes, long ChangedAgents, long ChangedFields, long StatusChanges,
        long FullBytes, long OtherTextBytes, long BinaryBytes)
    {
        public static Counts operator -(Counts a, Counts b) => new(
            a.AgentsMessages - b.AgentsMessages, a.AgentsBytes - b.AgentsBytes, a.ChangedAgents - b.ChangedAgents,
            a.ChangedFields - b.ChangedFields, a.StatusChanges - b.StatusChanges, a.FullBytes, a.OtherTextBytes - b.OtherTextBytes,
            a.BinaryBytes - b.BinaryBytes);
    }

    /// <summary>When and in what the awaited status arrived.</summary>
    /// <param name="At">The <see cref="Stopwatch"/> timestamp at which the message was read.</param>
    /// <param name="MessageBytes">Bytes on the wire of the message that carried it.</param>
    /// <param name="MessageAgents">Agents in that message's <c>changed</c> array.</param>
    public readonly record struct Seen(long At, int MessageBytes, int MessageAgents);

    private sealed record Armed(string Id, string Status, TaskCompletionSource<Seen> Done);

    public Counts Totals
    {
        get
        {
            lock (_gate)
            {
                return _counts;
            }
        }
    }

    /// <summary>Agents the viewer knows.</summary>
    public int Agents
    {
        get
        {
            lock (_gate)
            {
                return _status.Count;
            }
        }
    }

    public static async Task<AgentsWatcher> ConnectAsync(int port, TimeSpan timeout)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/ws"), CancellationToken.None).ConfigureAwait(false);
        var watcher = new AgentsWatcher(socket);
        await watcher._full.Task.WaitAsync(timeout).ConfigureAwait(false);
        return watcher;
    }

    /// <summary>Up to <paramref name="count"/> agents whose status (as this viewer knows it) is one of <paramref name="statuses"/>.</summary>
    public List<string> AgentsWithStatus(IReadOnlySet<string> statuses, int count, Random random)
    {
        lock (_gate)
        {
            var all = _status.Where(kv => kv.Value is { } s && statuses.Contains(s)).Select(kv => kv.Key).ToList();
            return all.OrderBy(_ => random.Next()).Take(count).ToList();
        }
    }

    /// <summary>The status this viewer shows for <paramref name="id"/>, or null.</summary>
    public string? StatusOf(string id)
    {
        lock (_gate)
        {
            return _status.GetValueOrDefault(id);
        }
    }

    /// <summary>Call just before causing the change: completes when a message first shows <paramref name="id"/> with <paramref name="status"/>.</summary>
    public Task<Seen> Arm(string id, string status)
    {
        var armed = new Armed(id, status, new TaskCompletionSource<Seen>(TaskCreationOptions.RunContinuationsAsynchronously));
        Volatile.Write(ref _armed, armed);
        return armed.Done.Task;
    }

    private async Task ReadLoopAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            while (true)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (length == buffer.Length)
                    {
                        var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, length).CopyTo(bigger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = bigger;
                    }

                    result = await _socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None).ConfigureAwait(false);
                    length += result.Count;
                }
                while (!result.EndOfMessage);

                var now = Stopwatch.GetTimestamp();
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                var wire = length + HeaderBytes(length);
                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    lock (_gate)
                    {
                        _counts = _counts with { BinaryBytes = _counts.BinaryBytes + wire };
                    }

                    continue;
                }

                OnText(buffer.AsSpan(0, length), wire, now);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
        {
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            _full.TrySetException(new IOException("the /ws connection ended before its first agents message"));
        }
    }

    /// <summary>Server frames are unmasked: 2 header bytes, 4 from 126 bytes of payload, 10 from 65,536.</summary>
    private static int HeaderBytes(int payload) => payload < 126 ? 2 : payload < 65_536 ? 4 : 10;

    private void OnText(ReadOnlySpan<byte> text, int wire, long now)
    {
        using var doc = JsonDocument.Parse(text.ToArray());
        var root = doc.RootElement;
        if (!root.TryGetProperty("type", out var type) || !type.ValueEquals("agents"))
        {
            lock (_gate)
            {
                _counts = _counts with { OtherTextBytes = _counts.OtherTextBytes + wire };
            }

            return;
        }

        var armed = Volatile.Read(ref _armed);
        var hit = false;
        var entries = 0;
        lock (_gate)
        {
            if (root.TryGetProperty("full", out var full) && full.ValueKind == JsonValueKind.True)
            {
                _status.Clear();
                foreach (var agent in root.GetProperty("agents").EnumerateArray())
                {
                    _status[agent.GetProperty("id").GetString()!] = agent.TryGetProperty("status", out var s) ? s.GetString() : null;
                }

                _counts = _counts with { FullBytes = wire };
                _full.TrySetResult();
                return;
            }

            long fields = 0, statuses = 0;
            if (root.TryGetProperty("changed", out var changed))
            {
                foreach (var agent in changed.EnumerateArray())
                {
                    entries++;
                    string? id = null;
                    string? status = null;
                    var hasStatus = false;
                    foreach (var p in agent.EnumerateObject())
                    {
                        if (p.NameEquals("id"))
                        {
                            id = p.Value.GetString();
                        }
                        else if (!p.NameEquals("last_seen"))
                        {
                            fields++;
                            if (p.NameEquals("status"))
                            {
                                statuses++;
                                hasStatus = true;
                                status = p.Value.GetString();
                            }
                        }
                    }

                    if (id is null)
                    {
                        continue;
                    }

                    if (hasStatus || !_status.ContainsKey(id))
                    {
                        _status[id] = status ?? _status.GetValueOrDefault(id);
                    }

                    hit |= armed is not null && hasStatus && id == armed.Id && status == armed.Status;
                }
            }

            if (root.TryGetProperty("removed", out var removed))
            {
                foreach (var id in removed.EnumerateArray())
                {
                    _status.Remove(id.GetString()!);
                }
            }

            _counts = _counts with
            {
                AgentsMessages = _counts.AgentsMessages + 1,
                AgentsBytes = _counts.AgentsBytes + wire,
                ChangedAgents = _counts.ChangedAgents + entries,
                ChangedFields = _counts.ChangedFields + fields,
                StatusChanges = _counts.StatusChanges + statuses,
            };
        }

        if (hit && Interlocked.CompareExchange(ref _armed, null, armed) == armed)
        {
            armed!.Done.TrySetResult(new Seen(now, wire, entries));
        }
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Abort(); // ends the pending receive; the harness is done with the stream
        await _loop.ConfigureAwait(false);
        _socket.Dispose();
    }
}
