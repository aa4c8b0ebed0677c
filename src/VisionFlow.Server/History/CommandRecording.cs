using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using VisionFlow.History.Recording;
using VisionFlow.Server.Api;

namespace VisionFlow.Server.History;

/// <summary>
/// Records every command sent through the API (a write under <c>/api/bots</c> that reached its endpoint): who sent it,
/// which operation (method and route), the id it aimed at, the body, and the answer (status and body). The request body
/// is kept readable for the endpoint (buffered) and the answer is copied as it is written; both are cut at
/// <see cref="MaxText"/> characters in the record. Under <c>visionflow replay</c> a command is refused (409): a replay
/// is read-only.
/// </summary>
internal static class CommandRecording
{
    /// <summary>Longest request or answer body kept in a record.</summary>
    public const int MaxText = 4096;

    public static Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)
            || !request.Path.StartsWithSegments("/api/bots", StringComparison.Ordinal)
            || context.GetEndpoint() is not RouteEndpoint endpoint)
        {
            return next(context);
        }

        var history = context.RequestServices.GetRequiredService<HistoryService>();
        if (history.ReplayFile is { } file)
        {
            return JsonBody.Bad($"this is a replay of {Path.GetFileName(file)}, read-only: commands go to a live service", StatusCodes.Status409Conflict)
                .ExecuteAsync(context);
        }

        return history.Recorder is { } recorder
            ? RecordAsync(context, next, endpoint, recorder, context.RequestServices.GetRequiredService<TimeProvider>())
            : next(context);
    }

    private static async Task RecordAsync(HttpContext context, RequestDelegate next, RouteEndpoint endpoint, HistoryRecorder recorder, TimeProvider time)
    {
        var request = context.Request;
        request.EnableBuffering(bufferThreshold: 64 * 1024);
        var started = time.GetTimestamp();
        var originalFeature = context.Features.Get<IHttpResponseBodyFeature>()!;
        var copy = new AnswerCopy(context.Response.Body, MaxText);
        context.Response.Body = copy;
        try
        {
            await next(context).ConfigureAwait(false);
            await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        }
        finally
        {
            context.Features.Set(originalFeature);
            string? body = null;
            if (request.Body.CanSeek)
            {
                request.Body.Position = 0;
                var buffer = new byte[MaxText];
                var read = await request.Body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, CancellationToken.None).ConfigureAwait(false);
                body = read == 0 ? null : Encoding.UTF8.GetString(buffer, 0, read);
            }

            var operation = $"{request.Method} {endpoint.RoutePattern.RawText}";
            var target = context.GetRouteValue("id") as string;
            var agent = request.Headers.UserAgent.ToString();
            var client = context.Connection.RemoteIpAddress?.ToString() ?? "local";
            if (agent.Length > 0)
            {
                client = $"{client} ({(agent.Length > 120 ? agent[..120] : agent)})";
            }

            recorder.Command(client, operation, target, body, context.Response.StatusCode, copy.Text, time.GetElapsedTime(started));
        }
    }

    /// <summary>Passes the answer through and keeps its first characters.</summary>
    private sealed class AnswerCopy(Stream inner, int keep) : Stream
    {
        private readonly MemoryStream _kept = new();

        public string? Text => _kept.Length == 0 ? null : Encoding.UTF8.GetString(_kept.GetBuffer(), 0, (int)_kept.Length);

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            Keep(buffer.AsSpan(offset, count));
            inner.Write(buffer, offset, count);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Keep(buffer.Span);
            await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private void Keep(ReadOnlySpan<byte> bytes)
        {
            var room = keep - (int)_kept.Length;
            if (room > 0)
            {
                _kept.Write(bytes[..Math.Min(room, bytes.Length)]);
            }
        }
    }
}
