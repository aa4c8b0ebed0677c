using System.Buffers;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using VisionFlow.Server.Health;

namespace VisionFlow.Server.Hosting;

/// <summary>
/// What the <see cref="EarlyListener"/> answers on one connection while the host is built: the health endpoints from the
/// real probes (<c>/api/health</c> 200 "starting", <c>/api/health/live</c> 200, <c>/api/health/ready</c> 503 with the
/// reason), and for anything else a 503 problem with <c>Retry-After: 1</c> — never a guess at what the host would say.
/// One request per connection (<c>Connection: close</c>): an HTTP/1.1 client simply reconnects, to Kestrel by then.
/// </summary>
internal sealed class StartingResponder(HealthService health)
{
    /// <summary>Request line and headers beyond this are refused (Kestrel's own limit is 32 KB; a probe sends ~100 bytes).</summary>
    private const int MaxHead = 8 * 1024;

    /// <summary>A body a client sends anyway is read and dropped up to this, so closing does not reset the answer away.</summary>
    private const int MaxDrain = 64 * 1024;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    private static readonly byte[] StartingProblem = Encoding.UTF8.GetBytes(
        "{\"type\":\"https://tools.ietf.org/html/rfc9110#section-15.6.4\",\"title\":\"Service Unavailable\",\"status\":503," +
        "\"detail\":\"the service is starting: only /api/health, /api/health/live and /api/health/ready answer yet; retry in a moment\"}");

    private static readonly byte[] BadRequestProblem = Encoding.UTF8.GetBytes(
        "{\"type\":\"https://tools.ietf.org/html/rfc9110#section-15.5.1\",\"title\":\"Bad Request\",\"status\":400,\"detail\":\"not an HTTP/1.x request\"}");

    private static readonly byte[] NotAllowedProblem = Encoding.UTF8.GetBytes(
        "{\"type\":\"https://tools.ietf.org/html/rfc9110#section-15.5.6\",\"title\":\"Method Not Allowed\",\"status\":405,\"detail\":\"the health endpoints answer GET and HEAD\"}");

