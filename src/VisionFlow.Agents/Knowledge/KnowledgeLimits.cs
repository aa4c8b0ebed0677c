namespace VisionFlow.Agents.Knowledge;

/// <summary>Bounds on what the knowledge loader reads, so hostile folders cost a known amount.</summary>
internal sealed record KnowledgeLimits
{
    /// <summary>Bytes read per file; the rest is ignored (counted as truncated).</summary>
    public int MaxFileBytes { get; init; } = 1024 * 1024;

    /// <summary>Notes loaded; further files are counted and skipped.</summary>
    public int MaxNotes { get; init; } = 10_000;

    /// <summary>Links kept per note.</summary>
    public int MaxLinksPerNote { get; init; } = 1024;

    /// <summary>Folder depth searched.</summary>
    public int MaxDepth { get; init; } = 16;
}
