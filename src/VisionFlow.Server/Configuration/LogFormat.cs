namespace VisionFlow.Server.Configuration;

/// <summary>How console log lines are written.</summary>
public enum LogFormat
{
    /// <summary>One human-readable line per entry.</summary>
    Text,

    /// <summary>One JSON object per line, for log shippers.</summary>
    Json,
}
