using System.IO.Pipelines;

namespace VisionFlow.Protocol.Engine;

/// <summary>An <see cref="IDuplexPipe"/> over a stream (a <see cref="System.Net.Sockets.NetworkStream"/>) that it owns.</summary>
internal sealed class StreamDuplexPipe : IDuplexPipe, IAsyncDisposable
{
    private readonly Stream _stream;

    public StreamDuplexPipe(Stream stream)
    {
        _stream = stream;

        // Zero-byte reads keep an idle connection from pinning a read buffer; the stream itself is disposed by us.
        Input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4 * 1024, leaveOpen: true, useZeroByteReads: true));
        Output = PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 4 * 1024, leaveOpen: true));
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    public ValueTask DisposeAsync() => _stream.DisposeAsync();
}
