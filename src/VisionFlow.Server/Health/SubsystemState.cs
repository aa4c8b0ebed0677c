using System.Text.Json.Serialization;

namespace VisionFlow.Server.Health;

/// <summary>Coarse state of one subsystem as shown by <c>/api/health</c>.</summary>
internal enum SubsystemState
{
    /// <summary>Working normally.</summary>
    [JsonStringEnumMemberName("up")]
    Up,

    /// <summary>Working with reduced capability.</summary>
    [JsonStringEnumMemberName("degraded")]
    Degraded,

    /// <summary>Enabled but not working.</summary>
    [JsonStringEnumMemberName("down")]
    Down,

    /// <summary>Turned off by configuration.</summary>
    [JsonStringEnumMemberName("disabled")]
    Disabled,

    /// <summary>Still being brought up after the listener opened (the device probe, the first MCP connection attempt).</summary>
    [JsonStringEnumMemberName("starting")]
    Starting,
}
