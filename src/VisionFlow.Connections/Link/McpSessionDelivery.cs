namespace VisionFlow.Connections.Link;

/// <summary>One delivery of <see cref="McpSessionFeed"/>: a session's full agent listing, or its end.</summary>
public sealed class McpSessionDelivery
{
    internal McpSessionDelivery(long session, byte[]? json)
    {
        Session = session;
        Json = json;
    }

    /// <summary>The session it belongs to.</summary>
    public long Session { get; }

    /// <summary>The listing (UTF-8 JSON as the server sent it); null for a session's end.</summary>
    public byte[]? Json { get; }

    /// <summary>The session ended: no agents are known until the next listing.</summary>
    public bool IsEnd => Json is null;

    internal TaskCompletionSource<bool> Applied { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The reader has applied the listing (or dropped an overtaken one); <paramref name="changed"/> says whether the agents changed.</summary>
    public void Complete(bool changed) => Applied.TrySetResult(changed);
}
