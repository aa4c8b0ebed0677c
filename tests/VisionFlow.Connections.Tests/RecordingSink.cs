using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using VisionFlow.Connections.Link;

namespace VisionFlow.Connections.Tests;

/// <summary>Reads a link's <see cref="McpSessionFeed"/> as it is written, and writes down every delivery, in order, as a line of text.</summary>
internal sealed class RecordingSink
{
    private readonly ConcurrentQueue<string> _events = new();
    private readonly McpSessionFeed _feed;
    private readonly Lock _reading = new();
    private string? _lastListing;

    public RecordingSink(McpSessionFeed feed)
    {
        _feed = feed;
        feed.Subscribe(Read);
    }

    public IReadOnlyList<string> Events => [.. _events];

    /// <summary>Agent ids of the last listing.</summary>
    public IReadOnlyList<string> LastAgents { get; private set; } = [];

    public int Listings => _events.Count(e => e.StartsWith("listing", StringComparison.Ordinal));

    /// <summary>Takes everything waiting, on the writer's thread (one reader at a time).</summary>
    private void Read()
    {
        lock (_reading)
        {
            while (_feed.TryTake(out var delivery))
            {
                if (delivery.IsEnd)
                {
                    _events.Enqueue($"end {delivery.Session}");
                    continue;
                }

                using var doc = JsonDocument.Parse(delivery.Json);
                var ids = doc.RootElement.GetProperty("agents").EnumerateArray().Select(a => a.GetProperty("agent_id").GetString()!).Order(StringComparer.Ordinal).ToList();
                LastAgents = ids;
                var text = $"listing {delivery.Session} [{string.Join(",", ids)}]";
                _events.Enqueue(text);
                delivery.Complete(text != Interlocked.Exchange(ref _lastListing, text));
            }

            while (_feed.TryReadLine(out var session, out var line))
            {
                _events.Enqueue($"push {session} {Encoding.UTF8.GetString(line)}");
            }
        }
    }
}
