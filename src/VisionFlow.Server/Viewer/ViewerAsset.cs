namespace VisionFlow.Server.Viewer;

/// <summary>One embedded viewer file with its content type and strong ETag.</summary>
internal sealed record ViewerAsset(string Path, string ContentType, byte[] Content, string ETag);
