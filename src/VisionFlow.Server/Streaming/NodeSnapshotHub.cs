namespace VisionFlow.Server.Streaming;

/// <summary>
/// Holds the latest <see cref="NodeSnapshot"/> and wakes waiting stream sessions when a newer one is published.
/// One writer (the physics loop); any number of readers, none of which can slow the writer down.
/// </summary>
public sealed class NodeSnapshotHub
{
    private NodeSnapshot _current = NodeSnapshot.Empty;
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

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
        var woken = Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        woken.TrySetResult();
    }

    /// <summary>Completes when a snapshot newer than <paramref name="afterSequence"/> exists.</summary>
    public Task WaitForNewerAsync(long afterSequence, CancellationToken cancellationToken)
    {
        // Read the signal before the snapshot: a publish in between then completes the signal we hold.
        var signal = Volatile.Read(ref _next).Task;
        return Current.Sequence > afterSequence ? Task.CompletedTask : signal.WaitAsync(cancellationToken);
    }
}
