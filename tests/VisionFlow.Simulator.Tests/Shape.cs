using System.Text.Json;

namespace VisionFlow.Simulator.Tests;

/// <summary>Compares JSON shapes: every member the real server sent must exist in ours with the same kind.</summary>
internal static class Shape
{
    /// <summary>Members the simulator deliberately does not copy (they would claim real measurements or subsystems).</summary>
    private static readonly HashSet<string> Ignored =
    [
        "$._real", "$._metricsSource", "$.heap", "$.loadAverage", "$.cpuCores", "$._note",
        "$.components.memory", "$.components.neural", "$.components.mcp",
    ];

    public static List<string> Differences(JsonElement real, JsonElement ours)
    {
        var diffs = new List<string>();
        Compare(real, ours, "$", diffs);
        return diffs;
    }

    private static void Compare(JsonElement real, JsonElement ours, string path, List<string> diffs)
    {
        if (Ignored.Contains(path) || real.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        if (Kind(real) != Kind(ours))
        {
            diffs.Add($"{path}: real is {real.ValueKind}, simulator is {ours.ValueKind}");
            return;
        }

        if (real.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in real.EnumerateObject())
            {
                if (Ignored.Contains($"{path}.{p.Name}"))
                {
                    continue;
                }

                if (!ours.TryGetProperty(p.Name, out var mine))
                {
                    diffs.Add($"{path}.{p.Name}: missing in the simulator");
                    continue;
                }

                Compare(p.Value, mine, $"{path}.{p.Name}", diffs);
            }
        }
        else if (real.ValueKind == JsonValueKind.Array && real.GetArrayLength() > 0 && ours.GetArrayLength() > 0)
        {
            Compare(real[0], ours[0], path + "[0]", diffs);
        }
    }

    private static JsonValueKind Kind(JsonElement e) => e.ValueKind == JsonValueKind.False ? JsonValueKind.True : e.ValueKind;
}
