import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createGraph, clearNodes, ensureCapacity, place, removeNodes, restyle, relink, positionOf } from '../../src/VisionFlow.Server/Viewer/wwwroot/js/nodes.js';
import { C_NOTE, C_ACTIVE, C_BUSY, C_STALE, C_UNKNOWN, C_IDLE } from '../../src/VisionFlow.Server/Viewer/wwwroot/js/palette.js';

const A = (n) => (0x80000000 | n) >>> 0;
const noFilter = { type: '', status: '', notes: true };

function graphOf(ids, capacity = 4) {
  const g = createGraph(capacity);
  ensureCapacity(g, ids.length);
  ids.forEach((id, i) => place(g, id, i * 10, -i));
  return g;
}

test('new nodes get the next slot; known ones move in place', () => {
  const g = createGraph(2);
  place(g, 5, 1, 2);
  place(g, A(1), 3, 4);
  assert.equal(g.count, 2);
  g.styleDirty = false;
  place(g, 5, 7, 8);
  assert.equal(g.count, 2);
  assert.deepEqual(positionOf(g, 5), [7, 8]);
  assert.equal(g.styleDirty, false, 'a move restyles nothing');
  assert.equal(positionOf(g, 99), null);
});

test('growing keeps what is held; clearing forgets every node', () => {
  const g = graphOf([1, 2, 3], 2);
  assert.ok(g.ids.length >= 3);
  ensureCapacity(g, 100);
  assert.equal(g.ids.length, 128);
  assert.equal(g.buckets[0].slots.length, 128);
  assert.deepEqual([...g.ids.slice(0, 3)], [1, 2, 3]);
  assert.deepEqual(positionOf(g, 3), [20, -2]);
  clearNodes(g);
  assert.equal(g.count, 0);
  assert.equal(positionOf(g, 1), null);
  assert.ok(g.styleDirty && g.edgesDirty);
});

test('agents are coloured by their reported status, else the graph\'s; notes by kind', () => {
  const g = graphOf([1, A(1), A(2), A(3), A(4)]);
  const agents = new Map([[A(1), { status: 'active' }], [A(2), { status: 'Busy' }], [A(3), { status: 'active', stale: true }]]);
  const meta = new Map([[A(4), { status: 'idle' }], [A(1), { status: 'error' }]]);
  assert.equal(restyle(g, agents, meta, noFilter), 4);
  assert.deepEqual([...g.colour.slice(0, 5)], [C_NOTE, C_ACTIVE, C_BUSY, C_STALE, C_IDLE]);
  assert.equal(g.styleDirty, false);
  // Each visible slot in exactly the bucket of its colour.
  const bucketed = g.buckets.flatMap((b, c) => [...b.slots.slice(0, b.count)].map((s) => [s, c])).sort((x, y) => x[0] - y[0]);
  assert.deepEqual(bucketed, [[0, C_NOTE], [1, C_ACTIVE], [2, C_BUSY], [3, C_STALE], [4, C_IDLE]]);
});

test('filters hide agents of other types and statuses, and the notes', () => {
  const g = graphOf([1, A(1), A(2), A(3)]);
  const agents = new Map([[A(1), { type: 'coder', status: 'idle' }], [A(2), { type: 'tester', status: 'idle' }], [A(3), { type: 'coder', status: 'busy' }]]);
  restyle(g, agents, new Map(), { type: 'coder', status: '', notes: false });
  assert.deepEqual([...g.visible.slice(0, 4)], [0, 1, 0, 1]);
  restyle(g, agents, new Map(), { type: 'coder', status: 'busy', notes: true });
  assert.deepEqual([...g.visible.slice(0, 4)], [1, 0, 0, 1]);
  assert.equal(g.buckets.reduce((n, b) => n + b.count, 0), 2);
  // An unknown status word is drawn, in its own colour.
  restyle(g, new Map([[A(1), { status: 'pondering' }]]), new Map(), noFilter);
  assert.equal(g.colour[1], C_UNKNOWN);
});

test('edges link slots; an edge with an end not on the stream waits', () => {
  const g = graphOf([1, 2, A(1), A(2)]);
  relink(g, [[1, 2, 1, 'link'], [A(1), A(2), 0.5, 'message_flow'], [1, 77, 1, 'link']]);
  assert.equal(g.edges.count, 2);
  assert.deepEqual([g.edges.a[0], g.edges.b[0], g.edges.flow[0]], [0, 1, 0]);
  assert.deepEqual([g.edges.a[1], g.edges.b[1], g.edges.flow[1]], [2, 3, 1]);
  assert.equal(g.edgesDirty, false);
  place(g, 77, 0, 0);
  assert.equal(g.edgesDirty, true);
  relink(g, [[1, 77, 1, 'link']]);
  assert.equal(g.edges.count, 1);
});

test('nodes that went are dropped: the last slot fills the gap, the rest stay where they are', () => {
  const g = createGraph(4);
  place(g, 1, 1, 1); place(g, 2, 2, 2); place(g, 3, 3, 3); place(g, 4, 4, 4);
  g.styleDirty = g.edgesDirty = false;
  removeNodes(g, [2, 99]);            // 99 was never drawn
  assert.equal(g.count, 3);
  assert.deepEqual(positionOf(g, 2), null);
  assert.deepEqual(positionOf(g, 4), [4, 4]);
  assert.deepEqual(positionOf(g, 1), [1, 1]);
  assert.deepEqual(positionOf(g, 3), [3, 3]);
  assert.equal(g.slot.get(4), 1);     // moved into the freed slot
  assert.ok(g.styleDirty && g.edgesDirty);
  removeNodes(g, [3]);                // the last slot itself
  assert.equal(g.count, 2);
  assert.deepEqual([...g.slot.keys()].sort(), [1, 4]);
  place(g, 5, 5, 5);                  // a new node takes the next free slot
  assert.equal(g.slot.get(5), 2);
});
