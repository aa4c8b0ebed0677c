using System.Buffers;
using System.Text.Json;
using VisionFlow.Agents.Cache;
using VisionFlow.Connections.Link;
using VisionFlow.Server.Mcp;

namespace VisionFlow.Server.Api;

/// <summary>
/// The serialized <c>GET /api/bots/agents</c> body, rebuilt only when the agent snapshot, the link or the degradation
/// level changes: every viewer polls it, and serializing thousands of agents per request would cost more than serving.
/// </summary>
/// <remarks>
/// At 10,000 agents the body is 2.6 MB and the snapshot changes ten times a second. Building it with
/// <c>SerializeToUtf8Bytes</c> put a fresh array on the large object heap per change, and every request that saw the
/// stale entry built its own, so memory climbed under load. Now one build runs at a time into a reused scratch buffer,
/// the body lives in a recycled buffer (<see cref="AgentsBodyBuffers"/>) shared by the cache and the responses still
/// writing it, the agent views are structs mapped during serialization, and a request that arrives
/// while a newer snapshot is being serialized gets the previous body of the same link state (at most one telemetry
/// interval old) rather than waiting or building a second copy. A change of link state or level always waits for the
/// fresh body, so agents are never served after the link that fed them went down.
/// </remarks>
internal sealed class AgentsResponseCache
{
    private readonly Lock _gate = new();
    private readonly Lock _build = new();
    private ArrayBufferWriter<byte> _scratch = new(64 * 1024);
    private readonly AgentsBodyBuffers _buffers = new();
    private readonly Utf8JsonWriter _writer;
    private AgentsBody? _current;
    private bool _building;

    public AgentsResponseCache() => _writer = new Utf8JsonWriter(_scratch);

    /// <summary>The current body with a reference the caller must <see cref="AgentsBody.Release"/>.</summary>
    public AgentsBody Acquire(McpServices mcp, AgentSnapshot snapshot)
    {
        var key = Key.Of(mcp, snapshot);
        lock (_gate)
        {
            if (_current is { } current && (current.Key.Matches(key) || (_building && current.Key.SameLinkState(key))))
            {
                current.AddReference();
                return current;
            }
        }

        lock (_build)
        {
            // Whoever held the build lock before us may have built exactly this.
            key = Key.Of(mcp, mcp.Intake.Cache.CurrentOrNewer(snapshot));
            lock (_gate)
            {
                if (_current is { } current && current.Key.Matches(key))
                {
                    current.AddReference();
                    return current;
                }

                _building = true;
            }

            AgentsBody body;
            try
            {
                body = Build(key);
            }
            finally
            {
                lock (_gate)
                {
                    _building = false;
                }
            }

            AgentsBody? previous;
            lock (_gate)
            {
                previous = _current;
                _current = body;
                body.AddReference();
            }

            previous?.Release();
            return body;
        }
    }

    /// <summary>Buffers created for bodies so far.</summary>
    internal int BuffersCreated => _buffers.Created;

    internal static AgentView ToView(AgentInfo a) =>
        new(a.Id, a.NodeId, a.Type, a.Status, a.CpuUsage, a.MemoryUsage, a.TasksActive, a.TokensUsed, a.SwarmId, a.LastSeen, a.IsStale, a.Health, a.CreatedAt, a.Model);

    private AgentsBody Build(Key key)
    {
        var snapshot = key.Snapshot;
        var available = snapshot.Available && key.Link.State == McpLinkState.Connected;
        var profile = key.Link.Profile;
        var agents = available ? new AgentViewList(snapshot.Agents) : AgentViewList.Empty;
        _scratch.ResetWrittenCount();
        _writer.Reset(_scratch);
        JsonSerializer.Serialize(
            _writer,
            new AgentsResponse(
                available,
                !available ? "none" : profile?.IsSimulator == true ? "simulator" : "mcp",
                available && profile?.IsSimulator == true,
                profile?.Describe(),
                available ? null : key.Link.Detail,
                agents.Count,
                snapshot.MaxAgents,
                available ? snapshot.Untracked : 0,
                snapshot.RejectedOverLimit,
                key.Level,
                agents),
            ApiJsonContext.Default.AgentsResponse);
        _writer.Flush();
        var body = new AgentsBody(key, _scratch.WrittenSpan, _buffers);

        // A scratch buffer grown by one very large swarm is not kept for ever.
        if (_scratch.Capacity > 4 * Math.Max(_scratch.WrittenCount, 64 * 1024))
        {
            _scratch = new ArrayBufferWriter<byte>(Math.Max(_scratch.WrittenCount, 64 * 1024));
            _writer.Reset(_scratch);
        }

        return body;
    }

    /// <summary>What the body was built from; compared by reference, since every change makes new instances.</summary>
    internal readonly record struct Key(AgentSnapshot Snapshot, McpLinkStatus Link, string Level)
    {
        public static Key Of(McpServices mcp, AgentSnapshot snapshot) =>
            new(snapshot, mcp.Link.Status, mcp.Link.Degradation.Current.LevelName);

        public bool Matches(Key other) => ReferenceEquals(Snapshot, other.Snapshot) && SameLinkState(other);

        public bool SameLinkState(Key other) => ReferenceEquals(Link, other.Link) && ReferenceEquals(Level, other.Level);
    }

    /// <summary>The snapshot's agents as REST views, mapped while serializing rather than copied into a list first.</summary>
    private sealed class AgentViewList(IReadOnlyList<AgentInfo> agents) : IReadOnlyList<AgentView>
    {
        public static readonly AgentViewList Empty = new([]);

        public int Count => agents.Count;

        public AgentView this[int index] => ToView(agents[index]);

        public IEnumerator<AgentView> GetEnumerator()
        {
            for (var i = 0; i < agents.Count; i++)
            {
                yield return ToView(agents[i]);
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
