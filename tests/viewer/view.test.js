import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bounds, fitView, easeToward, zoomAbout, wheelFactor, nodeRadius, usePixels, nearestNode, toScreenX, toScreenY, toWorldX, toWorldY, VECTOR_AT_MOST, MIN_SCALE, MAX_SCALE } from '../../src/VisionFlow.Server/Viewer/wwwroot/js/view.js';
import { createGraph, ensureCapacity, place } from '../../src/VisionFlow.Server/Viewer/wwwroot/js/nodes.js';

const near = (a, b, eps = 1e-6) => assert.ok(Math.abs(a - b) < eps, `${a} ≉ ${b}`);

function graphAt(points) {
  const g = createGraph(4);
  ensureCapacity(g, points.length);
  points.forEach(([x, y], i) => place(g, i + 1, x, y));
  g.visible.fill(1);
  return g;
}

test('screen and world coordinates invert each other', () => {
  const view = { scale: 2.5, cx: 10, cy: -4 };
  for (const [x, y] of [[0, 0], [10, -4], [-123.5, 77]]) {
    near(toWorldX(view, 800, toScreenX(view, 800, x)), x);
    near(toWorldY(view, 600, toScreenY(view, 600, y)), y);
  }
  // The view's centre is the canvas' centre.
  assert.equal(toScreenX(view, 800, 10), 400);
  assert.equal(toScreenY(view, 600, -4), 300);
});

test('bounds skip hidden and non-finite nodes', () => {
  const g = graphAt([[0, 0], [10, 5], [NaN, 3], [-100, 100]]);
  g.visible[3] = 0;
  assert.deepEqual(bounds(g, true), { minX: 0, minY: 0, maxX: 10, maxY: 5 });
  assert.deepEqual(bounds(g, false), { minX: -100, minY: 0, maxX: 10, maxY: 100 });
  assert.equal(bounds(createGraph(), false), null);
});

test('the fit shows the whole box inside the room left by toolbar, legend and details', () => {
  const b = { minX: -100, minY: -50, maxX: 100, maxY: 50 };
  const W = 1000, H = 600, dpr = 1;
  for (const left of [0, 300]) {
    const v = fitView(b, W, H, left, dpr);
    const xs = [toScreenX(v, W, b.minX), toScreenX(v, W, b.maxX)];
    const ys = [toScreenY(v, H, b.minY), toScreenY(v, H, b.maxY)];
    assert.ok(xs[0] >= left && xs[1] <= W, `x ${xs} in [${left}, ${W}]`);
    assert.ok(ys[0] >= 45 && ys[1] <= H - 45, `y ${ys}: clear of the toolbar and the legend`);
    // Centred in the room left of the details: equal margins either side.
    near(xs[0] - left, W - xs[1], 1e-6);
  }
  // One node: a box of at least 1 unit, never an infinite scale.
  const one = fitView({ minX: 5, minY: 5, maxX: 5, maxY: 5 }, W, H, 0, dpr);
  assert.ok(Number.isFinite(one.scale) && one.scale > 0);
  assert.ok(fitView(b, 10, 10, 0, 1).scale >= MIN_SCALE);
});

test('easing moves a fraction of the way and converges', () => {
  const view = { scale: 1, cx: 0, cy: 0 };
  const target = { scale: 3, cx: 100, cy: -100 };
  easeToward(view, target, 0.5);
  assert.deepEqual(view, { scale: 2, cx: 50, cy: -50 });
  for (let i = 0; i < 200; i++) easeToward(view, target);
  near(view.scale, 3, 1e-9);
  near(view.cx, 100, 1e-9);
});

test('zooming keeps the world point under the pointer, within bounds', () => {
  const view = { scale: 1, cx: 0, cy: 0 };
  const [W, H, px, py] = [800, 600, 650, 120];
  const before = [toWorldX(view, W, px), toWorldY(view, H, py)];
  zoomAbout(view, W, H, px, py, 3);
  assert.equal(view.scale, 3);
  near(toWorldX(view, W, px), before[0]);
  near(toWorldY(view, H, py), before[1]);
  zoomAbout(view, W, H, px, py, 1e12);
  assert.equal(view.scale, MAX_SCALE);
  zoomAbout(view, W, H, px, py, 1e-30);
  assert.equal(view.scale, MIN_SCALE);
  assert.ok(wheelFactor(100, 0) < 1 && wheelFactor(-100, 0) > 1);
  assert.ok(wheelFactor(3, 1) < wheelFactor(3, 0), 'a line steps further than a pixel');
});

test('nodes shrink as more crowd the screen, within 1.5 and 6 device pixels', () => {
  assert.equal(nodeRadius(1, 1), 6);
  assert.equal(nodeRadius(300, 2), 12);
  assert.equal(nodeRadius(100000, 1), 1.5);
  assert.ok(nodeRadius(2000, 1) < nodeRadius(1000, 1));
});

test('pixels beyond the vector limit on screen, unless a renderer is forced', () => {
  assert.equal(usePixels('auto', VECTOR_AT_MOST), false);
  assert.equal(usePixels('auto', VECTOR_AT_MOST + 1), true);
  assert.equal(usePixels('vector', 100000), false);
  assert.equal(usePixels('pixels', 1), true);
});

test('the nearest visible node within reach of the pointer', () => {
  const g = graphAt([[0, 0], [20, 0], [3, 0]]);
  const view = { scale: 1, cx: 0, cy: 0 };
  const W = 200, H = 200;   // world (0, 0) is canvas (100, 100)
  assert.equal(nearestNode(g, view, W, H, 102, 100, 10), 3);
  g.visible[2] = 0;
  assert.equal(nearestNode(g, view, W, H, 102, 100, 10), 1);
  assert.equal(nearestNode(g, view, W, H, 160, 160, 10), null);
});
