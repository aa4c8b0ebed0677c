namespace VisionFlow.Protocol.Dialects;

/// <summary>A task as the product shows it; <see cref="Progress"/> is normalised to [0, 1].</summary>
public sealed record TaskSummary(string Id, string? Description, string? Status, double? Progress, IReadOnlyList<string> AssignedTo, string? Priority);
