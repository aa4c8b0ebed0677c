import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyAgents, applyKeyed } from '../../src/VisionFlow.Server/Viewer/wwwroot/js/topics.js';

const A1 = { id: 'a1', node_id: 0x80000001, type: 'coder', status: 'idle', cpu_usage: 1.5, health: null, stale: false };
const A2 = { id: 'a2', node_id: 0x80000002, type: 'tester', status: 'busy', cpu_usage: null, health: 0.9, stale: false };

function maps(message) {
  const agents = new Map(), byId = new Map();
  if (message) applyAgents(agents, byId, message);
  return { agents, byId };
}

test('a full message replaces every agent, keyed by node id and by id', () => {
  const m = maps({ type: 'agents', full: true, agents: [A1] });
  assert.equal(applyAgents(m.agents, m.byId, { type: 'agents', full: true, agents: [A2] }), true);
  assert.deepEqual([...m.byId.keys()], ['a2']);
  assert.equal(m.agents.get(0x80000002).health, 0.9);
  assert.equal(m.agents.get(0x80000002), m.byId.get('a2'));
});

test('changed fields merge into the agent the tables hold; other fields stay', () => {
  const m = maps({ type: 'agents', full: true, agents: [A1, A2] });
  const held = m.byId.get('a1');
  assert.equal(applyAgents(m.agents, m.byId, { type: 'agents', changed: [{ id: 'a1', status: 'busy', last_seen: 't' }], removed: [] }), true);
  assert.equal(m.byId.get('a1'), held);
  assert.deepEqual({ status: held.status, cpu: held.cpu_usage, type: held.type }, { status: 'busy', cpu: 1.5, type: 'coder' });
  assert.equal(A1.status, 'idle'); // the message's own objects are not aliased
});

test('an unknown id in changed is a new agent, a removed id goes from both maps', () => {
  const m = maps({ type: 'agents', full: true, agents: [A1] });
  applyAgents(m.agents, m.byId, { type: 'agents', changed: [A2], removed: ['a1'] });
  assert.deepEqual([...m.byId.keys()], ['a2']);
  assert.deepEqual([...m.agents.keys()], [0x80000002]);
});

test('nothing new, unknown removals and malformed messages change nothing', () => {
  const m = maps({ type: 'agents', full: true, agents: [A1] });
  assert.equal(applyAgents(m.agents, m.byId, { type: 'agents', changed: [], removed: ['nobody'] }), false);
  assert.equal(applyAgents(m.agents, m.byId, { type: 'agents', full: true, agents: 'x' }), false);
  assert.equal(applyAgents(m.agents, m.byId, { type: 'agents', changed: [{ status: 'no id' }, null, { id: 'new', status: 'no node id' }] }), false);
  assert.equal(applyAgents(m.agents, m.byId, { type: 'swarms', full: true, swarms: [] }), false);
  assert.equal(applyAgents(m.agents, m.byId, null), false);
  assert.deepEqual([...m.byId.keys()], ['a1']);
});

test('swarms and tasks: full replaces, changed merges or adds, removed drops; other types and junk change nothing', () => {
  const tasks = new Map();
  assert.equal(applyKeyed(tasks, 'tasks', { type: 'tasks', full: true, tasks: [{ id: 't1', status: 'pending', assigned_to: [] }, { nope: 1 }] }), true);
  assert.deepEqual([...tasks.keys()], ['t1']);
  assert.equal(applyKeyed(tasks, 'tasks', { type: 'tasks', changed: [{ id: 't1', status: 'running' }, { id: 't2', status: 'pending' }], removed: [] }), true);
  assert.equal(tasks.get('t1').status, 'running');
  assert.deepEqual(tasks.get('t1').assigned_to, []); // fields not in the change stay
  assert.equal(tasks.get('t2').status, 'pending');
  assert.equal(applyKeyed(tasks, 'tasks', { type: 'tasks', changed: [], removed: ['t2', 'unknown'] }), true);
  assert.deepEqual([...tasks.keys()], ['t1']);
  assert.equal(applyKeyed(tasks, 'tasks', { type: 'tasks', changed: [], removed: ['unknown'] }), false);
  assert.equal(applyKeyed(tasks, 'tasks', { type: 'swarms', full: true, swarms: [] }), false);
  assert.equal(applyKeyed(tasks, 'tasks', { type: 'tasks', full: true, tasks: 'nope' }), false);
  assert.equal(tasks.size, 1);
});
