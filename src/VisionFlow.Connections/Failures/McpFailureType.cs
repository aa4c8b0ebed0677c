namespace VisionFlow.Connections.Failures;

/// <summary>The kinds of MCP failure that move the degradation level.</summary>
internal enum McpFailureType
{
    /// <summary>A connect or call timed out: one level down.</summary>
    ConnectionTimeout,

    /// <summary>The server cannot be reached or the circuit is open: EmergencyMode.</summary>
    ServiceUnavailable,

    /// <summary>The server refused our credentials: SafeMode.</summary>
    AuthenticationFailure,
}
