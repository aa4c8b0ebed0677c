using System.Buffers;
using System.Text.Json;

namespace VisionFlow.Protocol.Engine;

/// <summary>A pooled buffer and writer that a dispatch handler writes its result into before the response is framed.</summary>
internal sealed class HandlerScratch
{
    private const int MaxPooled = 64;
    private const int MaxRetainedBytes = 256 * 1024;
    private static readonly Stack<HandlerScratch> Pool = new();

    private HandlerScratch()
    {
        Writer = new Utf8JsonWriter(Output);
    }

    public ArrayBufferWriter<byte> Output { get; private set; } = new(256);

    public Utf8JsonWriter Writer { get; private set; }

    public static HandlerScratch Rent()
    {
        lock (Pool)
        {
            if (Pool.TryPop(out var scratch))
            {
                return scratch;
            }
        }

        return new HandlerScratch();
    }

    public void Return()
    {
        if (Output.Capacity > MaxRetainedBytes)
        {
            // Do not keep one huge result's buffer alive for the life of the process.
            Output = new ArrayBufferWriter<byte>(256);
            Writer = new Utf8JsonWriter(Output);
        }
        else
        {
            Output.ResetWrittenCount();
            Writer.Reset(Output);
        }

        lock (Pool)
        {
            if (Pool.Count < MaxPooled)
            {
                Pool.Push(this);
            }
        }
    }
}
