import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stamp, line, drawPixels, PACKED_BACKGROUND } from '../../src/VisionFlow.Server/Viewer/wwwroot/js/pixels.js';
import { createGraph, ensureCapacity, place, restyle, relink } from '../../src/VisionFlow.Server/Viewer/wwwroot/js/nodes.js';
import { PALETTE, C_ACTIVE, C_NOTE, rgbOf, packRgb } from '../../src/VisionFlow.Server/Viewer/wwwroot/js/palette.js';

const BLACK = packRgb([0, 0, 0]);
const lit = (P, W) => { const s = new Set(); P.forEach((p, i) => { if (p !== BLACK) s.add((i % W) + ',' + Math.floor(i / W)); }); return s; };

test('a stamp is a filled disc, the same array for the same radius', () => {
  const d = stamp(2);
  const points = [];
  for (let k = 0; k < d.length; k += 2) points.push([d[k], d[k + 1]]);
  assert.ok(points.every(([x, y]) => x * x + y * y <= 4));
  assert.equal(points.length, 13);   // the 5×5 square less its corners and the 8 cells beyond r = 2
  assert.ok(points.some(([x, y]) => x === 0 && y === 0));
  assert.equal(stamp(2), d);
  assert.equal(stamp(0.5).length, 2, 'a half-pixel disc is one pixel');
});

test('a line lights one pixel per step of its longer axis, end to end', () => {
  const W = 10, H = 10, P = new Uint32Array(W * H).fill(BLACK);
  line(P, W, H, 1, 1, 8, 4, 255, 255, 255, 256);
  const on = lit(P, W);
  assert.equal(on.size, 8);
  assert.ok(on.has('1,1') && on.has('8,4'));
});

test('a line is clipped to the image: off-screen parts cost nothing and write nothing', () => {
  const W = 8, H = 8, P = new Uint32Array(W * H).fill(BLACK);
  line(P, W, H, -1e6, 3, 1e6, 3, 255, 255, 255, 256);
  assert.deepEqual([...lit(P, W)].sort(), [...Array(8).keys()].map((x) => x + ',3').sort());
  const Q = new Uint32Array(W * H).fill(BLACK);
  line(Q, W, H, -5, -5, -1, 20, 255, 255, 255, 256);          // wholly left of the image
  line(Q, W, H, 0, 0, NaN, 3, 255, 255, 255, 256);            // a node without a position
  line(Q, W, H, 0, 0, Infinity, 3, 255, 255, 255, 256);
  assert.equal(lit(Q, W).size, 0);
});

test('a line blends its colour over what is there by its alpha', () => {
  const W = 4, H = 1, P = new Uint32Array(W * H).fill(BLACK);
  line(P, W, H, 0, 0, 3, 0, 200, 100, 0, 128);
  for (const p of P) {
    assert.equal(p & 255, 100);
    assert.equal((p >>> 8) & 255, 50);
    assert.equal((p >>> 16) & 255, 0);
    assert.equal(p >>> 24, 255, 'opaque');
  }
});

test('the graph into pixels: background, edges, then discs in their colours, clipped at the border', () => {
  const A = (n) => (0x80000000 | n) >>> 0;
  const g = createGraph(4);
  ensureCapacity(g, 3);
  place(g, A(1), 5, 5);
  place(g, 1, 15, 5);
  place(g, A(2), 0, 0);     // on the corner: its disc is cut by the border
  restyle(g, new Map([[A(1), { status: 'active' }], [A(2), { status: 'active' }]]), new Map(), { type: '', status: '', notes: true });
  relink(g, [[A(1), 1, 1, 'link']]);
  const W = 20, H = 10, P = new Uint32Array(W * H);
  drawPixels(P, W, H, g, 1, 0, 0, 2, 1.5);
  const at = (x, y) => P[y * W + x];
  const active = packRgb(rgbOf(PALETTE[C_ACTIVE])), note = packRgb(rgbOf(PALETTE[C_NOTE]));
  assert.equal(at(5, 5), active);
  assert.equal(at(7, 5), active);              // radius 2
  assert.equal(at(15, 5), note);
  assert.equal(at(0, 0), active);
  assert.equal(at(19, 9), PACKED_BACKGROUND);
  const edge = at(10, 5);                       // between the two, not under a disc
  assert.notEqual(edge, PACKED_BACKGROUND);
  assert.notEqual(edge, active);
  // Hidden nodes draw nothing and neither do their edges.
  g.visible[0] = 0;
  for (const b of g.buckets) b.count = 0;
  g.buckets[C_NOTE].slots[0] = 1; g.buckets[C_NOTE].count = 1;
  drawPixels(P, W, H, g, 1, 0, 0, 2, 1.5);
  assert.equal(at(5, 5), PACKED_BACKGROUND);
  assert.equal(at(10, 5), PACKED_BACKGROUND);
});
