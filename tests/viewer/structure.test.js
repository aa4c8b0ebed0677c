// The Swarms and Tasks tabs and the spawn form: what they take from the server's listings and its accepted agent types.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeListing, assignBody, agentTypeChoices, preferredType, agentTypesNote } from '../../src/VisionFlow.Server/Viewer/wwwroot/js/structure.js';
import { taskOrder } from '../../src/VisionFlow.Server/Viewer/wwwroot/js/panels/tasks.js';
import { isSwarmId, isTaskId, isHubId, isAgentId, serialOf } from '../../src/VisionFlow.Server/Viewer/wwwroot/js/frame.js';
import { edgeKindOf, EDGE_COLOURS, PALETTE, C_SWARM, C_TASK } from '../../src/VisionFlow.Server/Viewer/wwwroot/js/palette.js';
import { hubAgents, labelOf } from '../../src/VisionFlow.Server/Viewer/wwwroot/js/lookup.js';
import { createGraph, place, restyle, relink } from '../../src/VisionFlow.Server/Viewer/wwwroot/js/nodes.js';

test('a listing replaces what earlier listings showed and keeps what this page made, to be read by id', () => {
  const entries = new Map([
    ['old', { id: 'old', origin: 'server', info: { id: 'old' } }],
    ['mine', { id: 'mine', origin: 'viewer', info: { id: 'mine', status: 'pending' }, answer: 'created' }],
    ['named', { id: 'named', origin: 'agents' }],
  ]);
  const unlisted = mergeListing(entries, [{ id: 'new', status: 'pending' }, { id: 'mine', status: 'in_progress' }, { nope: 1 }, null]);
  assert.deepEqual([...entries.keys()].sort(), ['mine', 'named', 'new']);
  assert.deepEqual(unlisted, ['named']);
  assert.equal(entries.get('mine').origin, 'viewer'); // ours, and its last answer, stay ours
  assert.equal(entries.get('mine').answer, 'created');
  assert.equal(entries.get('mine').info.status, 'in_progress'); // as the server now reports it
  assert.equal(entries.get('new').origin, 'server');
  assert.deepEqual(mergeListing(entries, undefined).sort(), ['mine', 'named']);
  assert.equal(entries.has('new'), false);
});

test('assigning adds the agent to those the task has, never twice', () => {
  assert.deepEqual(assignBody({ assigned_to: ['a1'] }, 'a2'), { agent_ids: ['a1', 'a2'] });
  assert.deepEqual(assignBody({ assigned_to: ['a1', 'a2'] }, 'a2'), { agent_ids: ['a1', 'a2'] });
  assert.deepEqual(assignBody({}, 'a1'), { agent_ids: ['a1'] });
  assert.deepEqual(assignBody(null, 'a1'), { agent_ids: ['a1'] });
});

test('the spawn list is exactly the agent types the server accepts, none while it has not said', () => {
  const status = { agent_types: ['reviewer', 'coder', 'tester', 'coder', 7, ''], agent_types_source: 'validation' };
  assert.deepEqual(agentTypeChoices(status), ['reviewer', 'coder', 'tester']);
  assert.deepEqual(agentTypeChoices({ agent_types: null }), []);
  assert.deepEqual(agentTypeChoices(null), []);
  assert.equal(preferredType(['reviewer', 'coder'], 'analyst'), 'coder');
  assert.equal(preferredType(['reviewer', 'tester'], 'tester'), 'tester');
  assert.equal(preferredType(['reviewer', 'tester'], 'coder'), 'reviewer');
  assert.equal(preferredType([], 'coder'), '');
  assert.match(agentTypesNote(status), /^3 agent types, as the MCP server accepts them \(its own validation\)/);
  assert.match(agentTypesNote({ agent_types: null }), /has not said/);
});

test('tasks show newest first where the server says when they were made', () => {
  const entries = new Map([
    ['t1', { id: 't1', info: { created_at: '2026-12-07T08:00:00Z' } }],
    ['t2', { id: 't2', info: { created_at: '2026-12-07T09:00:00Z' } }],
    ['t3', { id: 't3' }],
    ['t4', { id: 't4' }],
  ]);
  assert.deepEqual(taskOrder(entries), ['t2', 't1', 't4', 't3']);
});

test('hub ids: swarm 0xC0000000 | key, task 0xE0000000 | key, both in the agent graph', () => {
  const swarm = (0xc0000000 | 5) >>> 0, task = (0xe0000000 | 7) >>> 0, agent = (0x80000000 | 9) >>> 0;
  assert.ok(isSwarmId(swarm) && !isTaskId(swarm) && isHubId(swarm) && isAgentId(swarm));
  assert.ok(isTaskId(task) && !isSwarmId(task) && isHubId(task));
  assert.ok(!isHubId(agent) && !isHubId(12));
  assert.equal(serialOf(swarm), 5);
  assert.equal(serialOf(task), 7);
  assert.equal(serialOf(agent), 9);
});

test('hubs get their own colours and are drawn whatever the agent filter; structure edges their own kind', () => {
  assert.equal(edgeKindOf('membership'), 2);
  assert.equal(edgeKindOf('assignment'), 2);
  assert.equal(edgeKindOf('message_flow'), 1);
  assert.equal(edgeKindOf('link'), 0);
  assert.equal(EDGE_COLOURS.length, 3);
  assert.equal(new Set(PALETTE).size, PALETTE.length);

  const swarm = (0xc0000000 | 1) >>> 0, task = (0xe0000000 | 1) >>> 0, agent = (0x80000000 | 1) >>> 0;
  const g = createGraph();
  for (const id of [swarm, task, agent]) place(g, id, 0, 0);
  const agents = new Map([[agent, { id: 'a1', type: 'coder', status: 'idle' }]]);
  const drawnAgents = restyle(g, agents, new Map(), { type: 'tester', status: '', notes: true });
  assert.equal(drawnAgents, 1);
  assert.equal(g.colour[g.slot.get(swarm)], C_SWARM);
  assert.equal(g.colour[g.slot.get(task)], C_TASK);
  assert.equal(g.visible[g.slot.get(swarm)], 1);
  assert.equal(g.visible[g.slot.get(agent)], 0); // filtered out: a tester was asked for
  relink(g, [[agent, swarm, 1, 'membership'], [task, agent, 1, 'assignment'], [agent, agent, 1, 'message_flow']]);
  assert.deepEqual([...g.edges.flow.slice(0, g.edges.count)], [2, 2, 1]);
});

test('a hub lists the agents joined to it and is labelled by its kind', () => {
  const swarm = (0xc0000000 | 1) >>> 0, task = (0xe0000000 | 2) >>> 0, a = (0x80000000 | 1) >>> 0, b = (0x80000000 | 2) >>> 0;
  const edges = [[a, swarm, 1, 'membership'], [b, swarm, 1, 'membership'], [task, b, 1, 'assignment'], [a, b, 1, 'message_flow']];
  assert.deepEqual(hubAgents(edges, swarm), [a, b]);
  assert.deepEqual(hubAgents(edges, task), [b]);
  const meta = new Map([[swarm, { kind: 'swarm', label: 'swarm-1' }]]);
  assert.equal(labelOf(swarm, new Map(), meta), 'swarm · swarm-1');
  assert.equal(labelOf(task, new Map(), new Map()), 'task node 2');
});
