namespace VisionFlow.Protocol.Dialects;

/// <summary>A task as the product shows it; <see cref="Progress"/> is normalised to [0, 1]; null where the server did not say.</summary>
/// <param name="Id">The task's id.</param>
/// <param name="Description">What it is about.</param>
/// <param name="Status">The server's status word (<c>pending</c>, <c>in_progress</c>, <c>completed</c>, <c>cancelled</c>, …).</param>
/// <param name="Progress">From 0 to 1.</param>
/// <param name="AssignedTo">The agents it is assigned to (empty when none).</param>
/// <param name="Priority">low, normal, high, critical, …</param>
/// <param name="Type">Claude Flow's task type (feature, bugfix, research, refactor).</param>
/// <param name="CreatedAt">When it was made.</param>
public sealed record TaskSummary(
    string Id,
    string? Description,
    string? Status,
    double? Progress,
    IReadOnlyList<string> AssignedTo,
    string? Priority,
    string? Type = null,
    DateTimeOffset? CreatedAt = null);
