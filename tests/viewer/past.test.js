import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pastModel, statusOf, pastBanner } from '../../src/VisionFlow.Server/Viewer/wwwroot/js/past.js';

const A = 0x80000001, B = 0x80000002, C = 0x80000003, NOTE1 = 5, NOTE2 = 6;

const answer = {
  at: '2026-12-07T11:00:00Z', outcome: 'recorded', degradation_level: 'emergency_mode',
  agents: [
    { id: 'a', node_id: A, type: 'coder', status: 'busy', swarm_id: 's1' },
    { id: 'b', node_id: B, type: 'tester', status: 'idle', swarm_id: 's1' },
    { id: 'c', node_id: C, type: 'analyst', status: 'idle', swarm_id: null },   // spawned after the last sample
    { id: 'broken' },
  ],
  swarms: [{ id: 's1', topology: 'mesh', status: 'active' }],
  tasks: [{ id: 't1', description: 'x', status: 'running', assigned_to: ['c', 'gone'] }],
  edges: [{ source: 'a', target: 'b', weight: 0.5 }, { source: 'a', target: 'nobody', weight: 1 }],
  notes: [{ name: 'Pool', links: ['Link'] }, { name: 'Link', links: [] }],
  link: { at: '2026-12-07T10:59:58Z', state: 'reconnecting', detail: 'connection refused', failure_kind: 'refused', address: '127.0.0.1:9500' },
  degradation: { reason: 'MCP link lost' },
  // A, B, two notes, and a hub and an agent (0x80000009) the moment no longer has.
  positions: { at: '2026-12-07T10:59:55Z', ids: [A, B, NOTE1, NOTE2, 0xc0000007, 0x80000009], xyz: [0, 0, 0, 100, 0, 0, -50, 20, 0, -60, 30, 0, 9, 9, 0, 7, 7, 0] },
};

const liveMeta = new Map([[NOTE1, { kind: 'knowledge', label: 'Pool' }], [NOTE2, { kind: 'knowledge', label: 'Link' }]]);

test('the agents of the moment in the live list\'s shape, by node and by id; a malformed one is left out', () => {
  const m = pastModel(answer, liveMeta);
  assert.deepEqual([...m.agentsById.keys()], ['a', 'b', 'c']);
  assert.equal(m.agents.get(A).type, 'coder');
  assert.equal(m.meta.get(B).label, 'b');
  assert.equal(m.meta.get(B).kind, 'agent');
});

test('the graph is laid out as sampled; an agent spawned after the sample is placed beside it, and gone ones are not drawn', () => {
  const m = pastModel(answer, liveMeta);
  const pos = new Map(m.nodes.map(([id, x, y]) => [id, [x, y]]));
  assert.deepEqual(pos.get(A), [0, 0]);
  assert.deepEqual(pos.get(B), [100, 0]);
  assert.deepEqual(pos.get(NOTE1), [-50, 20]);
  assert.ok(pos.has(C), 'the agent the sample lacks is placed');
  assert.ok(Number.isFinite(pos.get(C)[0]) && Number.isFinite(pos.get(C)[1]));
  assert.ok(!pos.has(0x80000009), 'an agent gone by that moment is not drawn');
  assert.ok(!pos.has(0xc0000007), 'the sample\'s hub ids say nothing of which swarm they were');
  // Placed the same way every time.
  assert.deepEqual(pastModel(answer, liveMeta).nodes, m.nodes);
});

test('edges: message flows between agents of the moment, note links by name, and hubs for its swarms and tasks', () => {
  const m = pastModel(answer, liveMeta);
  const kinds = (k) => m.edges.filter((e) => e[3] === k);
  assert.deepEqual(kinds('message_flow'), [[A, B, 0.5, 'message_flow']]);
  assert.deepEqual(kinds('link'), [[NOTE1, NOTE2, 1, 'link']]);
  const swarmHub = [...m.meta.values()].find((x) => x.kind === 'swarm');
  assert.equal(swarmHub.label, 's1');
  assert.deepEqual(kinds('membership').map((e) => [e[0], e[1]]), [[A, swarmHub.id], [B, swarmHub.id]]);
  const taskHub = [...m.meta.values()].find((x) => x.kind === 'task');
  assert.deepEqual(kinds('assignment').map((e) => [e[0], e[1]]), [[taskHub.id, C]], 'an assignee unknown at that moment gets no edge');
  assert.equal((swarmHub.id & 0xe0000000) >>> 0, 0xc0000000);
  assert.equal((taskHub.id & 0xe0000000) >>> 0, 0xe0000000);
  const pos = new Map(m.nodes.map(([id, x, y]) => [id, [x, y]]));
  assert.ok(Math.abs(pos.get(swarmHub.id)[0] - 50) < 5, 'a swarm hub sits amid its members');
  assert.equal(m.meta.get(NOTE1).label, 'Pool');
  assert.deepEqual(m.swarms.map((s) => s.id), ['s1']);
  assert.deepEqual(m.tasks.map((t) => t.id), ['t1']);
});

test('notes the live graph does not know are drawn unnamed, without links', () => {
  const m = pastModel(answer, new Map());
  assert.equal(m.meta.get(NOTE1).label, null);
  assert.equal(m.edges.filter((e) => e[3] === 'link').length, 0);
});

test('the link and level of the moment as a status, and the banner says it is the past', () => {
  const s = statusOf(answer, 3);
  assert.equal(s.degradation_level, 'emergency_mode');
  assert.equal(s.mcp_state, 'reconnecting');
  assert.deepEqual(s.last_failure, { kind: 'refused', message: 'connection refused', at: '2026-12-07T10:59:58Z' });
  assert.equal(s.recorded, true);
  const b = pastBanner(s, '11:00:00.0', null);
  assert.equal(b.level, 'emergency_mode');
  assert.match(b.message, /^Showing the past: 11:00:00\.0 · link reconnecting \(refused\): connection refused · MCP link lost · 3 agents$/);
  assert.match(pastBanner(s, '11:00:00.0', 'x.vfh').message, /^Replay of x\.vfh at 11:00:00\.0/);
  const before = statusOf({ degradation_level: 'fully_operational', agents: [] }, 0);
  assert.equal(before.mcp_state, null);
  assert.match(pastBanner(before, 't', null).message, /link not recorded yet/);
});
