namespace VisionFlow.History.Format;

/// <summary>
/// The fixed points of the on-disk format, version 1 (README.md, "History", describes it byte by byte). A segment of
/// the live store and an exported recording are the same thing: a file header, then whole frames.
/// </summary>
internal static class HistoryFormat
{
    /// <summary>First eight bytes of every history file: <c>VFHIST</c> and a CR LF, so a text transfer that mangles line
    /// ends is caught by the first read.</summary>
    public static ReadOnlySpan<byte> FileMagic => "VFHIST\r\n"u8;

    /// <summary>The format version this code writes and reads. A reader refuses a newer one by name.</summary>
    public const ushort Version = 1;

    /// <summary>Bytes of the file header.</summary>
    public const int FileHeaderSize = 32;

    /// <summary>First four bytes of every frame (<c>VFfr</c>): what a reader resynchronises on, and a cheap sanity check.</summary>
    public const uint FrameMagic = 0x72_66_46_56; // "VFfr" little-endian

    /// <summary>Bytes of a frame header.</summary>
    public const int FrameHeaderSize = 40;

    /// <summary>Largest frame payload a reader accepts (a length beyond it is corruption, not a frame).</summary>
    public const int MaxFramePayload = 64 * 1024 * 1024;

    /// <summary>Largest string a record may hold (bytes of UTF-8); longer ones are cut when written.</summary>
    public const int MaxString = 64 * 1024;

    /// <summary>Extension of segment files in the store.</summary>
    public const string SegmentExtension = ".vfh";
}
