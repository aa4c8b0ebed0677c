#version 450
// Pass 3: place each node in its bucket. Order inside a bucket depends on scheduling, which is why the GPU's
// force sums may differ from the CPU's in the last bits.
layout(local_size_x = 64) in;
#include "layout_common.glsl"

void main() {
    uint i = gl_GlobalInvocationID.x;
    if (i >= pc.nodeCount) return;
    uint slot = atomicAdd(cellCount[uint(nodeCell[i].w)], 1u);
    sortedNodes[slot] = i;
}
