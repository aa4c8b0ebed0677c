namespace VisionFlow.Physics.Loop;

/// <summary>Reusable buffers of the loop's per-change work: grown (doubling), never shrunk, contents not kept.</summary>
internal static class ScratchArray
{
    public static void Ensure<T>(ref T[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new T[Math.Max(length, buffer.Length * 2)];
        }
    }
}
