// A read paced by its own cost: one that took c ms waits at least max(minimumMs, factor·c) after it ended before the
// next starts (factor 20 unless told), so a 10,000-agent body (megabytes of JSON) is parsed a few percent of the time at
// most and drawing keeps its frames; a small read whose time is mostly the service's (the timeline's markers) takes a
// smaller factor, so that a busy service does not hold it back for half a minute. `now()` reads at once (or right after a read in progress), `soon()` when the pace allows; calls while one is
// due collapse into one. The clock and timers are arguments so Node's tests can drive them.

export function paced(read, minimumMs, clock = performance, timers = globalThis, factor = 20) {
  let running = false, again = false, last = -Infinity, cost = 0, timer = 0;

  async function now() {
    if (timer) { timers.clearTimeout(timer); timer = 0; }
    if (running) { again = true; return; }
    running = true;
    const began = clock.now();
    try {
      await read();
    } finally {
      cost = clock.now() - began;
      last = clock.now();
      running = false;
      if (again) { again = false; soon(); }
    }
  }

  function soon() {
    if (running) { again = true; return; }
    if (timer) return;
    timer = timers.setTimeout(() => { timer = 0; now(); }, Math.max(0, last + Math.max(minimumMs, cost * factor) - clock.now()));
  }

  /** Neither running nor due: no read will happen until something asks for one. */
  const idle = () => !running && !timer && !again;

  return { now, soon, idle };
}
