using System.Buffers;
using System.Text;
using CsCheck;
using VisionFlow.Protocol.Messages;
using VisionFlow.Testing;
using VisionFlow.Testing.Fuzzing;

namespace VisionFlow.Protocol.Tests;

/// <summary>
/// The byte scan that lets a push line skip the JSON-RPC pass must never take a JSON-RPC message for one: whatever it
/// hands on, the full classification would have called a push line or no JSON-RPC at all.
/// </summary>
public sealed class PushLineScanTests
{
    private static readonly JsonRpcMessageKind[] JsonRpcKinds =
        [JsonRpcMessageKind.Request, JsonRpcMessageKind.Notification, JsonRpcMessageKind.SuccessResponse, JsonRpcMessageKind.ErrorResponse, JsonRpcMessageKind.Batch];

    [Test]
    [Arguments("{\"type\":\"agent.status\",\"data\":{\"agent_id\":\"a1\",\"status\":\"busy\"},\"timestamp\":\"2026-11-25T10:00:00Z\"}", true)]
    [Arguments("{\"type\":\"agent.status\",\"data\":{\"agent_id\":\"a1\"", true)] // truncated: its reader finds that out
    [Arguments("{\"jsonrpc\":\"2.0\",\"method\":\"agent/status\",\"params\":{\"agentId\":\"a1\"}}", false)]
    [Arguments("{\"id\":3,\"result\":{},\"jsonrpc\":\"2.0\"}", false)]
    [Arguments("{\"\\u006Asonrpc\":\"2.0\",\"id\":3,\"result\":{}}", false)] // an escaped member name is still the member
    [Arguments("{\"type\":\"agent.status\",\"data\":{\"agent_id\":\"\\u00e9t\\u00e9\"}}", false)] // any \u: the full way
    [Arguments("{\"type\":\"note\",\"data\":{\"protocol\":\"jsonrpc\"}}", false)] // the word as a value: the full way
    [Arguments("{\"type\":\"note\",\"data\":{\"text\":\"says \\\"jsonrpc\\\" in passing\"}}", true)] // escaped quotes: no member
    [Arguments("[{\"type\":\"agent.status\"}]", false)] // a batch is the engine's, always
    public async Task Tells_push_lines_from_json_rpc_messages(string line, bool push)
    {
        var bytes = Encoding.UTF8.GetBytes(line);
        await Assert.That(PushLineScan.IsPushLine(bytes)).IsEqualTo(push);
        await Assert.That(PushLineScan.IsPushLine(new ReadOnlySequence<byte>(bytes))).IsEqualTo(push);
        if (push)
        {
            await Assert.That(JsonRpcKinds.Contains(FullKind(bytes))).IsFalse();
        }
    }

    [Test]
    public async Task The_one_pass_scan_finds_what_two_searches_find()
    {
        // Lines dense in the bytes the scan stops at (backslashes, j, quotes), markers at both ends and split.
        var random = new Random(20261207);
        const string Pieces = "\\jjsonrpc\"u{ }:,";
        for (var i = 0; i < 20_000; i++)
        {
            var text = i % 2 == 0
                ? HostileLines.Next(random, 4096, "p-").Trim()
                : "{" + new string(Enumerable.Range(0, random.Next(0, 40)).Select(_ => Pieces[random.Next(Pieces.Length)]).ToArray())
                    + (random.Next(4) == 0 ? "\"jsonrpc\"" : random.Next(3) == 0 ? "\\u" : "");
            var bytes = Encoding.UTF8.GetBytes(text);
            var expected = bytes.Length > 0 && bytes[0] == (byte)'{' && bytes.AsSpan().IndexOf("\"jsonrpc\""u8) < 0 && bytes.AsSpan().IndexOf("\\u"u8) < 0;
            await Assert.That(PushLineScan.IsPushLine(bytes)).IsEqualTo(expected).Because(text);
        }
    }

    [Test]
    public async Task Never_hands_on_what_the_full_classification_calls_json_rpc()
    {
        var random = new Random(20261207);
        var handedOn = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = Encoding.UTF8.GetBytes(HostileLines.Next(random, 4096, "p-").Trim());
            if (!PushLineScan.IsPushLine(bytes))
            {
                continue;
            }

            handedOn++;
            var kind = FullKind(bytes);
            if (JsonRpcKinds.Contains(kind))
            {
                throw new InvalidOperationException($"handed on a {kind}: {Encoding.UTF8.GetString(bytes)}");
            }
        }

        await Assert.That(handedOn).IsGreaterThan(1000);
    }

    [Test]
    public async Task Segments_do_not_change_the_answer_even_when_a_marker_straddles_them()
    {
        var lines = new[]
        {
            "{\"type\":\"agent.status\",\"data\":{\"agent_id\":\"a1\",\"cpu_usage\":12.5},\"timestamp\":\"2026-11-25T10:00:00Z\"}",
            "{\"id\":3,\"result\":{\"ok\":true},\"jsonrpc\":\"2.0\"}",
            "{\"type\":\"x\",\"data\":{\"name\":\"\\u0041\"}}",
            "{\"type\":\"x\",\"data\":{\"note\":\"a \\\\ b\"}}",
        };
        var seen = 0;
        Gen.Select(Gen.Int[0, lines.Length - 1], Gen.Int[1, 9]).Sample((which, size) =>
        {
            var bytes = Encoding.UTF8.GetBytes(lines[which]);
            var split = Segments.Of(bytes, size);
            if (split.IsSingleSegment || PushLineScan.IsPushLine(split) != PushLineScan.IsPushLine(bytes))
            {
                throw new InvalidOperationException($"{size}-byte segments of line {which} gave another answer");
            }

            Interlocked.Increment(ref seen);
        }, iter: 500);
        await Assert.That(seen).IsEqualTo(500);
    }

    private static JsonRpcMessageKind FullKind(byte[] bytes) => JsonRpcMessage.Parse(bytes).Kind;
}
