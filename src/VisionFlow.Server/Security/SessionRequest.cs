namespace VisionFlow.Server.Security;

/// <summary>Body of <c>POST /api/session</c>.</summary>
internal sealed record SessionRequest(string? Key);
