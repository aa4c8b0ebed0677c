using System.Buffers;
using System.IO.Pipelines;

namespace VisionFlow.Protocol.Framing;

/// <summary>Receives one framed JSON line; the bytes are valid only during the call.</summary>
internal delegate void LineHandler(in ReadOnlySequence<byte> line);

/// <summary>Drives a <see cref="LineFramer"/> over a <see cref="PipeReader"/> for code that wants lines without the JSON-RPC engine.</summary>
internal static class PipeLineReader
{
    /// <summary>
    /// Hands every JSON line to <paramref name="onLine"/> until the pipe completes (returns <see cref="LineStatus.NeedMoreData"/>)
    /// or a line exceeds the limit (returns <see cref="LineStatus.LineTooLong"/>; the reader is left for the caller to complete).
    /// </summary>
    public static async ValueTask<LineStatus> ReadLinesAsync(PipeReader reader, LineFramer framer, LineHandler onLine, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(framer);
        ArgumentNullException.ThrowIfNull(onLine);
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (Drain(framer, ref buffer, result.IsCompleted, onLine) == LineStatus.LineTooLong)
            {
                return LineStatus.LineTooLong;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                return LineStatus.NeedMoreData;
            }
        }
    }

    private static LineStatus Drain(LineFramer framer, ref ReadOnlySequence<byte> buffer, bool isCompleted, LineHandler onLine)
    {
        LineStatus status;
        while ((status = framer.TryReadLine(ref buffer, isCompleted, out var line)) == LineStatus.Line)
        {
            onLine(in line);
        }

        return status;
    }
}
