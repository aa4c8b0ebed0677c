using VisionFlow.Connections.Failures;
using VisionFlow.Protocol;
using VisionFlow.Protocol.Dialects;
using VisionFlow.Protocol.Engine;

namespace VisionFlow.Connections.Link;

/// <summary>
/// One session with the MCP server: its connection, the server's dialect, how telemetry arrives, and the stop of
/// everything that runs for it (the poller), made together by <see cref="OpenAsync"/> and dropped together by
/// <see cref="DisposeAsync"/>. Its number tags everything it delivers to the link's feed, so nothing of an ended session is applied.
/// </summary>
internal sealed class McpSession : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly McpSessionFeed _feed;
    private readonly string? _gap;
    private Task _poller = Task.CompletedTask;
    private int _dropped;

    private McpSession(long number, JsonRpcConnection connection, ServerProfile profile, TelemetryMode telemetry, string? gap, McpSessionFeed feed)
    {
        Number = number;
        Connection = connection;
        Profile = profile;
        Telemetry = telemetry;
        _gap = gap;
        _feed = feed;
    }

    /// <summary>The session's number (never reused).</summary>
    public long Number { get; }

    /// <summary>The session's own connection: it carries the listing, the subscription and pushed lines.</summary>
    public JsonRpcConnection Connection { get; }

    /// <summary>The server's dialect and tools, as detected when the session opened.</summary>
    public ServerProfile Profile { get; }

    /// <summary>How telemetry arrives in this session.</summary>
    public TelemetryMode Telemetry { get; }

    /// <summary>How telemetry arrives, in words.</summary>
    public string TelemetryDescription => Telemetry switch
    {
        TelemetryMode.Push => "pushed by the server",
        TelemetryMode.Poll => "polled (the server pushes none)",
        _ => $"unavailable: {_gap}",
    };

    /// <summary>
    /// Opens session <paramref name="number"/>: the handshake (open, authenticate, detect), the server's full agent
    /// listing into the feed (which starts the session there), then pushed telemetry subscribed, or polling chosen when
    /// the server pushes none. List before watch: pushes start only after the listing is applied, so nothing older than
    /// it can land on top. When it fails, nothing of it is left open and the feed says the session ended.
    /// </summary>
    public static async Task<McpSession> OpenAsync(long number, McpHandshake handshake, McpSessionFeed feed, McpLinkOptions options, CancellationToken cancellationToken)
    {
        JsonRpcConnection? rpc = null;
        try
        {
            (rpc, var profile) = await handshake.OpenAsync(known: null, feed, number, cancellationToken).ConfigureAwait(false);
            var client = profile.CreateClient(rpc);
            byte[]? listing = null;
            string? gap = null;
            try
            {
                listing = await client.ListAgentsRawAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationNotOfferedException ex)
            {
                gap = ex.Message;
            }

            var mode = TelemetryMode.Unsupported;
            if (listing is not null)
            {
                await feed.PublishListingAsync(number, listing, cancellationToken).ConfigureAwait(false);
                mode = await ServerProfile.SubscribeTelemetryAsync(rpc, options.TelemetryEvents, options.TelemetryInterval, cancellationToken).ConfigureAwait(false)
                    ? TelemetryMode.Push
                    : TelemetryMode.Poll;
            }

            return new McpSession(number, rpc, profile, mode, gap, feed);
        }
        catch
        {
            feed.PublishEnd(number);
            if (rpc is not null)
            {
                await rpc.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>Starts <paramref name="poll"/> for this session; it runs until the session is dropped.</summary>
    public void StartPolling(Func<long, CancellationToken, Task> poll) => _poller = Task.Run(() => poll(Number, _stop.Token));

    /// <summary>
    /// Calls <paramref name="closed"/> once, with why, when the session's connection closes (the server went away, or
    /// the session was dropped).
    /// </summary>
    public void WhenClosed(Action<McpSession, McpFailure> closed) =>
        _ = Connection.Completion.ContinueWith(
            static (_, state) =>
            {
                var (session, callback) = ((McpSession, Action<McpSession, McpFailure>))state!;
                var failure = session.Connection.CloseException is { } ex
                    ? FailureClassifier.Classify(ex)
                    : new McpFailure(McpFailureKind.Closed, "the server closed the session's connection");
                callback(session, failure);
            },
            (this, closed),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

    /// <summary>
    /// A connection for the request pool in this session: a new one through the same handshake, with the dialect known;
    /// or, over a transport where one connection carries everything, this session's own (not owned by the pool).
    /// <paramref name="measure"/> wraps what the client sends (timing and tracing of each call).
    /// </summary>
    public async ValueTask<McpConnection> OpenRequestConnectionAsync(McpHandshake handshake, Func<IJsonRpcInvoker, ServerDialect, IJsonRpcInvoker> measure, Func<long> currentSession, CancellationToken cancellationToken)
    {
        if (handshake.Transport.Multiplexed)
        {
            return new McpConnection(Connection, Profile.CreateClient(measure(Connection, Profile.Dialect)), Number, currentSession, ownsConnection: false);
        }

        var (rpc, _) = await handshake.OpenAsync(Profile, feed: null, session: 0, cancellationToken).ConfigureAwait(false);
        return new McpConnection(rpc, Profile.CreateClient(measure(rpc, Profile.Dialect)), Number, currentSession, ownsConnection: true);
    }

    /// <summary>
    /// Drops the session: its stop is signalled and its end written to the feed at once (before the first await, so a caller that does
    /// not wait still ends it now), then the connection is closed and the poller awaited.
    /// </summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _dropped, 1) != 0)
        {
            return default;
        }

        _stop.Cancel();
        _feed.PublishEnd(Number);
        return CloseAsync();
    }

    private async ValueTask CloseAsync()
    {
        await Connection.DisposeAsync().ConfigureAwait(false);
        await Background.Quietly(_poller).ConfigureAwait(false);
        _stop.Dispose();
    }
}
