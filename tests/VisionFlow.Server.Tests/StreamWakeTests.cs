using System.Text;
using VisionFlow.Testing;
using VisionFlow.Agents;
using VisionFlow.Server.Streaming;

namespace VisionFlow.Server.Tests;

/// <summary>
/// How a publish reaches the <c>/ws</c> sessions (issue 23): a parked session's turn runs on the publishing thread when
/// that is cheap (a topic's change, a small layout's frame), and on the thread pool when it is not (a big layout's frame,
/// which many viewers would otherwise encode on the physics tick one after another).
/// </summary>
public sealed class StreamWakeTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Test]
    public async Task A_topic_s_publish_runs_a_parked_session_s_turn_on_the_publishing_thread()
    {
        var topics = new StreamTopics(new StreamOptions());
        var topic = topics.Register("agents", "agents");
        var signal = new WakeSignal();
        var session = new TurnLoop(signal.WaitAsync);
        topics.Subscribe(signal);
        using var stop = new CancellationTokenSource();
        var run = session.RunAsync(stop.Token);

        topic.Upsert("agent-1", Encoding.UTF8.GetBytes("""{"id":"agent-1"}"""));
        TurnLoop.Call(topic.Publish);

        await Assert.That(session.Turns).IsEqualTo(1);
        await Assert.That(session.LastTurnInsideCall).IsTrue();
        topics.Unsubscribe(signal);
        await stop.CancelAsync();
        await Assert.That(async () => await run.WaitAsync(Patience)).Throws<OperationCanceledException>();
    }

    [Test]
    public async Task A_small_layout_s_frame_wakes_on_the_publishing_thread_and_a_big_one_s_on_the_pool()
    {
        var hub = new NodeSnapshotHub();
        var signal = new WakeSignal();
        var session = new TurnLoop(signal.WaitAsync);
        hub.Subscribe(signal);
        using var stop = new CancellationTokenSource();
        var run = session.RunAsync(stop.Token);

        TurnLoop.Call(() => hub.Publish(Nodes(NodeSnapshotHub.InlineNodes, sequence: 1)));
        await Assert.That(session.Turns).IsEqualTo(1);
        await Assert.That(session.LastTurnInsideCall).IsTrue();

        TurnLoop.Call(() => hub.Publish(Nodes(NodeSnapshotHub.InlineNodes + 1, sequence: 2)));
        await Eventually.UntilAsync(() => session.Turns == 2, "the big frame's turn", Patience);
        await Assert.That(session.LastTurnInsideCall).IsFalse();
        hub.Unsubscribe(signal);
        await stop.CancelAsync();
        await Assert.That(async () => await run.WaitAsync(Patience)).Throws<OperationCanceledException>();
    }

    private static NodeSnapshot Nodes(int count, long sequence) =>
        new(Enumerable.Range(0, count).Select(i => (uint)i).ToArray(), new float[count * NodeSnapshot.Stride], 1, sequence);
}
