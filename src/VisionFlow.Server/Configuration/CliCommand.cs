namespace VisionFlow.Server.Configuration;

/// <summary>What the executable was asked to do.</summary>
internal enum CliCommand
{
    /// <summary>Start the service (the default).</summary>
    Run,

    /// <summary>Print usage and exit 0.</summary>
    Help,

    /// <summary>Print the version and exit 0.</summary>
    Version,

    /// <summary>Probe a running instance's <c>/api/health</c> (container HEALTHCHECK); exit 0 when it answers 200.</summary>
    HealthCheck,
}
