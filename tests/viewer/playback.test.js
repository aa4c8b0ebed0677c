import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SPEEDS, playFrom, momentOf, atSpeed, nextSpeed, latest } from '../../src/VisionFlow.Server/Viewer/wwwroot/js/playback.js';

test('the play clock advances recorded moments at its speed on the viewer clock', () => {
  assert.deepEqual(SPEEDS, [1, 2, 5, 10, 30, 60]);
  const p = playFrom(1_000_000, 30, 500);
  assert.equal(momentOf(p, 500), 1_000_000);
  assert.equal(momentOf(p, 1500), 1_030_000, 'one second of ours is thirty recorded');
  assert.equal(momentOf(p, 400), 1_000_000, 'never backwards');
  const q = atSpeed(p, 1, 1500);
  assert.equal(momentOf(q, 1500), 1_030_000, 'a new speed does not make the moment jump');
  assert.equal(momentOf(q, 2500), 1_031_000);
  assert.equal(nextSpeed(1), 2);
  assert.equal(nextSpeed(60), 60);
  assert.equal(nextSpeed(1, -1), 1);
  assert.equal(nextSpeed(30, -1), 10);
});

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
  };
}

test('a slow read is not queued behind more: the newest moment wanted is read next, the ones between are skipped', async () => {
  const time = fakeTime();
  const reads = [];
  const answers = [];
  const r = latest((t) => { reads.push(t); return new Promise((done) => answers.push(done)); }, 200, time.clock, time.timers);
  r.want(1);
  assert.deepEqual(reads, [1]);
  for (let t = 2; t <= 50; t++) r.want(t);   // dragging while the first answer is slow
  assert.deepEqual(reads, [1], 'one read at a time');
  assert.equal(r.idle(), false);
  await time.advance(1000);
  answers[0]();
  await new Promise((done) => setImmediate(done));
  assert.deepEqual(reads, [1, 50], 'straight to the newest: 2 … 49 never read');
  assert.equal(r.shown, 1);
  answers[1]();
  await new Promise((done) => setImmediate(done));
  assert.equal(r.shown, 50);
  assert.equal(r.idle(), true);
});

test('reads start at most once per interval, however often a moment is wanted', async () => {
  const time = fakeTime();
  const reads = [];
  const r = latest(async (t) => { reads.push(t); }, 200, time.clock, time.timers);
  r.want(1);
  await time.advance(0);
  assert.deepEqual(reads, [1]);
  r.want(2);
  r.want(3);
  assert.deepEqual(time.pending(), [200], 'the next waits for the pace');
  await time.advance(199);
  assert.deepEqual(reads, [1]);
  await time.advance(1);
  assert.deepEqual(reads, [1, 3]);
  r.want(3);
  await time.advance(1000);
  assert.deepEqual(reads, [1, 3], 'the moment shown is not read again');
  assert.equal(r.idle(), true);
});

test('going back to live forgets the moment: a read still running is not counted as shown', async () => {
  const time = fakeTime();
  let release;
  const r = latest(() => new Promise((done) => { release = done; }), 100, time.clock, time.timers);
  r.want(7);
  r.reset();
  release();
  await new Promise((done) => setImmediate(done));
  assert.equal(r.shown, null);
  assert.equal(r.idle(), true);
});

test('a failed read counts as read: it is not asked for again in a loop', async () => {
  const time = fakeTime();
  let reads = 0;
  const r = latest(async () => { reads++; throw new Error('down'); }, 100, time.clock, time.timers);
  r.want(5);
  await time.advance(1000);
  assert.equal(reads, 1);
  assert.equal(r.idle(), true);
});
