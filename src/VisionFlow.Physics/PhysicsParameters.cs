namespace VisionFlow.Physics;

/// <summary>Everything a layout step needs besides the graph: two parameter sets (selected by id bit 31) and the DualGraph coupling.</summary>
internal sealed record PhysicsParameters
{
    /// <summary>Parameters for knowledge nodes (id bit 31 clear).</summary>
    public NodeForceParameters Knowledge { get; init; } = NodeForceParameters.Default;

    /// <summary>Parameters for agent nodes (id bit 31 set).</summary>
    public NodeForceParameters Agent { get; init; } = NodeForceParameters.Default;

    /// <summary>Integration time step.</summary>
    public float Dt { get; init; } = 0.0227f;

    /// <summary>Softening term in repel_k/(d²+ε).</summary>
    public float Epsilon { get; init; } = 1e-4f;

    /// <summary>Requested grid cell edge; the effective cell is never smaller than the largest repulsion cutoff.</summary>
    public float GridCellSize { get; init; } = 28.5f;

    /// <summary>Repulsion multiplier between a knowledge node and an agent node.</summary>
    public float CrossGraphRepulsion { get; init; } = 0.3f;

    /// <summary>Spring multiplier for edges joining the two graphs.</summary>
    public float CrossGraphSpring { get; init; } = 0.5f;

    /// <summary>Iterations run after a topology change before the layout is streamed as settled.</summary>
    public int WarmupIterations { get; init; } = 100;

    /// <summary>The defaults from the shared README.</summary>
    public static PhysicsParameters Default { get; } = new();

    /// <summary>Cell edge the spatial grid actually uses: one cell covers the cutoff, so 27 cells hold every neighbour.</summary>
    public float EffectiveCellSize =>
        MathF.Max(GridCellSize, MathF.Max(Knowledge.RepulsionCutoff, Agent.RepulsionCutoff));

    /// <summary>Selects the parameter set for an id.</summary>
    public NodeForceParameters For(uint id) => (id & LayoutGraph.AgentBit) != 0 ? Agent : Knowledge;
}
