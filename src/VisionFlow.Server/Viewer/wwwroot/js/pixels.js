// The pixel renderer for large graphs: edges as blended one-pixel lines and nodes as small stamped discs, written
// straight into a Uint32Array of RGBA pixels (an ImageData's buffer, little-endian) that the caller puts on the canvas
// once. No path is built or filled, so the cost is a few pixel writes per node whatever the rasteriser. Pure: Node's
// tests draw into plain arrays.

import { PALETTE, BACKGROUND, EDGE_COLOURS, C_NOTE, C_SWARM, C_TASK, rgbOf, packRgb } from './palette.js';

const PACKED = PALETTE.map((c) => packRgb(rgbOf(c)));
export const PACKED_BACKGROUND = packRgb(rgbOf(BACKGROUND));

const stamps = new Map();

/** The pixel offsets [dx0, dy0, dx1, dy1, …] of a disc of radius r, made once per half-pixel of radius. */
export function stamp(r) {
  const key = Math.round(r * 2);
  let offsets = stamps.get(key);
  if (!offsets) {
    const R = Math.ceil(r - 0.5), r2 = r * r;
    const list = [];
    for (let dy = -R; dy <= R; dy++) for (let dx = -R; dx <= R; dx++) if (dx * dx + dy * dy <= r2) list.push(dx, dy);
    offsets = Int32Array.from(list);
    stamps.set(key, offsets);
  }
  return offsets;
}

// Liang-Barsky clipping of the segment's parameter range [clipFrom, clipTo]; module fields, not an object per line.
let clipFrom = 0, clipTo = 1;
function clip(p, q) {
  if (p === 0) return q >= 0;
  const t = q / p;
  if (p < 0) { if (t > clipTo) return false; if (t > clipFrom) clipFrom = t; } else { if (t < clipFrom) return false; if (t < clipTo) clipTo = t; }
  return true;
}

/**
 * A one-pixel line from (x0, y0) to (x1, y1) blended over what is there (alpha out of 256), clipped to the W×H image
 * first so a long edge of a zoomed-in view costs only its visible pixels. A DDA walk: one step per pixel of the longer
 * axis, no branches in the loop (about three times faster than Bresenham's here).
 */
export function line(P, W, H, x0, y0, x1, y1, r, g, b, alpha) {
  if (!(Number.isFinite(x0) && Number.isFinite(y0) && Number.isFinite(x1) && Number.isFinite(y1))) return;
  clipFrom = 0;
  clipTo = 1;
  const dx = x1 - x0, dy = y1 - y0;
  if (!clip(-dx, x0) || !clip(dx, W - 1 - x0) || !clip(-dy, y0) || !clip(dy, H - 1 - y0)) return;
  const xa = x0 + clipFrom * dx, ya = y0 + clipFrom * dy;
  const lx = (clipTo - clipFrom) * dx, ly = (clipTo - clipFrom) * dy;
  const n = Math.max(Math.abs(lx), Math.abs(ly)) | 0;
  const sx = n ? lx / n : 0, sy = n ? ly / n : 0;
  let x = xa + 0.5, y = ya + 0.5;
  for (let k = 0; k <= n; k++) {
    const i = (y | 0) * W + (x | 0);
    const p = P[i];
    const pr = p & 255, pg = (p >>> 8) & 255, pb = (p >>> 16) & 255;
    P[i] = (0xff000000 | ((pb + (((b - pb) * alpha) >> 8)) << 16) | ((pg + (((g - pg) * alpha) >> 8)) << 8) | (pr + (((r - pr) * alpha) >> 8))) >>> 0;
    x += sx;
    y += sy;
  }
}

/**
 * The whole graph g into P (W×H): background, visible edges, then the visible nodes of each colour batch, agents as
 * discs of radius ra and notes of radius rk, at canvas position (x·scale + ox, y·scale + oy).
 */
export function drawPixels(P, W, H, g, scale, ox, oy, ra, rk) {
  const X = g.x, Y = g.y, V = g.visible, edges = g.edges;
  P.fill(PACKED_BACKGROUND);
  for (let e = 0; e < edges.count; e++) {
    const a = edges.a[e], b = edges.b[e];
    if (!V[a] || !V[b]) continue;
    const colour = EDGE_COLOURS[edges.flow[e]];
    line(P, W, H, X[a] * scale + ox, Y[a] * scale + oy, X[b] * scale + ox, Y[b] * scale + oy, colour.r, colour.g, colour.b, colour.a);
  }
  for (let c = 0; c < g.buckets.length; c++) {
    const bucket = g.buckets[c];
    if (bucket.count === 0) continue;
    const colour = PACKED[c];
    const radius = c === C_NOTE ? rk : c === C_SWARM || c === C_TASK ? ra * 1.6 : ra; // a hub: larger
    const offsets = stamp(radius);
    const R = Math.ceil(radius);
    for (let i = 0; i < bucket.count; i++) {
      const s = bucket.slots[i];
      const x = Math.round(X[s] * scale + ox), y = Math.round(Y[s] * scale + oy);
      if (x < -R || x >= W + R || y < -R || y >= H + R) continue;
      if (x >= R && x < W - R && y >= R && y < H - R) {
        const centre = y * W + x;
        for (let k = 0; k < offsets.length; k += 2) P[centre + offsets[k + 1] * W + offsets[k]] = colour;
      } else {
        for (let k = 0; k < offsets.length; k += 2) {
          const px = x + offsets[k], py = y + offsets[k + 1];
          if (px >= 0 && px < W && py >= 0 && py < H) P[py * W + px] = colour;
        }
      }
    }
  }
}
