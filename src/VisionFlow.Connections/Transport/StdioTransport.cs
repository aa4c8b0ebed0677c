using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using VisionFlow.Protocol.Engine;

namespace VisionFlow.Connections.Transport;

/// <summary>
/// MCP over stdio (<c>VISIONFLOW_MCP_COMMAND</c>): each connection starts the server as a child process and speaks to it
/// over its stdin and stdout, newline-delimited, as MCP clients do. A child is one server, so it is one connection,
/// carrying the session and every request, multiplexed by request id. When it exits the connection closes (the link
/// reconnects, which starts a new child, with the reconnector's backoff); when the connection closes the child is
/// stopped.
/// </summary>
internal sealed class StdioTransport : IMcpTransport
{
    private readonly IReadOnlyList<string> _words;
    private readonly ILogger _logger;

    /// <summary>A transport that starts <paramref name="command"/> (split like a shell command line, without a shell).</summary>
    /// <exception cref="ArgumentException">The command has no program, or a quote is left open.</exception>
    public StdioTransport(string command, ILogger logger)
    {
        _words = CommandLine.Split(command, out var error) ?? throw new ArgumentException($"MCP command '{command}': {error}", nameof(command));
        Address = command;
        _logger = logger;
    }

    public string Address { get; }

    public string NetworkTransport => "pipe";

    public bool Multiplexed => true;

    public bool ViaBridge => false;

    public ValueTask<JsonRpcConnection> ConnectAsync(JsonRpcConnectionOptions options, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var child = McpChildProcess.Start(_words, _logger);
        var pipe = new ChildPipe(PipeReader.Create(child.Output), PipeWriter.Create(child.Input));
        return ValueTask.FromResult(JsonRpcConnection.Create(pipe, child, options));
    }

    private sealed class ChildPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
