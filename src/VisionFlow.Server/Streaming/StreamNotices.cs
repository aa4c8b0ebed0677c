using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;

namespace VisionFlow.Server.Streaming;

/// <summary>
/// Fans text notices (degradation changes, status) out to every connected stream session. A slow client loses its
/// oldest queued notices, never blocks the sender, and always receives the newest one.
/// </summary>
internal sealed class StreamNotices
{
    private readonly ConcurrentDictionary<PositionStreamSession, byte> _sessions = new();
    private readonly Lock _framesGate = new();
    private ReadOnlyMemory<byte> _lastDegradation;
    private long _connections;
    private long _framesSentClosed; // under _framesGate

    /// <summary>Number of connected stream clients.</summary>
    public int ClientCount => _sessions.Count;

    /// <summary>Stream clients accepted since start.</summary>
    public long Connections => Interlocked.Read(ref _connections);

    /// <summary>Binary frames sent to the clients connected now.</summary>
    public long FramesSentToConnected
    {
        get
        {
            long frames = 0;
            foreach (var session in _sessions.Keys)
            {
                frames += session.FramesSent;
            }

            return frames;
        }
    }

    /// <summary>Binary frames sent since start, to clients still connected or gone.</summary>
    public long FramesSent
    {
        get
        {
            // Under the lock a leaving client is counted once, either as connected or as gone: the total never dips.
            lock (_framesGate)
            {
                return _framesSentClosed + FramesSentToConnected;
            }
        }
    }

    /// <summary>The newest degradation notice, replayed to clients when they connect.</summary>
    public ReadOnlyMemory<byte> LastDegradationNotice => _lastDegradation;

    /// <summary>Sends a degradation notice to every client and remembers it for new ones.</summary>
    public void PublishDegradation(string level, string message)
    {
        var json = Write(w =>
        {
            w.WriteString("type"u8, "degradation"u8);
            w.WriteString("level"u8, level);
            w.WriteString("message"u8, message);
        });
        _lastDegradation = json;
        Broadcast(json);
    }

    /// <summary>Sends a pre-encoded UTF-8 JSON text notice to every client.</summary>
    public void Broadcast(ReadOnlyMemory<byte> utf8Json)
    {
        foreach (var session in _sessions.Keys)
        {
            session.EnqueueText(utf8Json);
        }
    }

    internal void Add(PositionStreamSession session)
    {
        _sessions.TryAdd(session, 0);
        Interlocked.Increment(ref _connections);
    }

    internal void Remove(PositionStreamSession session)
    {
        lock (_framesGate)
        {
            if (_sessions.TryRemove(session, out _))
            {
                // Its send loop has ended, so its count is final.
                _framesSentClosed += session.FramesSent;
            }
        }
    }

    internal static ReadOnlyMemory<byte> Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenMemory;
    }
}
