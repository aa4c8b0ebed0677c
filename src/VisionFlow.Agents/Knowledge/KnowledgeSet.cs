namespace VisionFlow.Agents.Knowledge;

/// <summary>Loaded notes and resolved links (indices into <see cref="Notes"/>), with what was refused.</summary>
public sealed record KnowledgeSet(
    IReadOnlyList<KnowledgeNote> Notes,
    IReadOnlyList<(int From, int To)> Links,
    KnowledgeLoadStats Stats);

/// <summary>What a load skipped or could not resolve; nothing here is fatal.</summary>
public readonly record struct KnowledgeLoadStats(
    int Files,
    int MissingTargets,
    int SelfLinks,
    int BinarySkipped,
    int Truncated,
    int DuplicateNames,
    int OverLimit,
    int Unreadable);
