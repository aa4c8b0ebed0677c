namespace VisionFlow.Physics;

/// <summary>Pair math shared with shaders/forces.comp (keep the constants and the direction hash identical there).</summary>
internal static class PairMath
{
    /// <summary>Below this squared distance two nodes count as coincident and get a deterministic direction.</summary>
    public const float CoincidentD2 = 1e-6f;

    /// <summary>Below this distance a spring has no direction and is skipped (repulsion separates the pair).</summary>
    public const float MinSpringDistance = 1e-3f;

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
