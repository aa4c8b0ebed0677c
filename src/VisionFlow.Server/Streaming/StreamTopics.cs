using VisionFlow.Agents;

namespace VisionFlow.Server.Streaming;

/// <summary>
/// The keyed topics <c>/ws</c> streams as text messages besides the positions (<c>agents</c>; <c>swarms</c> and
/// <c>tasks</c> join with one <see cref="Register"/> each), and the sessions to wake when one publishes.
/// </summary>
internal sealed class StreamTopics
{
    private readonly Lock _gate = new();
    private KeyedTopic[] _topics = [];
    private WakeSignal[] _subscribers = [];

    public StreamTopics(StreamOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
    }

    public StreamOptions Options { get; }

    /// <summary>The registered topics, in registration order (sessions keep one cursor per index).</summary>
    public IReadOnlyList<KeyedTopic> All => Volatile.Read(ref _topics);

    /// <summary>The topic of type <paramref name="type"/>, if registered.</summary>
    public KeyedTopic? Find(string type) => Array.Find(Volatile.Read(ref _topics), t => t.Type == type);

    /// <summary>Adds a topic (its type must be new); sessions connected now get its full message at their next frame.</summary>
    public KeyedTopic Register(KeyedTopic topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        lock (_gate)
        {
            if (Find(topic.Type) is not null)
            {
                throw new InvalidOperationException($"a /ws topic '{topic.Type}' is already registered");
            }

            Volatile.Write(ref _topics, [.. _topics, topic]);
        }

        topic.Changed += WakeAll;
        WakeAll();
        return topic;
    }

    /// <summary>Creates and registers a topic with the configured log capacity.</summary>
    public KeyedTopic Register(string type, string arrayName) => Register(new KeyedTopic(type, arrayName, Options.TopicLogCapacity));

    /// <summary>Whether a session is connected: a topic whose writer batches work up may skip it while none is.</summary>
    public bool HasSubscribers => Volatile.Read(ref _subscribers).Length > 0;

    internal void Subscribe(WakeSignal signal)
    {
        lock (_gate)
        {
            Volatile.Write(ref _subscribers, [.. _subscribers, signal]);
        }
    }

    internal void Unsubscribe(WakeSignal signal)
    {
        lock (_gate)
        {
            Volatile.Write(ref _subscribers, Array.FindAll(_subscribers, s => !ReferenceEquals(s, signal)));
        }
    }

    // On the publisher's thread (the intake's batch, the graph loop, the structure tracker), which holds nothing a session
    // needs: a parked session sends its topics' messages right here (WakeSignal.SetInline), so a change costs no
    // thread-pool hand-off of its own between the batch and the socket (issue 23). A session busy sending is only flagged.
    private void WakeAll()
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            subscriber.SetInline();
        }
    }
}
