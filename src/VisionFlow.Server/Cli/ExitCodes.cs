namespace VisionFlow.Server.Cli;

/// <summary>The process exit codes every command of the binary uses.</summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Success = 0;

    /// <summary>The command ran and failed (a peer refused, a check did not pass).</summary>
    public const int Failure = 1;

    /// <summary>Invalid configuration or usage: one line says what, nothing ran.</summary>
    public const int Usage = 2;
}
