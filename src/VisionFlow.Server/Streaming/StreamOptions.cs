namespace VisionFlow.Server.Streaming;

/// <summary>Limits and defaults of the <c>/ws</c> position stream.</summary>
internal sealed record StreamOptions
{
    /// <summary>Highest frame rate a client can get.</summary>
    public int MaxRateHz { get; init; } = 60;

    /// <summary>Minimum movement (world units) for a node to be included in a delta frame.</summary>
    public float MovementThreshold { get; init; } = 0.01f;

    /// <summary>Largest control message a client may send; larger closes the socket with 1009.</summary>
    public int MaxControlMessageBytes { get; init; } = 4096;

    /// <summary>How long a stopping server waits for a client to answer its close frame before dropping the connection.</summary>
    public TimeSpan CloseHandshakeTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Text notices queued per client before the oldest is dropped.</summary>
    public int TextQueueCapacity { get; init; } = 32;

    /// <summary>
    /// Changes each keyed topic (<c>agents</c>, ...) remembers for clients that are behind; a client further behind gets a
    /// full message instead. Memory is fixed by this, not by the clients: a client is one sequence number per topic.
    /// </summary>
    public int TopicLogCapacity { get; init; } = 65_536;
}
