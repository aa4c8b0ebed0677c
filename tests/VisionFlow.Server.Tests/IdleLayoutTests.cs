using System.Net.WebSockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VisionFlow.Server.Configuration;
using VisionFlow.Server.Graph;
using VisionFlow.Server.Streaming;
using VisionFlow.Testing;
using VisionFlow.Testing.Hosting;

namespace VisionFlow.Server.Tests;

/// <summary>Idle means idle, end to end: a settled graph is not stepped, nothing is published, <c>/ws</c> sends no frame.</summary>
public sealed class IdleLayoutTests
{
    private const int SampleNotes = 13;
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1.0 / 60);

    [Test]
    public async Task A_settled_knowledge_graph_is_not_stepped_and_sends_no_position_frame()
    {
        var time = new FakeTimeProvider();
        await using var server = await RunningServer.StartAsync(new ServerOptions { EnableMcp = false, PhysicsBackend = "cpu", RateLimitPerSecond = 0 }, time);
        var physics = server.Services.GetRequiredService<GraphService>().Physics;
        var hub = server.Services.GetRequiredService<NodeSnapshotHub>();

        // The graph service starts physics and hands it the sample notes on its own thread, after the listener is up.
        await Eventually.UntilAsync(() => physics.Status.NodeCount == SampleNotes, "the sample notes in physics", TimeSpan.FromSeconds(20));
        for (var t = 0; t < 30_000 && !physics.Status.Settled; t++) time.Advance(Tick);
        await Assert.That(physics.Status.Settled).IsTrue();

        await using var stream = await StreamClient.ConnectAsync(server.Address);
        var complete = await stream.ReceiveBinaryAsync();
        await Assert.That(StreamClient.Ids(complete).Length).IsEqualTo(SampleNotes);
        var settled = physics.Status;
        var published = hub.Current.Sequence;

        // A minute of the stream's and the physics loop's time.
        for (var t = 0; t < 3600; t++) time.Advance(Tick);

        await Assert.That(physics.Status.Ticks).IsEqualTo(settled.Ticks);
        await Assert.That(physics.Status.Steps).IsEqualTo(settled.Steps);
        await Assert.That(hub.Current.Sequence).IsEqualTo(published);

        // The session answers a control message in order after anything it sent: nothing but the answer arrives.
        await stream.Socket.SendAsync(Encoding.UTF8.GetBytes("""{"type":"set_rate","hz":30}"""), WebSocketMessageType.Text, true, CancellationToken.None);
        var binary = 0;
        while (true)
        {
            var (type, data) = await stream.ReceiveAsync();
            if (type == WebSocketMessageType.Binary)
            {
                binary++;
            }
            else if (Encoding.UTF8.GetString(data).Contains("\"type\":\"rate\"", StringComparison.Ordinal))
            {
                break;
            }
        }

        await Assert.That(binary).IsEqualTo(0);
    }
}
