using Microsoft.Extensions.Logging;
using VisionFlow.Connections.Failures;
using VisionFlow.Connections.Transport;
using VisionFlow.Protocol;
using VisionFlow.Protocol.Contracts.Mcp;
using VisionFlow.Protocol.Dialects;
using VisionFlow.Protocol.Engine;

namespace VisionFlow.Connections.Link;

/// <summary>
/// The one way a connection to the MCP server is made ready, for the session and for every pooled connection alike:
/// open it over the transport, authenticate to a bridge that asks for it, then learn the server's dialect (a session)
/// or repeat the known dialect's handshake (a pooled connection of that session).
/// </summary>
internal sealed class McpHandshake(IMcpTransport transport, McpLinkOptions options, TimeProvider time, ILoggerFactory loggers)
{
    private readonly ILogger _rpcLogger = loggers.CreateLogger("VisionFlow.Mcp.Rpc");

    /// <summary>The transport connections are opened over.</summary>
    public IMcpTransport Transport => transport;

    /// <summary>
    /// Opens, authenticates and detects (<paramref name="known"/> null) or re-handshakes (<paramref name="known"/> given).
    /// Lines the server pushes go to <paramref name="feed"/> as lines of <paramref name="session"/>, and so do its event
    /// notifications (a container bridge broadcasts <c>agent/status</c> as one); without a feed (a pooled connection)
    /// nothing is taken as pushed. Nothing is left open when it fails.
    /// </summary>
    public async ValueTask<(JsonRpcConnection Connection, ServerProfile Profile)> OpenAsync(ServerProfile? known, McpSessionFeed? feed, long session, CancellationToken cancellationToken)
    {
        var rpc = await transport.ConnectAsync(
            new JsonRpcConnectionOptions
            {
                OnPush = feed is null ? null : line => feed.PublishLine(session, in line),
                OnPushesDelivered = feed is null ? null : feed.LinesPublished,
                NotificationsAsPush = feed is not null,
                Logger = _rpcLogger,
                TimeProvider = time,
                Name = $"mcp {transport.Address}",
            },
            cancellationToken).ConfigureAwait(false);
        try
        {
            await AuthenticateAsync(rpc, cancellationToken).ConfigureAwait(false);
            if (known is null)
            {
                return (rpc, await ServerProfile.DetectAsync(rpc, options.ClientVersion, cancellationToken).ConfigureAwait(false));
            }

            if (known.Dialect == ServerDialect.Mcp)
            {
                await ServerProfile.HandshakeAsync(rpc, options.ClientVersion, cancellationToken).ConfigureAwait(false);
            }

            return (rpc, known);
        }
        catch
        {
            await rpc.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The Claude Flow TCP bridge's optional first request (TCP only); a refusal is an authentication failure (SafeMode).</summary>
    private async ValueTask AuthenticateAsync(JsonRpcConnection rpc, CancellationToken cancellationToken)
    {
        if (options.ApiKey is not { } key || !transport.ViaBridge)
        {
            return;
        }

        try
        {
            await new McpBridgeClient(rpc).AuthenticateAsync(new McpAuthenticateParams { Token = key }, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonRpcException ex) when (ex.InnerException is null)
        {
            throw new McpAuthenticationException($"the bridge refused MCP_API_KEY: {ex.Message}", ex);
        }
    }
}
