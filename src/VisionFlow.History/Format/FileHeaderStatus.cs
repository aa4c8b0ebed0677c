namespace VisionFlow.History.Format;

/// <summary>What reading a file header found.</summary>
internal enum FileHeaderStatus
{
    /// <summary>A header this code reads.</summary>
    Ok,

    /// <summary>The file does not start with the history magic: it is not a recording at all.</summary>
    NotHistory,

    /// <summary>The magic is there but the file ends inside the header.</summary>
    Truncated,

    /// <summary>The header's checksum or fields are wrong.</summary>
    Corrupt,

    /// <summary>Written by a newer version of the format.</summary>
    NewerVersion,
}
