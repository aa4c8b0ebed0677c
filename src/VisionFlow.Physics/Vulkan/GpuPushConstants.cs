using System.Runtime.InteropServices;

namespace VisionFlow.Physics.Vulkan;

/// <summary>Mirror of the push-constant block in shaders/layout_common.glsl (96 bytes, std430 scalars).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct GpuPushConstants
{
    public GpuNodeParams Knowledge;
    public GpuNodeParams Agent;
    public uint NodeCount;
    public uint TableMask;
    public float InvCell;
    public float Dt;
    public float Eps;
    public float CrossRepulsion;
    public float CrossSpring;
    public uint TableSize;

    public static GpuPushConstants From(PhysicsParameters p, int nodeCount, int tableSize) => new()
    {
        Knowledge = GpuNodeParams.From(p.Knowledge),
        Agent = GpuNodeParams.From(p.Agent),
        NodeCount = (uint)nodeCount,
        TableMask = (uint)tableSize - 1,
        InvCell = 1f / p.EffectiveCellSize,
        Dt = p.Dt,
        Eps = p.Epsilon,
        CrossRepulsion = p.CrossGraphRepulsion,
        CrossSpring = p.CrossGraphSpring,
        TableSize = (uint)tableSize,
    };
}

/// <summary>Mirror of the shader's NodeParams struct.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct GpuNodeParams
{
    public float SpringK, RepelK, Damping, MaxVelocity, MaxForce, RestLength, Cutoff, CenterK;

    public static GpuNodeParams From(NodeForceParameters p) => new()
    {
        SpringK = p.SpringK, RepelK = p.RepelK, Damping = p.Damping, MaxVelocity = p.MaxVelocity,
        MaxForce = p.MaxForce, RestLength = p.RestLength, Cutoff = p.RepulsionCutoff, CenterK = p.CenterGravityK,
    };
}
