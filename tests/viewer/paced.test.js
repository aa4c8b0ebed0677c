import { test } from 'node:test';
import assert from 'node:assert/strict';
import { paced } from '../../src/VisionFlow.Server/Viewer/wwwroot/js/paced.js';

/** A clock and timers the test moves by hand. */
function fakeTime() {
  let now = 0, next = 1;
  const timers = new Map();
  return {
    clock: { now: () => now },
    timers: {
      setTimeout: (fn, ms) => { const id = next++; timers.set(id, { at: now + ms, fn }); return id; },
      clearTimeout: (id) => timers.delete(id),
    },
    pending: () => [...timers.values()].map((t) => t.at),
    async advance(ms) {
      now += ms;
      for (const [id, t] of [...timers].sort((a, b) => a[1].at - b[1].at)) {
        if (t.at <= now) { timers.delete(id); t.fn(); }
      }
      await new Promise((r) => setImmediate(r));
    },
    spend(ms) { now += ms; },
  };
}

test('the next read waits the minimum, or twenty times what the last one cost', async () => {
  const time = fakeTime();
  let reads = 0;
  const r = paced(async () => { reads++; time.spend(reads === 1 ? 10 : 200); }, 1000, time.clock, time.timers);
  await r.now();
  assert.equal(reads, 1);
  r.soon();
  assert.deepEqual(time.pending(), [10 + 1000], 'a 10 ms read: the minimum of 1 s');
  await time.advance(999);
  assert.equal(reads, 1);
  await time.advance(1);
  assert.equal(reads, 2);
  r.soon();
  assert.deepEqual(time.pending(), [1210 + 4000], 'a 200 ms read: 20 × 200 ms');
});

test('calls while one is due or running collapse into one read', async () => {
  const time = fakeTime();
  let reads = 0, release;
  const r = paced(() => { reads++; return new Promise((done) => { release = done; }); }, 100, time.clock, time.timers);
  const first = r.now();
  r.now();
  r.soon();
  r.soon();
  assert.equal(reads, 1);
  release();
  await first;
  assert.equal(time.pending().length, 1, 'one read after the running one, at its pace');
  r.soon();
  assert.equal(time.pending().length, 1);
  await time.advance(100);
  assert.equal(reads, 2);
});

test('now() reads at once, cancelling a read that was due', async () => {
  const time = fakeTime();
  let reads = 0;
  const r = paced(async () => { reads++; }, 1000, time.clock, time.timers);
  await r.now();
  r.soon();
  await r.now();
  assert.equal(reads, 2);
  assert.equal(time.pending().length, 0);
});

test('a failed read still sets the pace', async () => {
  const time = fakeTime();
  let reads = 0;
  const r = paced(async () => { reads++; if (reads === 1) throw new Error('down'); }, 500, time.clock, time.timers);
  await assert.rejects(r.now());
  r.soon();
  await time.advance(500);
  assert.equal(reads, 2);
});

test('a smaller factor paces a read whose time is mostly the service\'s', async () => {
  const time = fakeTime();
  let reads = 0;
  const r = paced(async () => { reads++; time.spend(1500); }, 2000, time.clock, time.timers, 2);
  await r.now();
  r.soon();
  assert.deepEqual(time.pending(), [1500 + 3000], 'a 1.5 s read: 2 × 1.5 s, not 20 × (30 s)');
});
