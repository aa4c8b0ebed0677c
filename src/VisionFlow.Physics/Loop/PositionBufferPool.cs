namespace VisionFlow.Physics.Loop;

/// <summary>
/// The few state buffers position snapshots are published in: the current one, those a stream session is encoding,
/// and a couple of spares. At 10,000 nodes a buffer is 240 KB, past the large object heap threshold, and a fresh one
/// per publication (60 a second) kept the heap growing between full collections.
/// </summary>
internal sealed class PositionBufferPool
{
    private const int Spares = 4;

    private readonly Lock _gate = new();
    private readonly Stack<float[]> _free = new(Spares);

    /// <summary>Buffers created so far.</summary>
    public int Created { get; private set; }

    public float[] Rent(int length)
    {
        lock (_gate)
        {
            while (_free.TryPop(out var spare))
            {
                // Sized exactly, so State needs no slicing; a topology change simply drops the old size.
                if (spare.Length == length)
                {
                    return spare;
                }
            }

            Created++;
        }

        return new float[length];
    }

    public void Return(float[] buffer)
    {
        lock (_gate)
        {
            if (_free.Count < Spares)
            {
                _free.Push(buffer);
            }
        }
    }
}
