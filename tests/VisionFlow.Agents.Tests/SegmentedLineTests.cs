using VisionFlow.Connections.Link;
using VisionFlow.Testing;

namespace VisionFlow.Agents.Tests;

/// <summary>
/// Lines as the connection's read loop hands them to the feed: unparsed, in the socket reader's segments when they
/// straddled two reads. One copy into the ring makes them whole, and the intake's parse is the only one they get.
/// </summary>
public sealed class SegmentedLineTests
{
    [Test]
    public async Task A_line_that_arrived_in_pieces_is_applied_like_one_that_did_not()
    {
        var intake = Session.NewIntake(new AgentTelemetryOptions { MaxAgents = 16 }, TimeProvider.System);
        await Session.OpenAsync(intake);
        intake.Feed.PublishLine(1, Segments.Of(Wire.Spawned("agent-1"), 7));
        intake.Feed.PublishLine(1, Segments.Of(Wire.Status("agent-1", 42.5, "busy"), 3));
        intake.Feed.LinesPublished();
        await intake.ProcessBatchAsync();
        var agent = intake.PublishSnapshotNow().Agents.Single();
        await Assert.That(agent.Id).IsEqualTo("agent-1");
        await Assert.That(agent.Status).IsEqualTo("busy");
        await Assert.That(agent.CpuUsage).IsEqualTo(42.5f);
        await Assert.That(intake.Counters.Malformed).IsEqualTo(0L);
    }

    [Test]
    public async Task Pieces_written_across_the_ring_s_end_come_out_whole()
    {
        // A 4 KiB ring: the records wrap many times, and each line is copied in from a different cut.
        var intake = Session.NewIntake(new AgentTelemetryOptions { MaxAgents = 16 }, TimeProvider.System, pushBufferBytes: 4096);
        await Session.OpenAsync(intake);
        for (var i = 0; i < 8; i++) intake.Feed.PublishLine(1, Wire.Spawned("agent-" + i));
        await intake.ProcessBatchAsync();
        for (var round = 0; round < 200; round++)
        {
            for (var i = 0; i < 8; i++)
            {
                intake.Feed.PublishLine(1, Segments.Of(Wire.Status("agent-" + i, round + i), 1 + ((round + i) % 13)));
            }

            intake.Feed.LinesPublished();
            await intake.ProcessBatchAsync();
        }

        var agents = intake.PublishSnapshotNow().Agents;
        await Assert.That(agents.Count).IsEqualTo(8);
        foreach (var agent in agents)
        {
            await Assert.That(agent.CpuUsage).IsEqualTo((float)(199 + int.Parse(agent.Id["agent-".Length..], System.Globalization.CultureInfo.InvariantCulture)));
        }

        await Assert.That(intake.Counters.Malformed).IsEqualTo(0L);
        await Assert.That(intake.PushDropped).IsEqualTo(0L);
    }

    [Test]
    public async Task The_running_intake_wakes_once_the_lines_of_a_read_are_in()
    {
        var intake = Session.NewIntake(new AgentTelemetryOptions { MaxAgents = 16 }, TimeProvider.System);
        await Session.OpenAsync(intake);
        using var stop = new CancellationTokenSource();
        var run = intake.RunAsync(stop.Token);
        intake.Feed.PublishLine(1, Segments.Of(Wire.Spawned("agent-1"), 5));
        intake.Feed.PublishLine(1, Segments.Of(Wire.Spawned("agent-2"), 50));
        intake.Feed.LinesPublished();
        await Eventually.UntilAsync(() => intake.Cache.Count == 2, "both agents applied", TimeSpan.FromSeconds(15));
        await stop.CancelAsync();
        await run;
    }
    [Test]
    public async Task A_parked_intake_applies_a_read_s_lines_on_the_read_loop_before_it_reads_again()
    {
        // One thread-pool item from socket to change set: the read loop's end-of-read wake runs the parked loop's batch
        // right there (issue 23), while a listing or a session's end, written on the link's threads, only wakes it.
        var intake = Session.NewIntake(new AgentTelemetryOptions { MaxAgents = 16 }, TimeProvider.System);
        await Session.OpenAsync(intake);
        var batchesInsideCall = 0;
        var batches = 0;
        intake.ChangesApplied += _ =>
        {
            Interlocked.Increment(ref batches);
            if (t_insideCall) Interlocked.Increment(ref batchesInsideCall);
        };
        using var stop = new CancellationTokenSource();
        var run = intake.RunAsync(stop.Token); // takes the listing's wake, then parks: nothing else is waiting

        intake.Feed.PublishLine(1, Segments.Of(Wire.Spawned("agent-1"), 5));
        Inside(intake.Feed.LinesPublished);
        await Assert.That(batchesInsideCall).IsEqualTo(1);
        await Assert.That(intake.Cache.Count).IsEqualTo(1);

        // A big swarm's read (more than InlineBacklogBytes waiting) wakes the loop on the pool: the read loop reads on.
        var bytes = 0;
        for (var i = 0; bytes <= McpSessionFeed.InlineBacklogBytes; i++)
        {
            var line = Wire.Status("agent-1", i);
            intake.Feed.PublishLine(1, Segments.Of(line, 1));
            bytes += line.Length;
        }

        Inside(intake.Feed.LinesPublished);
        await Eventually.UntilAsync(() => Volatile.Read(ref batches) == 2, "the big read applied", TimeSpan.FromSeconds(15));
        await Assert.That(batchesInsideCall).IsEqualTo(1);

        Inside(() => intake.Feed.PublishEnd(1));
        await Eventually.UntilAsync(() => Volatile.Read(ref batches) == 3, "the session's end applied", TimeSpan.FromSeconds(15));
        await Assert.That(batchesInsideCall).IsEqualTo(1);
        await stop.CancelAsync();
        await run;
    }

    // True only on the test's thread while it is inside Inside: a batch that sees it ran on that call's stack.
    [ThreadStatic]
    private static bool t_insideCall;

    private static void Inside(Action action)
    {
        t_insideCall = true;
        try
        {
            action();
        }
        finally
        {
            t_insideCall = false;
        }
    }
}
