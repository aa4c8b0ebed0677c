using VisionFlow.Agents;

namespace VisionFlow.Server.Streaming;

/// <summary>
/// Holds the latest <see cref="NodeSnapshot"/> and wakes subscribed stream sessions when a newer one is published.
/// One writer (the physics loop); any number of readers, none of which can slow the writer down.
/// </summary>
internal sealed class NodeSnapshotHub
{
    private NodeSnapshot _current = NodeSnapshot.Empty;
    private WakeSignal[] _subscribers = [];

    /// <summary>The newest snapshot (its state may be recycled: see <see cref="NodeSnapshot"/>).</summary>
    public NodeSnapshot Current => Volatile.Read(ref _current);

    /// <summary>Publishes a snapshot; its sequence must be greater than the current one. The hub keeps a reference to it until the next.</summary>
    public void Publish(NodeSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (!snapshot.TryAcquire())
        {
            // Already recycled: a newer one is on its way.
            return;
        }

        var previous = Interlocked.Exchange(ref _current, snapshot);
        previous.Release();

        // A small layout's frame is encoded and handed to the socket on the publishing thread (the physics tick), by each
        // parked session in turn: microseconds each, where a hand-off to the thread pool cost two worker wake-ups a frame
        // (issue 23). A big one's sessions run on the pool, so encoding for many viewers never holds the tick back.
        var inline = snapshot.Count <= InlineNodes;
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            if (inline) subscriber.SetInline();
            else subscriber.Set();
        }
    }

    /// <summary>Snapshots of at most this many nodes wake their sessions on the publishing thread.</summary>
    internal const int InlineNodes = 1024;

    /// <summary>Sets <paramref name="signal"/> on every publish until <see cref="Unsubscribe"/>.</summary>
    internal void Subscribe(WakeSignal signal) => Update(list => [.. list, signal]);

    internal void Unsubscribe(WakeSignal signal) => Update(list => Array.FindAll(list, s => !ReferenceEquals(s, signal)));

    // Copy on write: publishing (60 a second) reads the array without a lock; sessions come and go rarely.
    private void Update(Func<WakeSignal[], WakeSignal[]> change)
    {
        while (true)
        {
            var current = Volatile.Read(ref _subscribers);
            if (Interlocked.CompareExchange(ref _subscribers, change(current), current) == current)
            {
                return;
            }
        }
    }
}
