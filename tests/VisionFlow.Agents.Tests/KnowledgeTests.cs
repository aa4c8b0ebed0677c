using System.Text;
using Microsoft.Extensions.Time.Testing;
using VisionFlow.Agents.Graph;
using VisionFlow.Agents.Knowledge;

namespace VisionFlow.Agents.Tests;

public sealed class KnowledgeTests
{
    private static string[] LinkNames(KnowledgeSet set) =>
        set.Links.Select(l => set.Notes[l.From].Name + "-" + set.Notes[l.To].Name).Order(StringComparer.Ordinal).ToArray();

    [Test]
    public async Task Wiki_alias_heading_and_relative_links_become_edges()
    {
        var set = KnowledgeLoader.LoadTexts(
        [
            ("Alpha", "See [[Beta]], [[gamma|the third]], [[Delta#Section]] and ![[epsilon]]. Also [x](Zeta.md) and [y](./sub/Eta.md#top)."),
            ("Beta", "Back to [alpha](alpha.md) and [[Alpha#Intro|home]]."),
            ("Gamma", "[web](https://example.com/x.md) [mail](mailto:a@b.md) [anchor](#here) [img](pic.png)"),
            ("Delta", ""),
            ("Epsilon", ""),
            ("Zeta", "[[Missing Note]] and [[also missing|alias]] [m](nowhere.md)"),
            ("Eta", "[[Eta]] links itself"),
        ]);
        await Assert.That(LinkNames(set)).IsEquivalentTo(new[] { "Alpha-Beta", "Alpha-Delta", "Alpha-Epsilon", "Alpha-Eta", "Alpha-Gamma", "Alpha-Zeta" });
        await Assert.That(set.Stats.MissingTargets).IsEqualTo(3);
        await Assert.That(set.Stats.SelfLinks).IsEqualTo(1);
        await Assert.That(set.Notes.Count).IsEqualTo(7);
    }

    [Test]
    public async Task Links_in_code_are_ignored_and_escaped_paths_decoded()
    {
        var set = KnowledgeLoader.LoadTexts(
        [
            ("A", "```\n[[B]]\n```\ninline `[[B]]` but [c](My%20Note.md)"),
            ("B", ""),
            ("My Note", ""),
        ]);
        await Assert.That(LinkNames(set)).IsEquivalentTo(new[] { "A-My Note" });
    }

    [Test]
    public async Task Cycles_and_duplicates_are_one_edge_each()
    {
        var set = KnowledgeLoader.LoadTexts([("A", "[[B]] [[b]] [[B]]"), ("B", "[[C]]"), ("C", "[[A]]")]);
        await Assert.That(LinkNames(set)).IsEquivalentTo(new[] { "A-B", "A-C", "B-C" });
    }

    [Test]
    public async Task Embedded_sample_notes_load_with_every_link_resolved()
    {
        var set = KnowledgeLoader.LoadEmbedded();
        await Assert.That(set.Notes.Count).IsGreaterThanOrEqualTo(8);
        await Assert.That(set.Notes.Count).IsLessThanOrEqualTo(15);
        await Assert.That(set.Stats.MissingTargets).IsEqualTo(0);
        await Assert.That(set.Links.Count).IsGreaterThan(set.Notes.Count);
        await Assert.That(set.Notes.Select(n => n.Name)).Contains("Telemetry Intake");
        var graph = new DualGraph();
        var build = graph.Build(set, null, "off");
        await Assert.That(build.NodeCount).IsEqualTo(set.Notes.Count);
        await Assert.That(graph.Edges.Length).IsEqualTo(set.Links.Count);
        foreach (var id in graph.Ids.ToArray()) await Assert.That(NodeIds.IsAgent(id)).IsFalse();
    }

