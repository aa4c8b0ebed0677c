using System.Text;
using VisionFlow.Agents.Telemetry;

namespace VisionFlow.Agents.Tests;

/// <summary>The id table against a plain dictionary: random adds, finds and releases, chains shared by many ids.</summary>
internal sealed class Utf8InternerTests
{
    [Test]
    public async Task Random_adds_finds_and_releases_agree_with_a_dictionary()
    {
        // 64 keys over 64 buckets and a pool of 200 ids: chains of several ids, released from their heads, middles and ends.
        var interner = new Utf8Interner(64);
        var reference = new Dictionary<string, int>(StringComparer.Ordinal);
        var free = new Queue<int>();
        var next = 0;
        var random = new Random(7);
        var ids = Enumerable.Range(0, 200).Select(i => i % 3 == 0 ? $"agent-{i}" : i % 3 == 1 ? $"cf-{i:x}-{new string('z', i % 20)}" : $"{i}").ToArray();
        for (var step = 0; step < 50_000; step++)
        {
            var id = ids[random.Next(ids.Length)];
            var utf8 = Encoding.UTF8.GetBytes(id);
            switch (random.Next(3))
            {
                case 0:
                    var key = interner.GetOrAdd(utf8);
                    if (!reference.TryGetValue(id, out var expected))
                    {
                        expected = free.Count > 0 ? free.Dequeue() : next < 64 ? next++ : -1;
                        if (expected >= 0) reference[id] = expected;
                    }

                    await Assert.That(key).IsEqualTo(expected);
                    break;
                case 1:
                    await Assert.That(interner.Find(utf8)).IsEqualTo(reference.GetValueOrDefault(id, -1));
                    break;
                default:
                    if (reference.Remove(id, out var gone))
                    {
                        interner.Release(gone);
                        free.Enqueue(gone);
                        await Assert.That(interner.IsLive(gone)).IsFalse();
                    }

                    break;
            }

            await Assert.That(interner.Count).IsEqualTo(reference.Count);
        }

        foreach (var (id, key) in reference)
        {
            await Assert.That(interner.NameOf(key)).IsEqualTo(id);
            await Assert.That(interner.Holds(key, Encoding.UTF8.GetBytes(id))).IsTrue();
        }
    }
}
