namespace VisionFlow.Agents.Knowledge;

/// <summary>A note: its name (file name without extension) and the names it links to, as written.</summary>
public sealed record KnowledgeNote(string Name, IReadOnlyList<string> Links);
