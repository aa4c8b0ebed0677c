#version 450
// Pass 1 of the counting-sort grid: bucket every node by its hashed cell.
layout(local_size_x = 64) in;
#include "layout_common.glsl"

void main() {
    uint i = gl_GlobalInvocationID.x;
    if (i >= pc.nodeCount) return;
    vec3 p = posIn[i].xyz;
    ivec3 c = ivec3(cellOf(p.x), cellOf(p.y), cellOf(p.z));
    uint h = hashCell(c);
    nodeCell[i] = ivec4(c, int(h));
    atomicAdd(cellCount[h], 1u);
}
