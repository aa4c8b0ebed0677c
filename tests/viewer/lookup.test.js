import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labelOf, noteLinks, flowsOf, candidates, findNode } from '../../src/VisionFlow.Server/Viewer/wwwroot/js/lookup.js';

const A = (n) => (0x80000000 | n) >>> 0;
const agents = new Map([
  [A(1), { id: 'agent-3f2a9c', type: 'coder' }],
  [A(2), { id: 'agent-77b1', type: 'tester' }],
  [A(9), { id: 'agent-only-in-rest', type: 'planner' }],
]);
const meta = new Map([
  [1, { kind: 'knowledge', label: 'Connection Pool' }],
  [2, { kind: 'knowledge', label: 'Circuit Breaker' }],
  [3, { kind: 'knowledge', label: 'Pool Tuning' }],
  [A(1), { kind: 'agent', label: 'agent-3f2a9c', type: 'coder' }],
  [A(2), { kind: 'agent', label: 'agent-77b1', type: 'tester' }],
]);
const edges = [[1, 2, 1, 'link'], [3, 1, 1, 'link'], [A(1), A(2), 0.5, 'message_flow'], [A(2), A(1), 2, 'message_flow'], [1, A(1), 1, 'other']];

test('labels: an agent by type and id, a note by title, else kind and number', () => {
  assert.equal(labelOf(A(1), agents, meta), 'coder · agent-3f2a9c');
  assert.equal(labelOf(2, agents, meta), 'Circuit Breaker');
  assert.equal(labelOf(A(5), agents, meta), 'agent node 5');
  assert.equal(labelOf(42, agents, meta), 'note 42');
  assert.equal(labelOf(A(3), new Map([[A(3), { id: 'x' }]]), meta), 'agent · x');
});

test('a note\'s links and backlinks; an agent\'s flows with their weights', () => {
  assert.deepEqual(noteLinks(edges, 1), { links: [2], backlinks: [3] });
  assert.deepEqual(noteLinks(edges, 3), { links: [1], backlinks: [] });
  assert.deepEqual(flowsOf(edges, A(1)), { out: [[A(2), 0.5]], into: [[A(2), 2]] });
  assert.deepEqual(flowsOf(edges, 1), { out: [], into: [] });
});

test('findable: every graph node, plus agents the graph does not list yet', () => {
  const list = candidates(meta, agents);
  assert.equal(list.length, 6);
  assert.deepEqual(list.at(-1), { id: A(9), label: 'agent-only-in-rest', kind: 'agent', type: 'planner' });
});

test('a query finds by number, whole label, start, part, then type; case does not matter', () => {
  const list = candidates(meta, agents);
  assert.equal(findNode(list, '2').id, 2);
  assert.equal(findNode(list, String(A(2))).id, A(2));
  assert.equal(findNode(list, 'connection pool').id, 1);
  assert.equal(findNode(list, '  POOL ').id, 3, 'a label starting with the query beats one containing it');
  assert.equal(findNode(list, 'breaker').id, 2);
  assert.equal(findNode(list, '3f2a9c').id, A(1));
  assert.equal(findNode(list, 'tester').id, A(2));
  assert.equal(findNode(list, 'planner').id, A(9));
  assert.equal(findNode(list, 'no-such-node'), null);
  assert.equal(findNode(list, '   '), null);
});
