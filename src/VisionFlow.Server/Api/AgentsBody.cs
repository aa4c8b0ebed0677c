namespace VisionFlow.Server.Api;

/// <summary>
/// One serialized <c>/api/bots/agents</c> body, shared by the cache and every response still writing it; its buffer goes
/// back to the cache's <see cref="AgentsBodyBuffers"/> when the last of them lets go.
/// </summary>
internal sealed class AgentsBody
{
    private readonly AgentsBodyBuffers _buffers;
    private byte[]? _buffer;
    private int _references = 1;

    public AgentsBody(AgentsResponseCache.Key key, ReadOnlySpan<byte> json, AgentsBodyBuffers buffers)
    {
        Key = key;
        Length = json.Length;
        _buffers = buffers;
        _buffer = buffers.Rent(json.Length);
        json.CopyTo(_buffer);
    }

    internal AgentsResponseCache.Key Key { get; }

    public int Length { get; }

    /// <summary>The JSON; valid while the caller holds a reference.</summary>
    public ReadOnlyMemory<byte> Json => (_buffer ?? throw new ObjectDisposedException(nameof(AgentsBody))).AsMemory(0, Length);

    /// <summary>Only called while the cache still holds its own reference, so the count is never zero here.</summary>
    public void AddReference() => Interlocked.Increment(ref _references);

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0 && Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            _buffers.Return(buffer);
        }
    }
}
