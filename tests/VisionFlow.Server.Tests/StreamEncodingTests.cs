using VisionFlow.Server.Streaming;

namespace VisionFlow.Server.Tests;

public sealed class StreamEncodingTests
{
    internal static NodeSnapshot Snapshot(long topology, long sequence, params (uint Id, float X, float Y, float Z)[] nodes)
    {
        var ids = nodes.Select(n => n.Id).ToArray();
        var state = nodes.SelectMany(n => new[] { n.X, n.Y, n.Z, n.X / 10, n.Y / 10, n.Z / 10 }).ToArray();
        return new NodeSnapshot(ids, state, topology, sequence);
    }

    [Test]
    public async Task Record_is_28_little_endian_bytes_in_the_documented_order()
    {
        var bytes = new byte[28];
        NodeFrameEncoder.WriteRecord(bytes, 0x80000005u, [1f, -2f, 3.5f], [0.25f, 0f, -1f]);
        await Assert.That(bytes[..4]).IsEquivalentTo(new byte[] { 0x05, 0x00, 0x00, 0x80 });
        await Assert.That(BitConverter.ToSingle(bytes, 4)).IsEqualTo(1f);
        await Assert.That(BitConverter.ToSingle(bytes, 8)).IsEqualTo(-2f);
        await Assert.That(BitConverter.ToSingle(bytes, 12)).IsEqualTo(3.5f);
        await Assert.That(BitConverter.ToSingle(bytes, 16)).IsEqualTo(0.25f);
        await Assert.That(BitConverter.ToSingle(bytes, 20)).IsEqualTo(0f);
        await Assert.That(BitConverter.ToSingle(bytes, 24)).IsEqualTo(-1f);
    }

    [Test]
    public async Task First_frame_is_complete_then_only_moved_nodes_are_sent()
    {
        using var state = new ClientFrameState(threshold: 0.5f);
        var first = state.Encode(Snapshot(1, 1, (1, 0, 0, 0), (2, 10, 0, 0), (0x80000001, 0, 10, 0)));
        await Assert.That(first.Length).IsEqualTo(3 * 28);

        // Node 1 moves 0.4 (under threshold), node 2 moves 1.0, the agent does not move.
        var second = state.Encode(Snapshot(1, 2, (1, 0.4f, 0, 0), (2, 11, 0, 0), (0x80000001, 0, 10, 0)));
        await Assert.That(second.Length).IsEqualTo(28);
        await Assert.That(NodeFrameEncoder.ReadRecord(second.Span).Id).IsEqualTo(2u);

        // Small moves accumulate against what the client was last sent, not the previous step.
        var third = state.Encode(Snapshot(1, 3, (1, 0.8f, 0, 0), (2, 11, 0, 0), (0x80000001, 0, 10, 0)));
        await Assert.That(third.Length).IsEqualTo(28);
        var record = NodeFrameEncoder.ReadRecord(third.Span);
        await Assert.That(record.Id).IsEqualTo(1u);
        await Assert.That(record.X).IsEqualTo(0.8f);

        var still = state.Encode(Snapshot(1, 4, (1, 0.8f, 0, 0), (2, 11, 0, 0), (0x80000001, 0, 10, 0)));
        await Assert.That(still.Length).IsEqualTo(0);
    }

    [Test]
    public async Task Nodes_that_come_or_go_cost_the_new_and_the_moved_records_and_a_list_of_those_gone()
    {
        // At 10,000 agents task hubs open and close several times a second: each used to cost every viewer a complete
        // frame (~270 KB). What the client was sent is carried over by id instead.
        using var state = new ClientFrameState(threshold: 0.5f);
        state.Encode(Snapshot(1, 1, (1, 0, 0, 0), (2, 10, 0, 0), (4, 20, 0, 0)));
        await Assert.That(state.LastWasComplete).IsTrue();

        // Node 3 comes (between the others), node 4 goes, node 1 stays put, node 2 moves.
        var next = Snapshot(2, 2, (1, 0, 0, 0), (3, 5, 5, 5), (2, 12, 0, 0));
        await Assert.That(state.NodesChanged(next)).IsTrue();
        var frame = state.Encode(next);
        await Assert.That(state.LastWasComplete).IsFalse();
        await Assert.That(Ids(frame)).IsEquivalentTo(new uint[] { 3, 2 });
        await Assert.That(state.Removed.ToArray()).IsEquivalentTo(new uint[] { 4 });

        // From then on each node is compared with what this client holds for it, wherever it now sits in the order.
        var after = state.Encode(Snapshot(2, 3, (1, 0.2f, 0, 0), (3, 5, 5, 6), (2, 12, 0, 0)));
        await Assert.That(Ids(after)).IsEquivalentTo(new uint[] { 3 });
        await Assert.That(state.Removed.Length).IsEqualTo(0);

        // A node that went and came back is new to the client again.
        state.Encode(Snapshot(3, 4, (1, 0, 0, 0), (2, 12, 0, 0)));
        await Assert.That(state.Removed.ToArray()).IsEquivalentTo(new uint[] { 3 });
        var back = state.Encode(Snapshot(4, 5, (3, 5, 5, 6), (1, 0, 0, 0), (2, 12, 0, 0)));
        await Assert.That(Ids(back)).IsEquivalentTo(new uint[] { 3 });
    }

    [Test]
    public async Task A_request_makes_the_next_frame_complete()
    {
        using var state = new ClientFrameState(threshold: 0.5f);
        state.Encode(Snapshot(1, 1, (1, 0, 0, 0), (2, 10, 0, 0)));
        state.RequestComplete();
        var requested = state.Encode(Snapshot(2, 2, (1, 0, 0, 0), (3, 5, 5, 5), (2, 10, 0, 0)));
        await Assert.That(requested.Length).IsEqualTo(3 * 28);
        await Assert.That(state.LastWasComplete).IsTrue();
        await Assert.That(state.Removed.Length).IsEqualTo(0);
    }

