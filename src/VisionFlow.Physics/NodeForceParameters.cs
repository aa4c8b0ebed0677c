namespace VisionFlow.Physics;

/// <summary>Force constants for one class of node (knowledge or agent); defaults are the original's.</summary>
internal readonly record struct NodeForceParameters(
    float SpringK,
    float RepelK,
    float Damping,
    float MaxVelocity,
    float MaxForce,
    float RestLength,
    float RepulsionCutoff,
    float CenterGravityK)
{
    /// <summary>The shared README's physics defaults.</summary>
    public static NodeForceParameters Default { get; } = new(
        SpringK: 1.5f, RepelK: 35f, Damping: 0.96f, MaxVelocity: 9.57f, MaxForce: 100f,
        RestLength: 50f, RepulsionCutoff: 50f, CenterGravityK: 0.005f);
}
