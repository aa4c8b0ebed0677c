using System.Buffers;

namespace VisionFlow.Protocol.Framing;

/// <summary>Write side of the newline-delimited framing.</summary>
internal static class LineWriter
{
    /// <summary>Appends <paramref name="json"/> followed by <c>\n</c> to <paramref name="output"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="json"/> contains a newline, which would split the message.</exception>
    public static void WriteLine(IBufferWriter<byte> output, ReadOnlySpan<byte> json)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (json.Contains((byte)'\n'))
        {
            throw new ArgumentException("A framed JSON message must not contain a raw newline", nameof(json));
        }

        var span = output.GetSpan(json.Length + 1);
        json.CopyTo(span);
        span[json.Length] = (byte)'\n';
        output.Advance(json.Length + 1);
    }

    /// <summary>Appends the <c>\n</c> terminator after a message serialized directly into <paramref name="output"/>.</summary>
    public static void WriteTerminator(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.GetSpan(1)[0] = (byte)'\n';
        output.Advance(1);
    }
}
