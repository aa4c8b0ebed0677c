namespace VisionFlow.Physics;

/// <summary>Pair math shared with shaders/forces.comp (keep the constants and the direction hash identical there).</summary>
internal static class PairMath
{
    /// <summary>Below this squared distance two nodes count as coincident and get a deterministic direction.</summary>
    public const float CoincidentD2 = 1e-6f;

    /// <summary>Below this distance a spring has no direction and is skipped (repulsion separates the pair).</summary>
    public const float MinSpringDistance = 1e-3f;

    /// <summary>
    /// Degree above which a node counts as a hub: its springs get longer with the square root of its degree
    /// (<see cref="RestScale"/>), so its neighbours spread over a sphere whose area grows with their number.
    /// </summary>
    /// <remarks>
    /// Without it a swarm hub pulls every member to one rest length: 10,000 agents on a sphere of radius 50, about two
    /// units apart, each with thousands of others inside the repulsion cutoff, and the per-step neighbour work grows with
    /// the square of the swarm (issue 23: 60 % of the service's CPU at 10,000 agents). With the area per member held at
    /// 4π·rest²/<see cref="HubDegree"/> (about 20 units apart) each keeps a few dozen neighbours whatever the swarm's size.
    /// </remarks>
    public const int HubDegree = 32;

    /// <summary>
    /// Rest-length multiplier of a spring between nodes of degrees <paramref name="degreeA"/> and
    /// <paramref name="degreeB"/>: 1 below <see cref="HubDegree"/>, else √(max degree / <see cref="HubDegree"/>).
    /// </summary>
    public static float RestScale(int degreeA, int degreeB)
    {
        var degree = Math.Max(degreeA, degreeB);
        return degree > HubDegree ? MathF.Sqrt(degree / (float)HubDegree) : 1f;
    }

    /// <summary>Hash-grid table size for the Vulkan path: a power of two at least twice the node count, so chains stay short.</summary>
    public static int TableSize(int nodeCount)
    {
        var size = 64;
        while (size < nodeCount * 2) size <<= 1;
        return size;
    }

    /// <summary>Unit vector for the pair (i, j), antisymmetric: Direction(i, j) == -Direction(j, i).</summary>
    public static (float X, float Y, float Z) CoincidentDirection(int i, int j)
    {
        var a = (uint)Math.Min(i, j);
        var b = (uint)Math.Max(i, j);
        var h = (a * 0x9E3779B1u) ^ (b * 0x85EBCA77u);
        h ^= h >> 15; h *= 0x2C1B3C6Du; h ^= h >> 12;
        var theta = (h & 0xFFFFu) * (MathF.Tau / 65536f);
        var z = ((h >> 16) & 0xFFFFu) * (2f / 65536f) - 1f;
        var r = MathF.Sqrt(MathF.Max(0f, 1f - z * z));
        var s = i < j ? -1f : 1f;
        return (s * r * MathF.Cos(theta), s * r * MathF.Sin(theta), s * z);
    }
}
