#version 450
// Pass 2: exclusive prefix sum of the bucket counts in one workgroup (each invocation owns a contiguous slice),
// then the counts become scatter cursors.
layout(local_size_x = 256) in;
#include "layout_common.glsl"

shared uint partial[256];

void main() {
    uint t = gl_LocalInvocationID.x;
    uint per = (pc.tableSize + 255u) / 256u;
    uint begin = min(t * per, pc.tableSize);
    uint end = min(begin + per, pc.tableSize);
    uint sum = 0u;
    for (uint c = begin; c < end; c++) sum += cellCount[c];
    partial[t] = sum;
    barrier();
    // Hillis-Steele inclusive scan over the 256 slice sums.
    for (uint offset = 1u; offset < 256u; offset <<= 1) {
        uint add = t >= offset ? partial[t - offset] : 0u;
        barrier();
        partial[t] += add;
        barrier();
    }
    uint running = partial[t] - sum;
    for (uint c = begin; c < end; c++) {
        uint count = cellCount[c];
        cellStart[c] = running;
        cellCount[c] = running;
        running += count;
    }
    if (t == 255u) cellStart[pc.tableSize] = partial[255];
}
