import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RECORD, AGENT_FLAG, isAgentId, serialOf, decodeFrame, parseNotice, noticeEffects, nextRetry } from '../../src/VisionFlow.Server/Viewer/wwwroot/js/frame.js';

/** A frame as the server writes it: little-endian records of u32 id and six f32. */
function frame(...nodes) {
  const buffer = new ArrayBuffer(nodes.length * RECORD);
  const view = new DataView(buffer);
  nodes.forEach(([id, x, y, z = 0], i) => {
    const o = i * RECORD;
    view.setUint32(o, id >>> 0, true);
    view.setFloat32(o + 4, x, true);
    view.setFloat32(o + 8, y, true);
    view.setFloat32(o + 12, z, true);
    view.setFloat32(o + 16, 1.5, true);
  });
  return buffer;
}

const collect = (buffer, littleEndian) => {
  const seen = [];
  const n = decodeFrame(buffer, (id, x, y) => seen.push([id, x, y]), littleEndian);
  return { n, seen };
};

test('records decode to id, x, y, through either reading path', () => {
  const buffer = frame([1, -50, 0], [2, 50.25, -3], [0x80000001, 0, 40]);
  for (const littleEndian of [true, false]) {
    const { n, seen } = collect(buffer, littleEndian);
    assert.equal(n, 3);
    assert.deepEqual(seen, [[1, -50, 0], [2, 50.25, -3], [0x80000001, 0, 40]]);
  }
});

test('the agent flag is bit 31; ids stay unsigned', () => {
  const { seen } = collect(frame([0xffffffff, 1, 2], [AGENT_FLAG | 7, 0, 0]), true);
  assert.equal(seen[0][0], 4294967295);
  assert.equal(isAgentId(seen[1][0]), true);
  assert.equal(serialOf(seen[1][0]), 7);
  assert.equal(isAgentId(7), false);
});

test('a torn tail is not a record; an empty frame is none', () => {
  const whole = frame([1, 1, 1], [2, 2, 2]);
  const torn = whole.slice(0, RECORD + 27);
  assert.deepEqual(collect(torn, true), { n: 1, seen: [[1, 1, 1]] });
  assert.deepEqual(collect(torn, false), { n: 1, seen: [[1, 1, 1]] });
  assert.equal(collect(new ArrayBuffer(0), true).n, 0);
});

test('non-finite positions pass through for the renderer to skip', () => {
  const { seen } = collect(frame([1, NaN, Infinity]), true);
  assert.ok(Number.isNaN(seen[0][1]));
  assert.equal(seen[0][2], Infinity);
});

test('notices: JSON objects with a type, nothing else', () => {
  assert.deepEqual(parseNotice('{"type":"topology","nodes":12}'), { type: 'topology', nodes: 12 });
  assert.equal(parseNotice('not json'), null);
  assert.equal(parseNotice('[1,2]'), null);
  assert.equal(parseNotice('{"level":"x"}'), null);
  assert.equal(parseNotice('null'), null);
  assert.equal(parseNotice('{"type":7}'), null);
});

test('what each notice asks of the page', () => {
  // The first topology makes the next frame complete; a later one lists the nodes that went (the next frame brings the
  // new ones). What the nodes and edges are comes as topic messages, never a read.
  assert.deepEqual(noticeEffects({ type: 'topology', nodes: 10 }, 9), { complete: true });
  assert.deepEqual(noticeEffects({ type: 'topology', nodes: 10 }, 10), { complete: true });
  assert.deepEqual(noticeEffects({ type: 'topology', nodes: 9, removed: [3221225473] }, 10), { removed: [3221225473] });
  assert.deepEqual(noticeEffects({ type: 'topology', nodes: 11, removed: [] }, 10), { removed: [] });
  const agents = { type: 'agents', changed: [], removed: [] };
  assert.deepEqual(noticeEffects(agents, 0), { topic: agents }); // applied as it is, never a REST re-read
  for (const type of ['nodes', 'edges', 'graph']) {
    const message = { type, changed: [], removed: [] };
    assert.deepEqual(noticeEffects(message, 0), { topic: message });
  }
  assert.deepEqual(noticeEffects({ type: 'degradation', level: 'safe_mode', message: 'm' }, 0),
    { degradation: { level: 'safe_mode', message: 'm' }, status: true });
  assert.deepEqual(noticeEffects({ type: 'hello', version: 1 }, 0), {});
  assert.deepEqual(noticeEffects({ type: 'rate', hz: 30 }, 0), {});
  assert.deepEqual(noticeEffects({ type: 'error', message: 'x' }, 0), { status: true });
});

test('reconnects back off by doubling, to 5 s at most', () => {
  const delays = [250];
  while (delays.length < 8) delays.push(nextRetry(delays[delays.length - 1]));
  assert.deepEqual(delays, [250, 500, 1000, 2000, 4000, 5000, 5000, 5000]);
});