    [Test]
    public async Task Hostile_folders_are_bounded()
    {
        var dir = Directory.CreateTempSubdirectory("vf-knowledge-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "ok.md"), "[[big]] [[binary]]");
            var big = new StringBuilder("[[ok]]\n");
            while (big.Length < 300_000) big.Append("lorem ipsum [[ok]] ");
            big.Append("\n[[late-link]]");
            File.WriteAllText(Path.Combine(dir.FullName, "big.md"), big.ToString());
            File.WriteAllBytes(Path.Combine(dir.FullName, "binary.md"), [0x89, 0x50, 0x00, 0x00, 0x5B, 0x5B]);
            File.WriteAllText(Path.Combine(dir.FullName, "notes.txt"), "[[ok]]");
            Directory.CreateDirectory(Path.Combine(dir.FullName, ".hidden"));
            File.WriteAllText(Path.Combine(dir.FullName, ".hidden", "secret.md"), "[[ok]]");
            Directory.CreateDirectory(Path.Combine(dir.FullName, "sub"));
            File.WriteAllText(Path.Combine(dir.FullName, "sub", "OK.md"), "duplicate name");
            for (var i = 0; i < 20; i++) File.WriteAllText(Path.Combine(dir.FullName, $"n{i:00}.md"), "[[ok]]");

            var set = KnowledgeLoader.LoadFolder(dir.FullName, new KnowledgeLimits { MaxFileBytes = 100_000, MaxNotes = 10, MaxLinksPerNote = 50 });
            await Assert.That(set.Notes.Count).IsEqualTo(10);
            await Assert.That(set.Stats.BinarySkipped).IsEqualTo(1);
            await Assert.That(set.Stats.Truncated).IsEqualTo(1);
            await Assert.That(set.Stats.OverLimit).IsGreaterThan(0);
            await Assert.That(set.Notes.Single(n => n.Name == "big").Links.Count).IsEqualTo(50);
            await Assert.That(set.Notes.Any(n => n.Name == "secret")).IsFalse();
            await Assert.That(set.Notes.Any(n => n.Name == "notes")).IsFalse();
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Test]
    public async Task A_note_keeps_its_node_id_across_reloads_and_ids_never_collide_with_agents()
    {
        var graph = new DualGraph();
        graph.Build(KnowledgeLoader.LoadTexts([("A", "[[B]]"), ("B", ""), ("C", "[[A]]")]), null, null);
        var first = graph.Ids.ToArray();
        graph.Build(KnowledgeLoader.LoadTexts([("a", "[[D]]"), ("D", ""), ("C", "[[a]]")]), null, null);
        var second = graph.Ids.ToArray();
        await Assert.That(second[0]).IsEqualTo(first[0]); // A, by case-insensitive name
        await Assert.That(second[2]).IsEqualTo(first[2]); // C
        await Assert.That(second[1]).IsNotEqualTo(first[1]); // D is new, B is gone
        await Assert.That(first.Concat(second).All(id => !NodeIds.IsAgent(id) && id != 0)).IsTrue();
        await Assert.That(graph.Edges.ToArray().Select(e => (second[e.A], second[e.B]))).Contains((second[0], second[1]));
    }

    [Test]
    public async Task Watcher_reloads_when_a_note_changes()
    {
        var dir = Directory.CreateTempSubdirectory("vf-watch-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "one.md"), "[[two]]");
            File.WriteAllText(Path.Combine(dir.FullName, "two.md"), "");
            using var watcher = new KnowledgeWatcher(dir.FullName, TimeProvider.System, TimeSpan.FromMilliseconds(20));
            var reloaded = new SemaphoreSlim(0);
            KnowledgeSet? latest = null;
            watcher.Reloaded += set =>
            {
                latest = set;
                if (set.Notes.Any(n => n.Name == "three")) reloaded.Release();
            };
            watcher.Start();
            await Assert.That(watcher.Reloads).IsEqualTo(1L);

            File.WriteAllText(Path.Combine(dir.FullName, "three.md"), "[[one]] [[two]]");
            await Assert.That(await reloaded.WaitAsync(TimeSpan.FromSeconds(30))).IsTrue();
            await Assert.That(latest!.Notes.Count).IsEqualTo(3);
            await Assert.That(latest.Links.Count).IsEqualTo(3);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Test]
    public async Task Watcher_debounce_runs_on_the_time_provider()
    {
        var dir = Directory.CreateTempSubdirectory("vf-debounce-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "one.md"), "");
            var time = new FakeTimeProvider();
            using var watcher = new KnowledgeWatcher(dir.FullName, time, TimeSpan.FromSeconds(1));
            watcher.Start();
            await Assert.That(watcher.Reloads).IsEqualTo(1L);
            var reloaded = new SemaphoreSlim(0);
            KnowledgeSet? latest = null;
            watcher.Reloaded += set =>
            {
                latest = set;
                reloaded.Release();
            };
            File.WriteAllText(Path.Combine(dir.FullName, "two.md"), "[[one]]");
            // The file event arms the debounce timer; only advancing fake time past it reloads.
            await VisionFlow.Testing.Eventually.UntilAsync(
                async () =>
                {
                    time.Advance(TimeSpan.FromSeconds(1));
                    await reloaded.WaitAsync(TimeSpan.FromMilliseconds(50));
                    return watcher.Reloads > 1;
                },
                "a reload once fake time passes the debounce",
                TimeSpan.FromSeconds(30),
                pollMilliseconds: 0);

            await Assert.That(watcher.Reloads).IsGreaterThanOrEqualTo(2L);
            await Assert.That(latest!.Notes.Count).IsEqualTo(2);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
