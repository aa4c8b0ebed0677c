import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyNodes, applyEdges, lacksItems, edgeList, graphInfoOf } from '../../src/VisionFlow.Server/Viewer/wwwroot/js/graph-topics.js';

const NOTE = { id: 1, kind: 'knowledge', label: 'Readme', status: null, type: null, stale: false };
const AGENT = { id: 0x80000001, kind: 'agent', label: 'a1', type: 'coder' };
const SWARM = { id: 0xc0000001, kind: 'swarm', label: 'swarm-1', status: 'active', type: 'mesh', stale: false };
const FLOW = { id: '2147483649-2147483650', source: 0x80000001, target: 0x80000002, weight: 1, kind: 'message_flow' };
const LINK = { id: '1-2', source: 1, target: 2, weight: 1, kind: 'link' };

test('a full nodes message replaces every node, keyed by its unsigned id', () => {
  const meta = new Map([[7, { id: 7, kind: 'knowledge', label: 'gone' }]]);
  assert.equal(applyNodes(meta, { type: 'nodes', full: true, nodes: [NOTE, AGENT, SWARM, { label: 'no id' }] }), true);
  assert.deepEqual([...meta.keys()].sort(), [1, 0x80000001, 0xc0000001].sort());
  assert.equal(meta.get(0xc0000001).label, 'swarm-1');
  assert.notEqual(meta.get(1), NOTE); // the message's objects are not aliased
});

test('a nodes delta adds a node, merges changed fields into the one held, and removes by its decimal key', () => {
  const meta = new Map();
  applyNodes(meta, { type: 'nodes', full: true, nodes: [NOTE, SWARM] });
  const held = meta.get(0xc0000001);
  assert.equal(applyNodes(meta, {
    type: 'nodes', changed: [AGENT, { id: 0xc0000001, status: 'done' }], removed: ['1'],
  }), true);
  assert.equal(meta.get(0xc0000001), held);
  assert.deepEqual({ status: held.status, type: held.type, label: held.label }, { status: 'done', type: 'mesh', label: 'swarm-1' });
  assert.equal(meta.has(1), false);
  assert.equal(meta.get(0x80000001).label, 'a1');
  // A removal of what is not held, and an empty delta, change nothing.
  assert.equal(applyNodes(meta, { type: 'nodes', changed: [], removed: ['99'] }), false);
  // A field change of a node this page never got cannot add it: it lacks its kind, and the page asks for everything.
  const partial = { type: 'nodes', changed: [{ id: 5, label: 'x' }], removed: [] };
  assert.equal(lacksItems(meta, new Map(), partial), true);
  assert.equal(applyNodes(meta, partial), false);
  assert.equal(lacksItems(meta, new Map(), { type: 'nodes', changed: [{ id: 0xc0000001, status: 'x' }], removed: [] }), false);
});

test('malformed nodes messages change nothing', () => {
  const meta = new Map([[1, { ...NOTE }]]);
  assert.equal(applyNodes(meta, { type: 'nodes', full: true, nodes: 'x' }), false);
  assert.equal(applyNodes(meta, { type: 'edges', full: true, edges: [] }), false);
  assert.equal(applyNodes(meta, null), false);
  assert.equal(applyNodes(meta, { type: 'nodes', changed: [null, 7, { id: 'x' }], removed: [null, 'abc'] }), false);
  assert.equal(meta.size, 1);
});

test('an edge that comes, changes its weight class and goes: the model list follows, tuples as /api/graph gives them', () => {
  const edges = new Map();
  assert.equal(applyEdges(edges, { type: 'edges', full: true, edges: [LINK] }), true);
  assert.deepEqual(edgeList(edges), [[1, 2, 1, 'link']]);

  assert.equal(applyEdges(edges, { type: 'edges', changed: [FLOW], removed: [] }), true);
  const list = edgeList(edges);
  assert.deepEqual(list[1], [0x80000001, 0x80000002, 1, 'message_flow']);

  // The weight class halves: written into the tuple the list holds.
  assert.equal(applyEdges(edges, { type: 'edges', changed: [{ id: FLOW.id, weight: 0.5 }], removed: [] }), true);
  assert.equal(list[1][2], 0.5);

  assert.equal(applyEdges(edges, { type: 'edges', changed: [], removed: [FLOW.id] }), true);
  assert.deepEqual(edgeList(edges), [[1, 2, 1, 'link']]);
  assert.equal(applyEdges(edges, { type: 'edges', changed: [], removed: [FLOW.id] }), false);
});

test('an edge delta for an edge this page lacks, without its ends, asks for everything and adds nothing', () => {
  const edges = new Map();
  const partial = { type: 'edges', changed: [{ id: '3-4', weight: 2 }], removed: [] };
  assert.equal(lacksItems(new Map(), edges, partial), true);
  assert.equal(applyEdges(edges, partial), false);
  assert.equal(edges.size, 0);
  assert.equal(lacksItems(new Map(), edges, { type: 'edges', full: true, edges: [] }), false);
  assert.equal(applyEdges(edges, { type: 'edges', full: true, edges: [{ id: '1-2', source: 1 }] }), true);
  assert.equal(edges.size, 0);
});

test('the graph item as the model\'s graphInfo', () => {
  assert.deepEqual(graphInfoOf({ id: 'graph', knowledge_graph_enabled: false, agent_graph_available: true, agent_graph_unavailable_reason: null }),
    { knowledge: false, agents: true, reason: null });
  assert.deepEqual(graphInfoOf({ id: 'graph', knowledge_graph_enabled: true, agent_graph_available: false, agent_graph_unavailable_reason: 'no MCP session' }),
    { knowledge: true, agents: false, reason: 'no MCP session' });
  assert.equal(graphInfoOf(undefined), null);
});
