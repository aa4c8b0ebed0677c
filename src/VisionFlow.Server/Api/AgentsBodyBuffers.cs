namespace VisionFlow.Server.Api;

/// <summary>
/// The few large buffers the agents bodies live in: the current body, the ones slow clients are still reading, and a
/// couple of spares. Not <c>ArrayPool.Shared</c>: its per-thread slots kept one 4 MB array for every pool thread that
/// ever released a body (eleven of them at 10,000 agents), and not fresh arrays, which churned the large object heap.
/// </summary>
internal sealed class AgentsBodyBuffers
{
    private const int Spares = 2;

    // Sizes grow in steps so a swarm that gains a few agents does not need a new buffer every build.
    private const int Step = 256 * 1024;

    private readonly Lock _gate = new();
    private readonly Stack<byte[]> _free = new(Spares);

    /// <summary>Buffers created so far (a figure for tests: it stays small however many bodies are built).</summary>
    public int Created { get; private set; }

    public byte[] Rent(int length)
    {
        lock (_gate)
        {
            while (_free.TryPop(out var spare))
            {
                if (spare.Length >= length)
                {
                    return spare;
                }
            }

            Created++;
        }

        return new byte[(length + Step - 1) / Step * Step];
    }

    public void Return(byte[] buffer)
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
