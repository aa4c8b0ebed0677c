// The timeline's geometry and marks: a moment <-> an x on the track, what each recorded event (a degradation change,
// a link transition, a command) looks like as a marker, markers closer than a few pixels gathered into one, and the
// link's outages as bands. Pure: moments are milliseconds since the epoch, the track is `width` CSS pixels wide; Node's
// tests check them.

/** The x (0 … width) of moment t on a track showing span {from, to}; a moment outside is clamped to an end. */
export function xOf(t, span, width) {
  const length = span.to - span.from;
  if (!(length > 0)) return width;
  return Math.min(Math.max((t - span.from) / length, 0), 1) * width;
}

/** The moment at x on the track (clamped to the span); whole milliseconds. */
export function momentAt(x, span, width) {
  if (!(width > 0) || !(span.to > span.from)) return span.to;
  return Math.round(span.from + Math.min(Math.max(x / width, 0), 1) * (span.to - span.from));
}

const LEVELS = ['fully_operational', 'partial_degradation', 'emergency_mode', 'safe_mode'];

/** How far down a degradation level is (0 fully operational … 3 safe mode); an unknown name counts as the worst. */
export const levelRank = (level) => { const i = LEVELS.indexOf(level); return i < 0 ? LEVELS.length : i; };

/**
 * A recorded event (GET /api/history/events) as a marker: {at, cls, words}. `cls` is what it is drawn as: `link-down`
 * (the link lost or failing), `link-up` (connected), `link-connecting` (a connection being made, no failure yet), `degraded` (the level fell), `recovered` (it rose), `command` (a command sent
 * through the API) or `command-failed` (one answered 400 or worse). Null for any other kind.
 */
export function markerOf(e) {
  const at = Date.parse(e.at);
  if (!Number.isFinite(at)) return null;
  switch (e.kind) {
    case 'link': {
      // A first connection being made is not a loss: only a state with a failure, or one other than connecting, is.
      const up = e.state === 'connected';
      const cls = up ? 'link-up' : e.reason || e.state !== 'connecting' ? 'link-down' : 'link-connecting';
      return { at, cls, words: 'link ' + e.state + (e.reason ? ' (' + e.reason + ')' : '') + (e.detail && !up ? ': ' + e.detail : '') };
    }
    case 'degradation': {
      const down = levelRank(e.to) > levelRank(e.from);
      return { at, cls: down ? 'degraded' : 'recovered', words: 'level ' + words(e.from) + ' → ' + words(e.to) + (e.reason ? ' (' + e.reason + ')' : '') };
    }
    case 'command': {
      const failed = typeof e.status === 'number' && e.status >= 400;
      return { at, cls: failed ? 'command-failed' : 'command', words: (e.operation || 'command') + (e.id ? ' ' + e.id : '') + ' → ' + (e.status ?? '?') };
    }
    default:
      return null;
  }
}

const words = (level) => String(level || '?').replace(/_/g, ' ');

// What a gathered marker is drawn as: the most alarming of what it holds.
const SEVERITY = ['link-connecting', 'command', 'link-up', 'recovered', 'command-failed', 'degraded', 'link-down'];

/**
 * Markers (sorted by moment) gathered so that no two drawn ones are closer than minPx: [{x, at, count, cls, classes,
 * words}] where x is the first one's position, `cls` the most alarming class it holds, `classes` all of them, and
 * `words` the first few lines (the marker's title). Markers outside the span are left out.
 */
export function clusterMarkers(markers, span, width, minPx = 6, lines = 8) {
  const out = [];
  let current = null;
  for (const m of markers) {
    if (m.at < span.from || m.at > span.to) continue;
    const x = xOf(m.at, span, width);
    if (current && x - current.x < minPx) {
      current.count++;
      if (!current.classes.includes(m.cls)) current.classes.push(m.cls);
      if (SEVERITY.indexOf(m.cls) > SEVERITY.indexOf(current.cls)) current.cls = m.cls;
      if (current.words.length < lines) current.words.push(m.words);
      else if (current.words.length === lines) current.words.push('…');
      continue;
    }
    current = { x, at: m.at, count: 1, cls: m.cls, classes: [m.cls], words: [m.words] };
    out.push(current);
  }
  return out;
}

/**
 * The link's outages from its transitions (markers sorted by moment): [{from, to}] from each loss to the next return;
 * one still open at the end runs to `end`.
 */
export function outages(markers, end) {
  const out = [];
  let since = null;
  for (const m of markers) {
    if (m.cls === 'link-down' && since === null) since = m.at;
    else if (m.cls === 'link-up' && since !== null) { out.push({ from: since, to: m.at }); since = null; }
  }
  if (since !== null) out.push({ from: since, to: Math.max(end, since) });
  return out;
}

/**
 * Adds newly read events to a sorted list of markers without doubling any (a read that starts at the last moment seen
 * gives that moment's events again); returns the list.
 */
export function mergeMarkers(list, events) {
  const seen = new Set(list.map(key));
  let unsorted = false;
  for (const e of events) {
    const m = markerOf(e);
    if (!m) continue;
    const k = key(m);
    if (seen.has(k)) continue;
    seen.add(k);
    if (list.length && m.at < list[list.length - 1].at) unsorted = true;
    list.push(m);
  }
  if (unsorted) list.sort((a, b) => a.at - b.at);
  return list;
}

const key = (m) => m.at + ' ' + m.cls + ' ' + m.words;

/** A moment as the timeline labels it: "11:02:03.4" (local time), with the date when it is not today's. */
export function clockWords(t, today = Date.now()) {
  const d = new Date(t);
  const time = d.toLocaleTimeString('en-GB', { hour12: false }) + '.' + Math.floor(d.getMilliseconds() / 100);
  return new Date(today).toDateString() === d.toDateString() ? time : d.toISOString().slice(0, 10) + ' ' + time;
}
