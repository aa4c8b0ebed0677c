#version 450
// Pass 4: each node sums its own forces (grid repulsion, CSR springs, centering) from posIn and integrates
// into posOut (double-buffered, so no node sees a half-updated neighbour).
layout(local_size_x = 64) in;
#include "layout_common.glsl"

vec3 coincidentDirection(uint i, uint j) {
    uint a = min(i, j);
    uint b = max(i, j);
    uint h = (a * 0x9E3779B1u) ^ (b * 0x85EBCA77u);
    h ^= h >> 15; h *= 0x2C1B3C6Du; h ^= h >> 12;
    float theta = float(h & 0xFFFFu) * (6.28318530718 / 65536.0);
    float z = float((h >> 16) & 0xFFFFu) * (2.0 / 65536.0) - 1.0;
    float r = sqrt(max(0.0, 1.0 - z * z));
    float s = i < j ? -1.0 : 1.0;
    return s * vec3(r * cos(theta), r * sin(theta), z);
}

void main() {
    uint i = gl_GlobalInvocationID.x;
    if (i >= pc.nodeCount) return;
    uint fi = flags[i];
    NodeParams np = paramsFor(fi);
    vec3 pi = posIn[i].xyz;
    if ((fi & PINNED_BIT) != 0u) {
        vel[i] = vec4(0.0);
        posOut[i] = posIn[i];
        return;
    }

    vec3 f = vec3(0.0);
    float cutoff2 = np.cutoff * np.cutoff;
    ivec3 ci = nodeCell[i].xyz;
    // posIn[].w carries the agent flag (1.0 agent, 0.0 knowledge), so one read per candidate serves both tests.
    float kindI = posIn[i].w;

    // Distinct buckets of the 27 neighbour cells. Every node within the cutoff lives in one of those cells, so
    // visiting each bucket once and testing distance alone finds every pair exactly once, without reading the
    // candidate's cell (a collision only adds far nodes, which the cutoff rejects).
    uint buckets[27];
    uint bucketCount = 0u;
    for (int dz = -1; dz <= 1; dz++)
    for (int dy = -1; dy <= 1; dy++)
    for (int dx = -1; dx <= 1; dx++) {
        uint h = hashCell(ci + ivec3(dx, dy, dz));
        bool seen = false;
        for (uint q = 0u; q < bucketCount; q++) seen = seen || buckets[q] == h;
        if (!seen) { buckets[bucketCount] = h; bucketCount++; }
    }

    for (uint q = 0u; q < bucketCount; q++) {
        uint h = buckets[q];
        uint kEnd = cellStart[h + 1u];
        for (uint k = cellStart[h]; k < kEnd; k++) {
            uint j = sortedNodes[k];
            if (j == i) continue;
            vec4 pj = posIn[j];
            vec3 d = pi - pj.xyz;
            float d2 = dot(d, d);
            if (d2 >= cutoff2) continue;
            float mag = min(np.repelK / (d2 + pc.eps), np.maxForce);
            if (pj.w != kindI) mag *= pc.crossRepulsion;
            if (d2 < COINCIDENT_D2) f += coincidentDirection(i, j) * mag;
            else f += d * (mag / sqrt(d2));
        }
    }

    uint eEnd = edgeOffsets[i + 1u];
    uint degreeI = eEnd - edgeOffsets[i];
    for (uint e = edgeOffsets[i]; e < eEnd; e++) {
        uint j = edgeTargets[e];
        float w = edgeWeights[e];
        if (j == i || w == 0.0) continue;
        vec4 pj = posIn[j];
        vec3 d = pj.xyz - pi;
        float dist = sqrt(dot(d, d));
        if (dist < MIN_SPRING_DISTANCE) continue;
        float rest = np.restLength * restScale(degreeI, edgeOffsets[j + 1u] - edgeOffsets[j]);
        float s = np.springK * (dist - rest) * w;
        if (pj.w != kindI) s *= pc.crossSpring;
        f += d * (s / dist);
    }

    f -= np.centerK * pi;
    float f2 = dot(f, f);
    if (f2 > np.maxForce * np.maxForce) f *= np.maxForce / sqrt(f2);

    vec3 v = (vel[i].xyz + f * pc.dt) * np.damping;
    float s2 = dot(v, v);
    float max2 = np.maxVelocity * np.maxVelocity;
    if (s2 > max2) {
        v *= np.maxVelocity / sqrt(s2);
        s2 = max2;
    }
    vel[i] = vec4(v, 0.0);
    posOut[i] = vec4(pi + v * pc.dt, kindI);
    atomicMax(stats[0], floatBitsToUint(s2));
}
