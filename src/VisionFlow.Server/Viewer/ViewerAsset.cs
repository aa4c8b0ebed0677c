using System.Reflection;

namespace VisionFlow.Server.Viewer;

/// <summary>
/// One embedded viewer file with its content type and strong ETag. Start-up learns only its name (the routes are mapped
/// from the names); the bytes are copied out of the binary and hashed on the first request for it, so the ~250 KB of
/// viewer files are not read (and their hash not computed) on the way to the first <c>/api/health</c> answer.
/// </summary>
internal sealed class ViewerAsset(Assembly assembly, string resource, string path, string contentType)
{
    private Loaded? _loaded;

    public string Path => path;

    public string ContentType => contentType;

    public byte[] Content => Load().Content;

    public string ETag => Load().ETag;

    // Two first requests racing may both read the file; one copy wins and both answer with equal bytes.
    private Loaded Load() => Volatile.Read(ref _loaded) ?? Interlocked.CompareExchange(ref _loaded, Read(), null) ?? _loaded!;

    private Loaded Read()
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"viewer resource '{resource}' is missing from the binary");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var bytes = buffer.ToArray();
        return new Loaded(bytes, "\"" + Fnv1a64(bytes).ToString("x16", System.Globalization.CultureInfo.InvariantCulture) + "\"");
    }

    // A content hash, not a security boundary: FNV-1a keeps the binary independent of OpenSSL (SHA-256 on Linux goes
    // through libssl, which the FROM-scratch image does not carry).
    private static ulong Fnv1a64(ReadOnlySpan<byte> data)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in data)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }

    private sealed record Loaded(byte[] Content, string ETag);
}
