using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace VisionFlow.Connections.Transport;

/// <summary>
/// An MCP server started as a child process and spoken to over its stdin and stdout; what it writes to stderr goes to
/// the log at debug. Stopping it is MCP's stdio shutdown: its input is closed, then, if it has not exited after a grace
/// period, SIGTERM, then SIGKILL to it and every process it started (npx starts node as a grandchild), so nothing is left
/// running behind us.
/// </summary>
internal sealed partial class McpChildProcess : IAsyncDisposable
{
    private const int SigTerm = 15;
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);
    private readonly Process _process;
    private readonly ILogger _logger;
    private readonly string _program;
    private string? _lastError;
    private int _stopped;

    private McpChildProcess(Process process, string program, ILogger logger)
    {
        _process = process;
        _program = program;
        _logger = logger;
    }

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>What the server writes (its stdout); the end of it reports how the process ended.</summary>
    public Stream Output => new ExitReportingStream(_process.StandardOutput.BaseStream, this);

    /// <summary>What the server reads (its stdin).</summary>
    public Stream Input => new ExitReportingStream(_process.StandardInput.BaseStream, this);

    /// <summary>Starts <paramref name="words"/> (a program and its arguments, found on PATH), stdin, stdout and stderr redirected.</summary>
    /// <exception cref="McpServerStartException">The program could not be started.</exception>
    public static McpChildProcess Start(IReadOnlyList<string> words, ILogger logger)
    {
        var info = new ProcessStartInfo(words[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        for (var i = 1; i < words.Count; i++)
        {
            info.ArgumentList.Add(words[i]);
        }

        var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            throw new McpServerStartException($"could not start '{words[0]}': {ex.Message}", ex);
        }

        var child = new McpChildProcess(process, words[0], logger);
        process.ErrorDataReceived += child.OnError;
        process.BeginErrorReadLine();
        LogStarted(logger, process.Id, string.Join(' ', words));
        return child;
    }

    /// <summary>Stops the server (input closed, then SIGTERM, then SIGKILL to its tree) and waits for it. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        try
        {
            _process.StandardInput.Close(); // end of input: MCP's way to ask a stdio server to stop
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // already closed with the connection's output
        }

        if (!await ExitedWithinAsync(Grace).ConfigureAwait(false))
        {
            _ = Kill(_process.Id, SigTerm);
            if (!await ExitedWithinAsync(Grace).ConfigureAwait(false))
            {
                try
                {
                    _process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // it exited meanwhile
                }

                await ExitedWithinAsync(Grace).ConfigureAwait(false);
            }
        }

        LogStopped(_logger, _process.Id, _process.HasExited ? _process.ExitCode : -1);
        _process.Dispose();
    }

    /// <summary>How the process ended, for the connection's close: its exit code and the last line it wrote to stderr.</summary>
    internal async ValueTask<string> DescribeEndAsync()
    {
        if (!await ExitedWithinAsync(Grace).ConfigureAwait(false))
        {
            return $"the MCP server process {_process.Id} ({_program}) closed its output";
        }

        var said = Volatile.Read(ref _lastError) is { } last ? $": {last}" : string.Empty;
        return $"the MCP server process {_process.Id} ({_program}) exited with code {_process.ExitCode}{said}";
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    private async ValueTask<bool> ExitedWithinAsync(TimeSpan wait)
    {
        // The child is a real process: its grace is real time, whatever clock the link runs on.
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void OnError(object sender, DataReceivedEventArgs e)
    {
        if (string.IsNullOrWhiteSpace(e.Data))
        {
            return;
        }

        var line = e.Data.Trim();
        Volatile.Write(ref _lastError, line.Length > 300 ? line[..300] + "…" : line);
        LogError(_logger, _process.Id, line);
    }

    [LoggerMessage(EventId = 2601, Level = LogLevel.Debug, Message = "MCP server process {Pid} started: {Command}")]
    private static partial void LogStarted(ILogger logger, int pid, string command);

    [LoggerMessage(EventId = 2602, Level = LogLevel.Debug, Message = "MCP server process {Pid} stderr: {Line}")]
    private static partial void LogError(ILogger logger, int pid, string line);

    [LoggerMessage(EventId = 2603, Level = LogLevel.Debug, Message = "MCP server process {Pid} stopped (exit code {Code})")]
    private static partial void LogStopped(ILogger logger, int pid, int code);

    /// <summary>
    /// The child's stdout or stdin: at the end of its output, or a write its input refused (the pipe broken because the
    /// child died), it waits briefly for the process and fails with how it ended, so the link says why the server went
    /// away whichever side noticed first (a health check's write often does, before the read sees the end).
    /// </summary>
    private sealed class ExitReportingStream(Stream inner, McpChildProcess child) : Stream
    {
        public override bool CanRead => inner.CanRead;

        public override bool CanSeek => false;

        public override bool CanWrite => inner.CanWrite;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read == 0 && buffer.Length > 0 && Volatile.Read(ref child._stopped) == 0)
            {
                throw new IOException(await child.DescribeEndAsync().ConfigureAwait(false));
            }

            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex) when (Volatile.Read(ref child._stopped) == 0)
            {
                throw new IOException(await child.DescribeEndAsync().ConfigureAwait(false), ex);
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async Task FlushAsync(CancellationToken cancellationToken)
        {
            try
            {
                await inner.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex) when (Volatile.Read(ref child._stopped) == 0)
            {
                throw new IOException(await child.DescribeEndAsync().ConfigureAwait(false), ex);
            }
        }

        public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
