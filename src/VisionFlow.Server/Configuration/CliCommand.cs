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
}
