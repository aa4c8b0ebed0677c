import { test } from 'node:test';
import assert from 'node:assert/strict';
import { on, changed, state, graph } from '../../src/VisionFlow.Server/Viewer/wwwroot/js/state.js';

test('subscribers hear their topic, at once, in order, until they stop', () => {
  const heard = [];
  const stopA = on('t1', (d) => heard.push('a' + d));
  on('t1', (d) => heard.push('b' + d));
  on('t2', () => heard.push('other'));
  changed('t1', 1);
  assert.deepEqual(heard, ['a1', 'b1']);
  stopA();
  changed('t1', 2);
  assert.deepEqual(heard, ['a1', 'b1', 'b2']);
  changed('nobody-listens');
});

test('the model starts empty and unknown', () => {
  assert.equal(state.agents.size, 0);
  assert.equal(state.status, null);
  assert.equal(state.streamOpen, false);
  assert.equal(state.degradation.level, 'unknown');
  assert.equal(graph.count, 0);
  assert.ok(graph.styleDirty && graph.edgesDirty);
});
