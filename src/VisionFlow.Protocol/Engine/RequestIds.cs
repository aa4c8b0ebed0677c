using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace VisionFlow.Protocol.Engine;

/// <summary>
/// Request ids unique across processes: a random per-process prefix plus a process-wide counter, sent as the string
/// <c>"&lt;prefix&gt;-&lt;n&gt;"</c>. A shared bridge routes replies by id across all its clients, so a bare counter would collide.
/// </summary>
internal static class RequestIds
{
    /// <summary>Longest formatted id including quotes.</summary>
    public const int MaxJsonLength = 1 + 12 + 1 + 20 + 1;

    private static readonly byte[] Prefix = CreatePrefix();
    private static long s_next;

    /// <summary>The process prefix, e.g. <c>9f2c01ab77e4</c>.</summary>
    public static string ProcessPrefix { get; } = Encoding.ASCII.GetString(Prefix);

    public static long Next() => Interlocked.Increment(ref s_next);

    /// <summary>Writes <c>"prefix-n"</c> with quotes into <paramref name="destination"/>.</summary>
    public static int FormatJson(long sequence, Span<byte> destination)
    {
        destination[0] = (byte)'"';
        Prefix.CopyTo(destination[1..]);
        var n = 1 + Prefix.Length;
        destination[n++] = (byte)'-';
        Utf8Formatter.TryFormat(sequence, destination[n..], out var written);
        n += written;
        destination[n++] = (byte)'"';
        return n;
    }

    /// <summary>Recovers the counter from an id string of this process.</summary>
    public static bool TryParse(ReadOnlySpan<byte> idString, out long sequence)
    {
        sequence = 0;
        return idString.Length > Prefix.Length + 1
            && idString.StartsWith(Prefix)
            && idString[Prefix.Length] == (byte)'-'
            && Utf8Parser.TryParse(idString[(Prefix.Length + 1)..], out sequence, out var consumed)
            && consumed == idString.Length - Prefix.Length - 1;
    }

    private static byte[] CreatePrefix()
    {
        Span<byte> random = stackalloc byte[6];
        RandomNumberGenerator.Fill(random);
        return Encoding.ASCII.GetBytes(Convert.ToHexStringLower(random));
    }
}
