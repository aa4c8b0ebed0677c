using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using VisionFlow.Connections.Link;

namespace VisionFlow.Connections.Tests;

/// <summary>An <see cref="IMcpTelemetrySink"/> that writes down every delivery, in order, as a line of text.</summary>
internal sealed class RecordingSink : IMcpTelemetrySink
{
    private readonly ConcurrentQueue<string> _events = new();
    private string? _lastListing;

    public IReadOnlyList<string> Events => [.. _events];

    /// <summary>Agent ids of the last listing.</summary>
    public IReadOnlyList<string> LastAgents { get; private set; } = [];

    public int Listings => _events.Count(e => e.StartsWith("listing", StringComparison.Ordinal));

    public ValueTask<bool> ApplyListingAsync(long session, byte[] json, CancellationToken cancellationToken)
    {
        using var doc = JsonDocument.Parse(json);
        var ids = doc.RootElement.GetProperty("agents").EnumerateArray().Select(a => a.GetProperty("agent_id").GetString()!).Order(StringComparer.Ordinal).ToList();
        LastAgents = ids;
        var text = $"listing {session} [{string.Join(",", ids)}]";
        _events.Enqueue(text);
        var changed = text != Interlocked.Exchange(ref _lastListing, text);
        return ValueTask.FromResult(changed);
    }

    public void OnPushLine(long session, ReadOnlySpan<byte> line) => _events.Enqueue($"push {session} {Encoding.UTF8.GetString(line)}");

    public void EndSession(long session) => _events.Enqueue($"end {session}");
}
