using System.Text;

namespace VisionFlow.Testing.Fuzzing;

/// <summary>
/// Deterministic hostile lines for a JSON-RPC connection, shared by the quick fuzz test and the long
/// <c>./build.sh bench fuzz</c> run: random bytes, truncated templates, valid JSON that is not JSON-RPC, banners, random
/// JSON-RPC shapes (wrong versions, both or neither result and error, odd ids, batches) and, one in a hundred, a line over
/// the maximum.
/// </summary>
public static class HostileLines
{
    private static readonly string[] ValidJsonNotRpc =
    [
        "{\"foo\":[1,2,{\"bar\":null}]}", "42", "\"str\"", "[1,2]", "{\"type\":5}", "[]", "null", "true", "{}", "[[[]]]",
        "{\"jsonrpc\":\"2.0\"}", "{\"data\":{\"type\":\"agent.status\"}}",
    ];

    private static readonly string[] Templates =
    [
        "{\"jsonrpc\":\"2.0\",\"id\":\"x-1\",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"{\\\"success\\\":true}\"}]}}",
        "{\"jsonrpc\":\"2.0\",\"method\":\"agent/status\",\"params\":{\"agents\":[{\"id\":\"a\",\"cpu\":0.3}]}}",
        "{\"type\":\"agent.status\",\"data\":{\"id\":\"a1\",\"status\":\"busy\"},\"timestamp\":\"2026-11-25T10:00:00Z\"}",
        "[{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"add\",\"params\":{\"a\":1,\"b\":2}},{\"jsonrpc\":\"2.0\",\"method\":\"n\"}]",
        "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}",
    ];

    /// <summary>
    /// The next hostile line (no newline inside) for a connection whose maximum line length is <paramref name="maxLine"/>;
    /// some ids look like the connection's own requests (<paramref name="requestIdPrefix"/>, the engine's
    /// <c>JsonRpcConnection.RequestIdPrefix</c>) but use a sequence number it never issues.
    /// </summary>
    public static string Next(Random random, int maxLine, string requestIdPrefix)
    {
        switch (random.Next(100))
        {
            case 0:
                // Oversize: the line ends the connection, whatever follows it.
                return "{\"big\":\"" + new string('x', maxLine + 50 + random.Next(3000));
            case < 15:
                var bytes = new byte[random.Next(0, 120)];
                random.NextBytes(bytes);
                return Encoding.Latin1.GetString(bytes).Replace('\n', ' ');
            case < 35:
                var t = Templates[random.Next(Templates.Length)];
                return t[..random.Next(1, t.Length)];
            case < 50:
                return ValidJsonNotRpc[random.Next(ValidJsonNotRpc.Length)];
            case < 60:
                return Templates[random.Next(Templates.Length)];
            case < 65:
                return "Claude Flow banner " + random.Next();
            default:
                return RandomRpc(random, requestIdPrefix);
        }
    }

    private static string RandomRpc(Random random, string requestIdPrefix)
    {
        var members = new List<string>();
        string Pick(params string[] options) => options[random.Next(options.Length)];
        if (random.Next(10) > 0)
        {
            members.Add("\"jsonrpc\":" + Pick("\"2.0\"", "\"2.0\"", "\"1.0\"", "2", "null"));
        }

        if (random.Next(3) == 0)
        {
            members.Add("\"method\":" + Pick("\"add\"", "\"echo\"", "\"fail\"", "\"custom\"", "\"nope\"", "7", "\"notifications/x\""));
        }

        if (random.Next(4) > 0)
        {
            // Large numbers: never a sequence this process has issued, so junk cannot complete a real request by accident.
            members.Add("\"id\":" + Pick("\"zz-" + random.Next() + "\"", (1_000_000_000_000L + random.Next()).ToString(System.Globalization.CultureInfo.InvariantCulture), "null", "true", "{\"a\":1}", "1.5", "\"" + requestIdPrefix + "-999999999\""));
        }

        if (random.Next(3) == 0)
        {
            members.Add("\"params\":" + Pick("{\"a\":1,\"b\":2}", "[1,2]", "3", "\"s\"", "{\"a\":\"x\"}", "null"));
        }

        if (random.Next(3) == 0)
        {
            members.Add("\"result\":" + Pick("1", "null", "{\"x\":[1,2]}", "\"ok\""));
        }

        if (random.Next(4) == 0)
        {
            members.Add("\"error\":" + Pick("{\"code\":-32000,\"message\":\"m\"}", "{\"code\":\"x\"}", "\"bad\"", "{\"code\":1,\"message\":\"m\",\"data\":[1]}"));
        }

        var shuffled = members.OrderBy(_ => random.Next()).ToList();
        var json = "{" + string.Join(",", shuffled) + "}";
        return random.Next(8) == 0 ? "[" + json + "," + json + "]" : json;
    }
}