    /// <summary>Reads one request from <paramref name="client"/>, answers it and closes the connection; never throws.</summary>
    public void Serve(Socket client)
    {
        using (client)
        {
            try
            {
                client.Blocking = true;
                client.NoDelay = true;
                client.ReceiveTimeout = client.SendTimeout = (int)Timeout.TotalMilliseconds;
                var buffer = ArrayPool<byte>.Shared.Rent(MaxHead);
                try
                {
                    Answer(client, buffer);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // The client left or stalled past the timeout: nothing to answer to.
            }
            catch (Exception ex)
            {
                // On a pool thread, before there is a logger: one line, and the process goes on starting (an exception
                // here would otherwise end it).
                Console.Error.WriteLine($"visionflow: the early listener could not answer a request: {ex.GetType().Name}: {ex.Message}");
            }
        }
    }

    /// <summary>The answer to one request head (exposed for tests): status, content type, body, extra headers.</summary>
    internal (int Status, string ContentType, byte[] Body, string? Extra) Respond(ReadOnlySpan<byte> method, ReadOnlySpan<byte> target)
    {
        var query = target.IndexOf((byte)'?');
        var path = Encoding.ASCII.GetString(query < 0 ? target : target[..query]).TrimEnd('/');
        var endpoint = path.Equals("/api/health", StringComparison.OrdinalIgnoreCase) ? 0
            : path.Equals("/api/health/live", StringComparison.OrdinalIgnoreCase) ? 1
            : path.Equals("/api/health/ready", StringComparison.OrdinalIgnoreCase) ? 2
            : -1;
        if (endpoint < 0)
        {
            return (503, "application/problem+json", StartingProblem, "Retry-After: 1\r\n");
        }

        if (!method.SequenceEqual("GET"u8) && !method.SequenceEqual("HEAD"u8))
        {
            return (405, "application/problem+json", NotAllowedProblem, "Allow: GET, HEAD\r\n");
        }

        const string json = "application/json; charset=utf-8";
        switch (endpoint)
        {
            case 0:
                return (200, json, JsonSerializer.SerializeToUtf8Bytes(health.Report(), HealthJsonContext.Default.HealthReport), null);
            case 1:
                return (200, json, JsonSerializer.SerializeToUtf8Bytes(health.Liveness(), HealthJsonContext.Default.ProbeReport), null);
            default:
                var (ready, report) = health.Readiness();
                return (ready ? 200 : 503, json, JsonSerializer.SerializeToUtf8Bytes(report, HealthJsonContext.Default.ProbeReport), null);
        }
    }

    private void Answer(Socket client, byte[] buffer)
    {
        var read = 0;
        int end;
        while ((end = buffer.AsSpan(0, read).IndexOf("\r\n\r\n"u8)) < 0)
        {
            if (read == MaxHead)
            {
                Send(client, 431, "application/problem+json", BadRequestProblem, null, head: false);
                Drain(client);
                return;
            }

            var n = client.Receive(buffer, read, MaxHead - read, SocketFlags.None);
            if (n == 0)
            {
                return; // closed before a whole request
            }

            read += n;
        }

        var head = buffer.AsSpan(0, end);
        var lineEnd = head.IndexOf("\r\n"u8);
        var line = lineEnd < 0 ? head : head[..lineEnd];
        if (!TryParseRequestLine(line, out var method, out var target))
        {
            Send(client, 400, "application/problem+json", BadRequestProblem, null, head: false);
            Drain(client);
            return;
        }

        var (status, type, body, extra) = Respond(line[method], line[target]);
        Send(client, status, type, body, extra, head: line[method].SequenceEqual("HEAD"u8));
        Drain(client);
    }

    private static bool TryParseRequestLine(ReadOnlySpan<byte> line, out Range method, out Range target)
    {
        method = target = default;
        var first = line.IndexOf((byte)' ');
        var last = line.LastIndexOf((byte)' ');
        if (first <= 0 || last <= first + 1)
        {
            return false;
        }

        var version = line[(last + 1)..];
        if (!version.SequenceEqual("HTTP/1.1"u8) && !version.SequenceEqual("HTTP/1.0"u8) || line[first + 1] != (byte)'/')
        {
            return false;
        }

        foreach (var b in line[..first])
        {
            if (b is < (byte)'A' or > (byte)'Z')
            {
                return false;
            }
        }

        method = ..first;
        target = (first + 1)..last;
        return true;
    }

    private static void Send(Socket client, int status, string contentType, byte[] body, string? extra, bool head)
    {
        var reason = status switch
        {
            200 => "OK",
            400 => "Bad Request",
            405 => "Method Not Allowed",
            431 => "Request Header Fields Too Large",
            _ => "Service Unavailable",
        };
        var headers = string.Create(CultureInfo.InvariantCulture,
            $"HTTP/1.1 {status} {reason}\r\nContent-Type: {contentType}\r\nContent-Length: {body.Length}\r\nDate: {DateTimeOffset.UtcNow:r}\r\nCache-Control: no-store\r\nConnection: close\r\n{extra}\r\n");
        var bytes = Encoding.ASCII.GetBytes(headers);
        if (head)
        {
            client.Send(bytes);
        }
        else
        {
            client.Send([new ArraySegment<byte>(bytes), new ArraySegment<byte>(body)]);
        }
    }

    /// <summary>
    /// Reads what the client still sends (a body, up to <see cref="MaxDrain"/>, until it closes or the timeout) before
    /// closing: closing with unread data makes the kernel reset the connection, and the client may lose the answer.
    /// </summary>
    private static void Drain(Socket client)
    {
        client.Shutdown(SocketShutdown.Send);
        Span<byte> sink = stackalloc byte[4096];
        var budget = MaxDrain;
        int n;
        while (budget > 0 && (n = client.Receive(sink, SocketFlags.None)) > 0)
        {
            budget -= n;
        }
    }
}