    private static uint[] Ids(ReadOnlyMemory<byte> frame)
    {
        var ids = new uint[frame.Length / 28];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = NodeFrameEncoder.ReadRecord(frame.Span.Slice(i * 28, 28)).Id;
        }

        return ids;
    }

    [Test]
    public async Task A_topology_that_changed_edges_alone_keeps_the_frame_a_delta()
    {
        // Flows entering the layout and hub membership bump the topology without moving any node to another place:
        // the client's nodes are still where it put them, so only what moved is sent (a complete frame of 10,000 agents
        // for every conversation was most of the position bytes).
        using var state = new ClientFrameState(threshold: 0.5f);
        state.Encode(Snapshot(1, 1, (1, 0, 0, 0), (2, 10, 0, 0)));
        var edgesOnly = Snapshot(2, 2, (1, 0, 0, 0), (2, 11, 0, 0));
        await Assert.That(state.NodesChanged(edgesOnly)).IsFalse();
        var delta = state.Encode(edgesOnly);
        await Assert.That(delta.Length).IsEqualTo(28);
        await Assert.That(NodeFrameEncoder.ReadRecord(delta.Span).Id).IsEqualTo(2u);

        // The same nodes in another order: carried over by id, so nothing is sent for nodes that did not move.
        var reordered = Snapshot(3, 3, (2, 11, 0, 0), (1, 0, 0, 0));
        await Assert.That(state.NodesChanged(reordered)).IsTrue();
        await Assert.That(state.Encode(reordered).Length).IsEqualTo(0);
        await Assert.That(state.Removed.Length).IsEqualTo(0);
        await Assert.That(state.NodesChanged(Snapshot(3, 4, (2, 11, 0, 0), (1, 0, 0, 0)))).IsFalse();
    }

    [Test]
    public async Task The_rate_lets_a_jittered_frame_go_at_once_and_still_holds_frames_to_the_rate_on_average()
    {
        // One tick per microsecond; the client's rate is 60 Hz (16.7 ms), the physics loop's too.
        const long Frequency = 1_000_000;
        var interval = TimeSpan.FromSeconds(1.0 / 60);
        using var state = new ClientFrameState(threshold: 0.5f);
        await Assert.That(state.FrameWait(5_000_000, interval, Frequency)).IsEqualTo(TimeSpan.Zero);

        // Ticks due every 16.7 ms, each up to 4 ms late (a timer's jitter: the gaps range 12.7-20.7 ms): every frame goes
        // when it comes, none is held (a hold arms a timer: three thread wake-ups for a frame 2 ms later).
        var rng = new Random(3);
        var start = 5_000_000L;
        var now = start;
        for (var k = 0; k < 600; k++)
        {
            now = start + (k * 1_000_000L / 60) + rng.Next(4_000);
            await Assert.That(state.FrameWait(now, interval, Frequency)).IsEqualTo(TimeSpan.Zero);
            state.FrameSent(now, interval, Frequency);
        }

        // Snapshots every 2 ms (a client that asked for 60 Hz of something faster): frames go when they are let, and over
        // ten seconds no more than the rate allows (plus the half interval of tolerance at the start).
        var sent = 0;
        start = now + 20_000;
        now = start;
        while (now - start < 10 * Frequency)
        {
            var wait = state.FrameWait(now, interval, Frequency);
            await Assert.That(wait).IsLessThanOrEqualTo(interval);
            if (wait == TimeSpan.Zero)
            {
                state.FrameSent(now, interval, Frequency);
                sent++;
            }

            now += 2_000;
        }

        await Assert.That(sent).IsLessThanOrEqualTo(601);
        await Assert.That(sent).IsGreaterThanOrEqualTo(590);
    }

    [Test]
    public async Task Non_finite_positions_are_not_streamed_as_moves()
    {
        using var state = new ClientFrameState(threshold: 0.5f);
        state.Encode(Snapshot(1, 1, (1, 0, 0, 0)));
        var frame = state.Encode(Snapshot(1, 2, (1, float.NaN, 0, 0)));
        await Assert.That(frame.Length).IsEqualTo(0);
    }

    [Test]
    [Arguments("{\"type\":\"set_rate\",\"hz\":10}", true, 10)]
    [Arguments("{\"hz\":1,\"type\":\"set_rate\",\"extra\":[1,2,{\"a\":1}]}", true, 1)]
    [Arguments("{\"type\":\"request_full\"}", true, 0)]
    [Arguments("{\"type\":\"set_rate\",\"hz\":61}", false, 0)]
    [Arguments("{\"type\":\"set_rate\",\"hz\":0}", false, 0)]
    [Arguments("{\"type\":\"set_rate\",\"hz\":\"10\"}", false, 0)]
    [Arguments("{\"type\":\"set_rate\",\"hz\":1e400}", false, 0)]
    [Arguments("{\"type\":\"dance\"}", false, 0)]
    [Arguments("[1,2,3]", false, 0)]
    [Arguments("{\"type\":", false, 0)]
    [Arguments("not json", false, 0)]
    [Arguments("", false, 0)]
    [Arguments("{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":1}}}}}", false, 0)]
    public async Task Control_messages_are_parsed_strictly(string json, bool ok, int hz)
    {
        var parsed = StreamControl.TryParse(System.Text.Encoding.UTF8.GetBytes(json), 60, out var control, out var error);
        await Assert.That(parsed).IsEqualTo(ok);
        if (ok)
        {
            await Assert.That(control.RateHz).IsEqualTo(hz);
        }
        else
        {
            await Assert.That(error).IsNotEmpty();
        }
    }
}
