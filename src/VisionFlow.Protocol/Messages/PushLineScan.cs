using System.Buffers;

namespace VisionFlow.Protocol.Messages;

/// <summary>
/// Tells a telemetry push line from a JSON-RPC message without parsing it: a vectorized search of the bytes, so the one
/// JSON pass a push line gets is its reader's, not ours too.
/// </summary>
/// <remarks>
/// Every JSON-RPC 2.0 message has a <c>jsonrpc</c> member. A line that is an object and contains neither the bytes
/// <c>"jsonrpc"</c> nor a <c>\u</c> escape (the only way to spell those letters differently in a member name) has no
/// such member, so <see cref="JsonRpcMessage.Parse"/> could only call it a push line or no JSON-RPC at all: either way
/// nothing of the connection's (a response, a request) is in it, and it is the push reader's to validate. The test
/// errs one way only: a push line whose text mentions <c>"jsonrpc"</c> or holds a <c>\u</c> escape is merely classified
/// the full way.
/// </remarks>
internal static class PushLineScan
{
    private static ReadOnlySpan<byte> VersionMember => "\"jsonrpc\""u8;

    private static ReadOnlySpan<byte> UnicodeEscape => "\\u"u8;

    /// <summary>
    /// True when <paramref name="line"/> (a framed line: trimmed, starting with <c>{</c> or <c>[</c>) is an object that
    /// certainly has no <c>jsonrpc</c> member: a push line for the push reader, not a message for the connection.
    /// </summary>
    public static bool IsPushLine(in ReadOnlySequence<byte> line)
    {
        if (line.IsSingleSegment)
        {
            return IsPushLine(line.FirstSpan);
        }

        return !line.IsEmpty && line.FirstSpan.Length > 0 && line.FirstSpan[0] == (byte)'{' && !ContainsMarker(line);
    }

    /// <summary>The same test on contiguous bytes.</summary>
    /// <remarks>
    /// One pass for both markers: a search for a backslash or a <c>j</c>, each hit checked for <c>\u</c> or
    /// <c>"jsonrpc"</c> around it. Searching for each marker on its own took two passes, and the first one, anchored on
    /// the quotes at both ends of <c>"jsonrpc"</c>, stopped at every pair of quotes eight bytes apart in a line of JSON.
    /// </remarks>
    public static bool IsPushLine(ReadOnlySpan<byte> line)
    {
        if (line.Length == 0 || line[0] != (byte)'{')
        {
            return false;
        }

        var at = 0;
        while (true)
        {
            var hit = line[at..].IndexOfAny((byte)'\\', (byte)'j');
            if (hit < 0)
            {
                return true;
            }

            at += hit;
            if (line[at] == (byte)'\\' ? line[at..].StartsWith(UnicodeEscape) : at > 0 && line[(at - 1)..].StartsWith(VersionMember))
            {
                return false;
            }

            at++;
        }
    }

    /// <summary>Searches a line that arrived in several pipe segments, markers that straddle a segment end included.</summary>
    private static bool ContainsMarker(in ReadOnlySequence<byte> line)
    {
        var reader = new SequenceReader<byte>(line);
        while (reader.TryAdvanceToAny("\"\\"u8, advancePastDelimiter: false))
        {
            if (reader.IsNext(VersionMember) || reader.IsNext(UnicodeEscape))
            {
                return true;
            }

            reader.Advance(1);
        }

        return false;
    }
}
