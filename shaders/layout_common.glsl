// Shared declarations for the layout passes. The force math mirrors src/VisionFlow.Physics/PairMath.cs and
// CpuLayoutBackend.cs; change both together.

struct NodeParams {
    float springK;
    float repelK;
    float damping;
    float maxVelocity;
    float maxForce;
    float restLength;
    float cutoff;
    float centerK;
};

// 96 bytes: within the 128 bytes every Vulkan device guarantees for push constants.
layout(push_constant) uniform Params {
    NodeParams knowledge;
    NodeParams agent;
    uint nodeCount;
    uint tableMask;
    float invCell;
    float dt;
    float eps;
    float crossRepulsion;
    float crossSpring;
    uint tableSize;
} pc;

layout(std430, binding = 0) readonly buffer PosIn { vec4 posIn[]; };
layout(std430, binding = 1) writeonly buffer PosOut { vec4 posOut[]; };
layout(std430, binding = 2) buffer Vel { vec4 vel[]; };
// bit 31: agent node (copied from the id), bit 0: pinned.
layout(std430, binding = 3) readonly buffer Flags { uint flags[]; };
layout(std430, binding = 4) readonly buffer EdgeOffsets { uint edgeOffsets[]; };
layout(std430, binding = 5) readonly buffer EdgeTargets { uint edgeTargets[]; };
layout(std430, binding = 6) readonly buffer EdgeWeights { float edgeWeights[]; };
// Per-cell counts; after the scan they serve as scatter cursors.
layout(std430, binding = 7) buffer CellCount { uint cellCount[]; };
layout(std430, binding = 8) buffer CellStart { uint cellStart[]; };
layout(std430, binding = 9) buffer Sorted { uint sortedNodes[]; };
// xyz: integer cell, w: hash bucket.
layout(std430, binding = 10) buffer NodeCell { ivec4 nodeCell[]; };
// [0]: largest squared speed of the pass, as float bits (non-negative floats order like uints).
layout(std430, binding = 11) buffer Stats { uint stats[]; };

const uint AGENT_BIT = 0x80000000u;
const uint PINNED_BIT = 1u;
const float COINCIDENT_D2 = 1e-6;
const float MIN_SPRING_DISTANCE = 1e-3;
const float CELL_CLAMP = 1000000.0;

// PairMath.HubDegree / RestScale: a hub's springs lengthen with the square root of its degree, so a swarm of thousands
// spreads over a sphere instead of packing inside one repulsion cutoff.
const uint HUB_DEGREE = 32u;

float restScale(uint degreeA, uint degreeB) {
    uint degree = max(degreeA, degreeB);
    return degree > HUB_DEGREE ? sqrt(float(degree) / float(HUB_DEGREE)) : 1.0;
}

int cellOf(float v) {
    return int(floor(clamp(v * pc.invCell, -CELL_CLAMP, CELL_CLAMP)));
}

uint hashCell(ivec3 c) {
    return ((uint(c.x) * 73856093u) ^ (uint(c.y) * 19349663u) ^ (uint(c.z) * 83492791u)) & pc.tableMask;
}

// Field-by-field copy: glslc's optimiser rejects a whole-struct copy out of the push-constant block.
NodeParams paramsFor(uint f) {
    bool agent = (f & AGENT_BIT) != 0u;
    NodeParams r;
    r.springK = agent ? pc.agent.springK : pc.knowledge.springK;
    r.repelK = agent ? pc.agent.repelK : pc.knowledge.repelK;
    r.damping = agent ? pc.agent.damping : pc.knowledge.damping;
    r.maxVelocity = agent ? pc.agent.maxVelocity : pc.knowledge.maxVelocity;
    r.maxForce = agent ? pc.agent.maxForce : pc.knowledge.maxForce;
    r.restLength = agent ? pc.agent.restLength : pc.knowledge.restLength;
    r.cutoff = agent ? pc.agent.cutoff : pc.knowledge.cutoff;
    r.centerK = agent ? pc.agent.centerK : pc.knowledge.centerK;
    return r;
}
