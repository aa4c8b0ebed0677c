namespace VisionFlow.Agents.Graph;

/// <summary>
/// The knowledge graph and the agent graph side by side. Ids never collide (bit 31 tells them apart), so a combined
/// index space is knowledge indices first, then agent indices offset by <see cref="GraphModel.NodeCount"/> of
/// <see cref="Knowledge"/>. Each model keeps its own owner: the knowledge loader and the telemetry intake.
/// </summary>
public sealed class DualGraph
{
    /// <summary>Markdown notes and their links (ids with bit 31 clear).</summary>
    public GraphModel Knowledge { get; } = new();

    /// <summary>Agents and their communication edges (ids with bit 31 set).</summary>
    public GraphModel Agents { get; } = new();

    /// <summary>Changes whenever either topology changes.</summary>
    public long TopologyVersion => Knowledge.TopologyVersion + Agents.TopologyVersion;

    /// <summary>Total nodes.</summary>
    public int NodeCount => Knowledge.NodeCount + Agents.NodeCount;
}
