using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace VisionFlow.Server.Streaming;

/// <summary>Maps <c>/ws</c>: the binary position stream with text notices.</summary>
internal static class StreamEndpoints
{
    public static IEndpointRouteBuilder MapStreamEndpoints(this IEndpointRouteBuilder app)
    {
        app.Map("/ws", StreamAsync);
        return app;
    }

    // A named method with a service parameter: explicit types for the request delegate generator, and not the
    // RequestDelegate overload (which would discard the IResult).
    private static async Task<IResult> StreamAsync(HttpContext context, NodeSnapshotHub hub)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "WebSocket upgrade required",
                detail: "/ws carries the binary position stream; connect with a WebSocket client.");
        }

        var services = context.RequestServices;
        var notices = services.GetRequiredService<StreamNotices>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("VisionFlow.Stream");
        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        var session = new PositionStreamSession(
            socket,
            hub,
            services.GetRequiredService<StreamTopics>(),
            services.GetRequiredService<StreamOptions>(),
            services.GetRequiredService<TimeProvider>(),
            logger);

        var options = services.GetRequiredService<StreamOptions>();
        session.EnqueueText(StreamNotices.Write(w =>
        {
            w.WriteString("type"u8, "hello"u8);
            w.WriteNumber("record_size"u8, NodeFrameEncoder.RecordSize);
            w.WriteNumber("agent_flag"u8, 0x80000000u);
            w.WriteNumber("max_rate_hz"u8, options.MaxRateHz);
        }));
        if (!notices.LastDegradationNotice.IsEmpty)
        {
            session.EnqueueText(notices.LastDegradationNotice);
        }

        notices.Add(session);
        StreamLog.Connected(logger, notices.ClientCount);
        try
        {
            // A stop closes the stream with 1001 at once; left to the host, it would stream on until the shutdown timeout
            // and then reset the connection without a close frame.
            var stopping = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            await session.RunAsync(context.RequestAborted, stopping).ConfigureAwait(false);
        }
        finally
        {
            notices.Remove(session);
            StreamLog.Disconnected(logger, session.FramesSent, notices.ClientCount);
        }

        return Results.Empty;
    }
}
