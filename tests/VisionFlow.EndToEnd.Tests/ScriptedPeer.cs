using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VisionFlow.EndToEnd.Tests;

/// <summary>
/// A JSON-RPC peer on 127.0.0.1 that answers each request with what <c>answer</c> returns for its method and params:
/// a result, or an error (code, message). For shapes the simulator never produces: a plain-dialect-only server, a
/// tool result with <c>isError</c>.
/// </summary>
internal sealed class ScriptedPeer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<string, JsonNode?, (JsonNode? Result, (int Code, string Message)? Error)> _answer;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public ScriptedPeer(Func<string, JsonNode?, (JsonNode? Result, (int Code, string Message)? Error)> answer)
    {
        _answer = answer;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Answers like a plain-dialect server: no <c>initialize</c>, a <c>system.ping</c>, empty results otherwise.</summary>
    public static ScriptedPeer Plain() => new((method, _) => method switch
    {
        "initialize" => (null, (-32601, "Method not found: initialize")),
        "system.ping" => (new JsonObject { ["server"] = "scripted-plain-peer", ["version"] = "1.0" }, null),
        _ => (new JsonObject(), null),
    });

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = ServeAsync(client);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.UTF8);
                while (await reader.ReadLineAsync(_stop.Token) is { } line)
                {
                    var request = JsonNode.Parse(line);
                    var id = request?["id"];
                    if (id is null)
                    {
                        continue; // a notification
                    }

                    var (result, error) = _answer((string)request!["method"]!, request["params"]);
                    var reply = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id.DeepClone() };
                    if (error is { } e)
                    {
                        reply["error"] = new JsonObject { ["code"] = e.Code, ["message"] = e.Message };
                    }
                    else
                    {
                        reply["result"] = result;
                    }

                    await stream.WriteAsync(Encoding.UTF8.GetBytes(reply.ToJsonString() + "\n"), _stop.Token);
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or JsonException)
            {
                // The client went away or sent garbage: this peer only serves well-formed test clients.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
