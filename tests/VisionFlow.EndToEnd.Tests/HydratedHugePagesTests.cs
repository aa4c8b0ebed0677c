using System.Globalization;

namespace VisionFlow.EndToEnd.Tests;

/// <summary>
/// The published binary asks for transparent huge pages behind the AOT image's <c>.hydrated</c> section before the
/// runtime writes it (src/VisionFlow.Server/Hosting/Native/hydrated_hugepages.c, issue 23 start-up): the kernel then
/// marks the aligned middle of the writable segment's anonymous tail eligible, which <c>/proc/PID/smaps</c> shows.
/// </summary>
public sealed class HydratedHugePagesTests
{
    private const string ThpMode = "/sys/kernel/mm/transparent_hugepage/enabled";

    [Test]
    public async Task The_zero_filled_tail_of_the_writable_segment_is_eligible_for_huge_pages()
    {
        if (!File.Exists(ThpMode) || File.ReadAllText(ThpMode).Contains("[never]", StringComparison.Ordinal))
        {
            Skip.Test($"transparent huge pages are off on this kernel ({ThpMode}): the advice has nothing to ask for");
        }

        await using var run = BinaryProcess.Start(["--port", "0"], new Dictionary<string, string> { ["ENABLE_MCP"] = "false" });
        await run.WaitForListeningAsync(TimeSpan.FromSeconds(20));

        var mappings = Smaps.Read(run.Pid);
        var binary = Path.GetFullPath(PublishedBinary.Path);
        var writable = mappings.FindLastIndex(m => m.Path == binary && m.Permissions.StartsWith("rw", StringComparison.Ordinal));
        await Assert.That(writable).IsGreaterThanOrEqualTo(0);

        // .bss and .hydrated follow the file-backed data as anonymous mappings at the next addresses; the advised whole
        // 2 MiB pages split them, and those are the only ones marked eligible (the kernel's mode is "madvise").
        var contiguous = new List<Smaps.Mapping>();
        var end = mappings[writable].End;
        foreach (var m in mappings.Skip(writable + 1))
        {
            if (m.Start != end || m.Path.Length != 0)
            {
                break;
            }

            contiguous.Add(m);
            end = m.End;
        }

        await Assert.That(contiguous).IsNotEmpty();
        var eligible = contiguous.Where(m => m.ThpEligible).ToList();
        await Assert.That(eligible).IsNotEmpty();
        await Assert.That(eligible.All(m => m.Start % (2 << 20) == 0 && m.End % (2 << 20) == 0)).IsTrue();
        // The runtime wrote the section through them: they hold memory now, not just the advice.
        await Assert.That(eligible.Sum(m => m.RssKb)).IsGreaterThan(0);
    }

    private static class Smaps
    {
        public sealed record Mapping(ulong Start, ulong End, string Permissions, string Path, bool ThpEligible, long RssKb);

        public static List<Mapping> Read(int pid)
        {
            var result = new List<Mapping>();
            (ulong Start, ulong End, string Perms, string Path)? current = null;
            var eligible = false;
            long rss = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/smaps"))
            {
                // A mapping's header starts "START-END PERMS ..."; its fields start "Name:".
                var space = line.IndexOf(' ', StringComparison.Ordinal);
                var dash = space > 0 ? line.IndexOf('-', 0, space) : -1;
                if (dash > 0 && line[space - 1] != ':')
                {
                    if (current is { } c)
                    {
                        result.Add(new Mapping(c.Start, c.End, c.Perms, c.Path, eligible, rss));
                    }

                    var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
                    current = (
                        ulong.Parse(line.AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                        ulong.Parse(line.AsSpan(dash + 1, space - dash - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                        fields[1],
                        fields.Length > 5 ? fields[5].Trim() : "");
                    eligible = false;
                    rss = 0;
                }
                else if (line.StartsWith("THPeligible:", StringComparison.Ordinal))
                {
                    eligible = line.AsSpan("THPeligible:".Length).Trim().SequenceEqual("1");
                }
                else if (line.StartsWith("Rss:", StringComparison.Ordinal))
                {
                    rss = long.Parse(line.AsSpan(4).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
                }
            }

            if (current is { } last)
            {
                result.Add(new Mapping(last.Start, last.End, last.Perms, last.Path, eligible, rss));
            }

            return result;
        }
    }
}
