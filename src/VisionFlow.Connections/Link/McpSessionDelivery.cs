namespace VisionFlow.Connections.Link;

/// <summary>
/// One delivery of <see cref="McpSessionFeed"/>: a session's full agent listing, what one of our commands in it was
/// answered about an agent, or the session's end.
/// </summary>
public sealed class McpSessionDelivery
{
    internal McpSessionDelivery(long session, byte[]? json, bool isAnswer = false)
    {
        Session = session;
        Json = json;
        IsAnswer = isAnswer;
    }

    /// <summary>The session it belongs to.</summary>
    public long Session { get; }

    /// <summary>
    /// The listing (UTF-8 JSON as the server sent it), or for an answer the agent as one telemetry line; null for a
    /// session's end.
    /// </summary>
    public byte[]? Json { get; }

    /// <summary>
    /// What a command of ours was answered about one agent (a spawn's answer), not a full listing: it opens no session
    /// and replaces nothing, and it stands in the same order as the listings, so a listing taken after it wins.
    /// </summary>
    public bool IsAnswer { get; }

    /// <summary>The session ended: no agents are known until the next listing.</summary>
    public bool IsEnd => Json is null;

    internal TaskCompletionSource<bool> Applied { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The reader has applied the listing (or dropped an overtaken one); <paramref name="changed"/> says whether the agents changed.</summary>
    public void Complete(bool changed) => Applied.TrySetResult(changed);
}
