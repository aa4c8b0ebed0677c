namespace VisionFlow.Server.Security;

/// <summary>Body of <c>POST /api/session</c>.</summary>
public sealed record SessionRequest(string? Key);
