namespace VisionFlow.Server.Configuration;

/// <summary>A parsed command line: the command and the validated options it runs with.</summary>
internal sealed record CliInvocation(CliCommand Command, ServerOptions Options);
