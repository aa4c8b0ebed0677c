// Playing history back: the play clock (recorded moments advance at 1× … 60× the viewer's own clock) and the reads
// of the moment shown, at a bounded rate with the newest moment winning. Pure: the clock and timers are arguments, so
// Node's tests drive them.

export const SPEEDS = [1, 2, 5, 10, 30, 60];

/** A play clock started at recorded moment `at` (ms) when the viewer's clock read `wall` (ms), at `speed`×. */
export const playFrom = (at, speed, wall) => ({ at, speed, wall });

/** The recorded moment a play clock has reached at the viewer's `wall` time. */
export const momentOf = (play, wall) => play.at + Math.max(0, wall - play.wall) * play.speed;

/** The same play clock at another speed, from where it is now (the moment shown does not jump). */
export const atSpeed = (play, speed, wall) => playFrom(momentOf(play, wall), speed, wall);

/** The next speed up (or down, step -1), staying at the ends. */
export function nextSpeed(speed, step = 1) {
  const i = SPEEDS.indexOf(speed);
  return SPEEDS[Math.min(Math.max((i < 0 ? 0 : i) + step, 0), SPEEDS.length - 1)];
}

/**
 * Reads of the moment to show, `read(t)`, at most one at a time and at most one start per `minimumMs`: `want(t)` names
 * the moment wanted now; a moment wanted while a read runs (or while the pace holds it back) replaces the one waiting,
 * so dragging or playing fast never queues reads behind a slow answer: when it comes, the newest moment wanted is read
 * next and the ones in between are skipped. `idle()` says that no read runs or is due and the last read was of the
 * moment wanted last; `shown` is the moment of the last read that finished.
 */
export function latest(read, minimumMs, clock = performance, timers = globalThis) {
  let wanted = null, shown = null, running = false, timer = 0, lastStart = -Infinity, generation = 0;

  function want(t) {
    wanted = t;
    schedule();
  }

  function schedule() {
    if (running || timer || wanted === null || wanted === shown) return;
    const wait = lastStart + minimumMs - clock.now();
    if (wait <= 0) { start(); return; }
    timer = timers.setTimeout(() => { timer = 0; schedule(); }, wait);
  }

  async function start() {
    running = true;
    lastStart = clock.now();
    const t = wanted, mine = generation;
    try {
      await read(t);
    } catch {
      /* the reader says why; the moment counts as read, so a failing one is not asked for in a loop */
    } finally {
      running = false;
      if (mine === generation) shown = t;
      schedule();
    }
  }

  /** Forgets the moment wanted and shown (returning to live): a read still running is not counted as shown. */
  function reset() {
    if (timer) { timers.clearTimeout(timer); timer = 0; }
    wanted = null;
    shown = null;
    generation++;
  }

  return {
    want,
    reset,
    idle: () => !running && !timer && wanted === shown,
    running: () => running,
    get shown() { return shown; },
    get wanted() { return wanted; },
  };
}
