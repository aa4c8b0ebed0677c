using Microsoft.Extensions.Logging;

namespace VisionFlow.Server.Security;

/// <summary>Source-generated log messages of TLS and request security.</summary>
internal static partial class SecurityLog
{
    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "TLS certificate {Certificate}")]
    public static partial void TlsCertificateLoaded(ILogger logger, string certificate);

    [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "TLS certificate reloaded: {Certificate}")]
    public static partial void TlsCertificateReloaded(ILogger logger, string certificate);

    [LoggerMessage(EventId = 302, Level = LogLevel.Warning, Message = "TLS certificate reload failed, still serving the previous one: {Reason}")]
    public static partial void TlsCertificateReloadFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 303, Level = LogLevel.Information, Message = "Refused {Method} {Path} from foreign origin {Origin} (this service is {Own}; VISIONFLOW_ALLOWED_ORIGINS adds origins)")]
    public static partial void ForeignOriginRefused(ILogger logger, string method, string path, string origin, string own);
}
