namespace VisionFlow.Server.Configuration;

/// <summary>How console log lines are written.</summary>
internal enum LogFormat
{
    /// <summary>One human-readable line per entry.</summary>
    Text,

    /// <summary>One JSON object per line, for log shippers.</summary>
    Json,

    /// <summary>
    /// journald's console convention: a <c>&lt;N&gt;</c> syslog priority prefix per line and no timestamp (the journal
    /// stamps each line itself), so <c>journalctl -p warning</c> filters by level.
    /// </summary>
    Systemd,
}
