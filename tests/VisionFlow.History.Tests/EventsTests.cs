using VisionFlow.History.Model;

namespace VisionFlow.History.Tests;

/// <summary>What happened between two moments, for one agent or all, page by page.</summary>
public sealed class EventsTests
{
    [Test]
    public async Task Events_of_one_agent_page_through_without_gaps_or_repeats()
    {
        await using var h = HistoryFixture.Create();
        var t0 = h.Time.GetUtcNow();
        using (var b = h.Recorder.Begin())
        {
            foreach (var id in new[] { "a1", "a2", "a3" })
            {
                b.AgentAdded(id, [new(AgentField.Status, "idle")]);
            }
        }

        for (var i = 0; i < 50; i++)
        {
            await h.AdvanceAsync(TimeSpan.FromMilliseconds(300));
            using var b = h.Recorder.Begin();
            foreach (var id in new[] { "a1", "a2", "a3" })
            {
                b.AgentChanged(id, [new(AgentField.Status, i % 2 == 0 ? "busy" : "idle")]);
            }

            if (i == 10)
            {
                b.EdgeAdded("a1", "a2", [new(EdgeField.Messages, 1L)]);
                b.Command("10.0.0.7", "DELETE /api/bots/agents/{id}", "a2", null, 200, "{\"terminated\":true}", TimeSpan.FromMilliseconds(3));
                b.Command("10.0.0.7", "DELETE /api/bots/agents/{id}", "a3", null, 200, null, TimeSpan.FromMilliseconds(3));
            }
        }

        await h.TickAsync();
        var all = new List<HistoryRecord>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = h.Recorder.Reader.Events(t0, h.Time.GetUtcNow(), "a2", limit: 7, cursor: cursor);
            await Assert.That(page.Events.Count).IsLessThanOrEqualTo(7);
            all.AddRange(page.Events);
            cursor = page.Next;
            pages++;
        }
        while (cursor is not null);

        // Added + 50 status changes + the edge from a1 + the command aimed at it; nothing of a1's or a3's own.
        await Assert.That(all.Count).IsEqualTo(53);
        await Assert.That(pages).IsEqualTo(8);
        await Assert.That(all.OfType<EntityRecord>().Where(e => e.Kind == EntityKind.Agent).All(e => e.Id == "a2")).IsTrue();
        await Assert.That(all.OfType<CommandRecord>().Single().Target).IsEqualTo("a2");
        await Assert.That(all.OfType<EntityRecord>().Single(e => e.Kind == EntityKind.Edge).Second).IsEqualTo("a2");
        await Assert.That(all.Select(e => e.At)).IsOrderedBy(a => a);
    }

    [Test]
    public async Task Events_stay_inside_the_range_asked_for()
    {
        await using var h = HistoryFixture.Create();
        var t0 = h.Time.GetUtcNow();
        for (var i = 0; i < 20; i++)
        {
            await h.AdvanceAsync(TimeSpan.FromSeconds(1));
            using var b = h.Recorder.Begin();
            b.AgentAdded($"a{i}", [new(AgentField.Status, "idle")]);
        }

        await h.TickAsync();
        var page = h.Recorder.Reader.Events(t0.AddSeconds(5), t0.AddSeconds(9));
        await Assert.That(page.Events.Select(e => ((EntityRecord)e).Id)).IsEquivalentTo(new[] { "a4", "a5", "a6", "a7", "a8" });
        await Assert.That(page.Next).IsNull();
        await Assert.That(() => h.Recorder.Reader.Events(t0, t0.AddSeconds(9), cursor: "not-a-cursor")).Throws<FormatException>();
    }
}
