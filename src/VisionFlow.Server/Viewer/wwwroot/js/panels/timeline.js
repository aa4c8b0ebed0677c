// The history timeline under the graph: the recorded span (GET /api/history), markers for degradation changes, link
// losses and returns and commands (GET /api/history/events?kinds=degradation,link,command, paged by `next`), the
// link's outages as bands, and a cursor to drag (or click, or move with the keyboard) to any moment. Showing a moment
// writes that moment (GET /api/history/state?at=) into the model through the same topics the live feed uses, so the
// graph, the tables, the banner and the Health tab show it; meanwhile the live writers hold back (state.at is set)
// and /ws keeps arriving unapplied; "Live" asks for everything again and the live writers take over. Play advances the
// moment on the viewer's clock at 1× … 60×, reading at most one moment at a time and a few a second. Under
// `visionflow replay` the recording is all there is: no Live, and the page opens at its last moment.
//
// Nothing here runs on a timer while live: the span's end follows the viewer's clock, and the markers are read again
// only when a /ws notice says the link or the level moved, after a command from this page, and when the pointer
// comes to the timeline.

import { state, graph, on, changed } from '../state.js';
import { api, describeError } from '../api.js';
import { paced } from '../paced.js';
import { clearNodes, ensureCapacity, place } from '../nodes.js';
import { requestFull } from '../stream.js';
import { xOf, momentAt, clusterMarkers, outages, mergeMarkers, clockWords } from '../timescale.js';
import { SPEEDS, playFrom, momentOf, atSpeed, nextSpeed, latest } from '../playback.js';
import { pastModel } from '../past.js';
import { count } from '../format.js';
import { $, el, set, keyedChildren } from '../dom.js';

const KINDS = 'degradation,link,command';
const PAGES_AT_MOST = 20;          // 20 pages of 500 markers a read; the rest on the next read
const MOMENT_READS_MS = 200;       // at most five moments a second while dragging or playing
const OVERLAP_MS = 5000;           // each marker read starts this long before the last marker read

let summary = null;                // the last /api/history answer
let offset = 0;                    // the service's clock minus this page's (ms), from the summary's `now`
let markers = [];                  // {at, cls, words}, sorted
let readFrom = null;               // the moment the next marker read starts at (ISO)
let play = null;                   // the play clock while playing
let speed = 1;
let saved = null;                  // the live swarms and tasks while the past is shown
let liveMeta = new Map();          // the live graph's notes, for naming them in the past
let drawn = false;                 // whether the track has been laid out once
let drawnTo = 0;                   // the end of the span when the track was last laid out
let held = null;                   // the span while the pointer drags: the scale stands still under it
let refresh = { all: () => {} };   // the live reads (feed.js), brought in at init

const replay = () => !!summary && summary.mode === 'replay';
const recorded = () => !!summary && typeof summary.first === 'string';
const serverNow = () => Date.now() + offset;

/** The span the track shows: the first moment recorded to now (live) or to the last one (a replay). */
export function span() {
  if (!recorded()) return { from: 0, to: 0 };
  // While live the end follows the clock, so a fixed pointer would slide to later moments as it is held; a drag
  // measures against the span it began on, and the track is drawn at that span until it ends.
  if (held) return held;
  // Milliseconds here, microseconds in the store: a replay's end is the millisecond after its last record, so the
  // moment shown there holds that record.
  const last = Date.parse(summary.last) + 1;
  return { from: Date.parse(summary.first), to: replay() ? last : Math.max(last, serverNow()) };
}

async function readSummary() {
  const began = Date.now();
  const { body } = await api('/api/history');
  const ended = Date.now();
  summary = body;
  state.history = body;
  // The service's clock against ours, from the middle of the request: the live end of the track is "now" there.
  const now = Date.parse(body.now);
  if (Number.isFinite(now)) offset = now - (began + ended) / 2;
}

async function readMarkers() {
  try {
    await readSummary();
    if (recorded()) {
      let cursor = null, pages = 0;
      // From a little before the last marker read: a moment is taken where a change is reported, before it is queued
      // for the store, so a record stored after that read may carry an earlier moment than one it saw (a safety
      // margin; mergeMarkers drops what is read twice).
      const from = readFrom === null ? summary.first : new Date(Date.parse(readFrom) - OVERLAP_MS).toISOString();
      do {
        const q = '/api/history/events?kinds=' + KINDS + '&limit=500&from=' + encodeURIComponent(from) + (cursor ? '&cursor=' + encodeURIComponent(cursor) : '');
        const { body } = await api(q);
        mergeMarkers(markers, body.events || []);
        cursor = body.next;
        if (body.events && body.events.length) readFrom = body.events[body.events.length - 1].at;
      } while (cursor && ++pages < PAGES_AT_MOST);
      // Retention dropped the oldest: their markers go too.
      const first = Date.parse(summary.first);
      if (markers.length && markers[0].at < first) markers = markers.filter((m) => m.at >= first);
    }
    set($('tl-note'), 'textContent', '');
  } catch (e) {
    set($('tl-note'), 'textContent', 'History not read: ' + describeError(e));
  }
  show();
  showReadOnly();
  if (replay() && state.at === null && recorded()) goTo(span().to);
}

const marks = paced(readMarkers, 2000, performance, globalThis, 2);

// What a notice announces reaches the store within its flush interval (a second): the markers are read after that.
const FLUSH_MS = 1100;
let afterNotice = 0;
function readAfterFlush() {
  if (replay() || afterNotice) return;
  afterNotice = setTimeout(() => { afterNotice = 0; marks.soon(); }, FLUSH_MS);
}
const moments = latest(readMoment, MOMENT_READS_MS);

async function readMoment(t) {
  let body;
  try {
    ({ body } = await api('/api/history/state?at=' + encodeURIComponent(new Date(t).toISOString())));
  } catch (e) {
    if (state.at !== null) set($('tl-note'), 'textContent', 'That moment was not read: ' + describeError(e));
    return;
  }
  if (state.at === null) return;   // back to live meanwhile
  set($('tl-note'), 'textContent', body.last_gap ? 'A gap in the recording before this moment: ' + (body.last_gap.reason || 'unknown') : '');
  apply(body, t);
}

/** Writes a recorded moment into the model, topic by topic, as the live feed would. */
function apply(body, t) {
  const m = pastModel(body, liveMeta);
  state.agents.clear();
  state.agentsById.clear();
  for (const [node, a] of m.agents) state.agents.set(node, a);
  for (const [id, a] of m.agentsById) state.agentsById.set(id, a);
  state.agentsBody = { count: m.agents.size, available: true };
  state.meta.clear();
  for (const [id, meta] of m.meta) state.meta.set(id, meta);
  state.edges = m.edges;
  state.graphInfo = null;
  clearNodes(graph);
  ensureCapacity(graph, m.nodes.length);
  for (const [id, x, y] of m.nodes) place(graph, id, x, y);
  state.swarms = new Map(m.swarms.map((s) => [s.id, { id: s.id, info: s, origin: 'server' }]));
  state.tasks = new Map(m.tasks.map((k) => [k.id, { id: k.id, info: k, origin: 'server' }]));
  state.status = m.status;
  state.health = null;
  state.shownAt = t;
  changed('graph');
  changed('agents');
  changed('swarms');
  changed('tasks');
  changed('status', {});
  changed('moment');
}

/** Shows moment t (clamped to the span): the live writers hold back until Live. */
export function goTo(t) {
  if (!recorded()) return;
  const s = span();
  t = Math.min(Math.max(t, s.from), s.to);
  if (state.at === null) {
    // Leaving live: what the past replaces is kept, or read again on the way back.
    liveMeta = new Map([...state.meta].filter(([, m]) => m.kind === 'knowledge'));
    saved = { swarms: state.swarms, tasks: state.tasks };
  }
  state.at = t;
  moments.want(t);
  changed('moment');
}

/** Back to now: the live feed and /ws take over again with everything read afresh. */
export function goLive() {
  if (replay() || state.at === null) return;
  pause();
  moments.reset();
  state.at = null;
  state.shownAt = null;
  if (saved) { state.swarms = saved.swarms; state.tasks = saved.tasks; saved = null; }
  requestFull();
  refresh.all();
  changed('swarms');
  changed('tasks');
  changed('moment');
}

function togglePlay() {
  if (play) { pause(); return; }
  if (!recorded()) return;
  const s = span();
  // From the moment shown; from the start when showing now (or the end of a replay).
  let from = state.at === null || state.at >= s.to ? s.from : state.at;
  goTo(from);
  play = playFrom(from, speed, performance.now());
  set($('tl-play'), 'textContent', '❚❚');
  set($('tl-play'), 'title', 'Pause (space)');
  requestAnimationFrame(tick);
}

function pause() {
  play = null;
  set($('tl-play'), 'textContent', '▶');
  set($('tl-play'), 'title', 'Play from the moment shown (space)');
}

// Each frame while playing: the cursor moves every frame, the moment is read at the latest's pace.
function tick(now) {
  if (!play) return;
  const t = momentOf(play, now);
  const s = span();
  if (t >= s.to) {
    if (replay()) { goTo(s.to); pause(); } else goLive();
    return;
  }
  goTo(t);
  requestAnimationFrame(tick);
}

function setSpeed(value) {
  speed = SPEEDS.includes(value) ? value : 1;
  if (play) play = atSpeed(play, speed, performance.now());
  set($('tl-speed'), 'value', String(speed));
}

// --- drawing ---

const track = () => $('tl-track');
const width = () => track().clientWidth;

function show() {
  const box = $('timeline');
  const on_ = !!summary && (summary.mode === 'replay' || summary.reason === null || summary.reason === undefined);
  set(box, 'hidden', !on_);
  set($('health-history'), 'textContent', historyWords(summary));
  // No history: one line says why, in place of the timeline.
  set($('timeline-off'), 'hidden', on_ || !summary);
  set($('timeline-off'), 'textContent', summary && !on_ ? 'No timeline: history ' + historyWords(summary) : '');
  if (!on_) return;
  set($('tl-live'), 'hidden', replay());
  drawn = true;
  const s = span(), w = width();
  drawnTo = s.to;
  set($('tl-first'), 'textContent', recorded() ? clockWords(s.from) : 'Nothing recorded yet');
  set($('tl-last'), 'textContent', recorded() ? (replay() ? clockWords(s.to) : 'now') : '');
  const clusters = recorded() ? clusterMarkers(markers, s, w) : [];
  keyedChildren($('tl-markers'), clusters, (c) => c.at + ' ' + c.cls, () => el('span', { class: 'marker' }), (e, c) => {
    set(e, 'className', 'marker ' + c.cls);
    set(e, 'title', clockWords(c.at) + (c.count > 1 ? ' · ' + c.count + ' events' : '') + '\n' + c.words.join('\n'));
    e.dataset.classes = c.classes.join(' ');
    e.style.setProperty('left', c.x + 'px');
  });
  const bands = recorded() ? outages(markers, s.to) : [];
  keyedChildren($('tl-bands'), bands, (b) => b.from, () => el('span', { class: 'band outage' }), (e, b) => {
    const x0 = xOf(b.from, s, w), x1 = xOf(b.to, s, w);
    set(e, 'title', 'link down ' + clockWords(b.from) + ' – ' + clockWords(b.to));
    e.style.setProperty('left', x0 + 'px');
    e.style.setProperty('width', Math.max(2, x1 - x0) + 'px');
  });
  showCursor();
}

function showCursor() {
  if (!drawn || !recorded()) return;
  const s = span();
  const t = state.at === null ? s.to : state.at;
  $('tl-cursor').style.setProperty('left', xOf(t, s, width()) + 'px');
  const words = state.at === null ? 'showing now' : clockWords(t) + (replay() ? ' (replay)' : ' · ' + agoWords(s.to - t));
  set($('tl-moment'), 'textContent', words);
  set($('tl-live'), 'disabled', state.at === null);
  const slider = track();
  slider.setAttribute('aria-valuemin', String(s.from));
  slider.setAttribute('aria-valuemax', String(s.to));
  slider.setAttribute('aria-valuenow', String(Math.round(t)));
  slider.setAttribute('aria-valuetext', words);
}

const agoWords = (ms) => (ms < 60000 ? Math.round(ms / 1000) + ' s ago' : ms < 3600000 ? Math.round(ms / 60000) + ' min ago' : (ms / 3600000).toFixed(1) + ' h ago');

/** The Health tab's history line: how recording stands, and what is recorded. */
export function historyWords(s) {
  if (!s) return '—';
  if (s.mode === 'replay') return 'replaying ' + (s.file || 'a recording') + (s.warning ? ' · ' + s.warning : '');
  if (s.reason) return 'off: ' + s.reason;
  return s.recording + ' · ' + count(s.events) + ' events · ' + count(Math.round(s.bytes / 1024)) + ' KiB';
}

/** Commands are off while the past is shown: the reason in words (null while live). */
export function readOnlyWords(s, at) {
  if (s && s.mode === 'replay') return 'This is a replay of ' + (s.file ? s.file.split('/').pop() : 'a recording') + ', read-only: commands go to a live service.';
  return at === null ? null : 'Showing ' + clockWords(at) + ' from the history: commands are off until you return to Live.';
}

function showReadOnly() {
  const why = readOnlyWords(summary, state.at);
  state.readOnly = why;
  for (const f of document.querySelectorAll('fieldset.commands')) set(f, 'disabled', why !== null);
  set($('past-note'), 'textContent', why || '');
  set($('past-note'), 'hidden', why === null);
}

// --- input ---

// The track's inside (its border left out), where moments are laid out, in page coordinates.
function inside() {
  const t = track(), r = t.getBoundingClientRect();
  return { left: r.left + t.clientLeft, width: t.clientWidth, middle: r.top + r.height / 2 };
}

function pointerMoment(e) {
  const r = inside();
  return momentAt(e.clientX - r.left, span(), r.width);
}

function initInput() {
  const slider = track();
  let dragging = false;
  slider.addEventListener('pointerdown', (e) => {
    if (!recorded() || e.button !== 0) return;
    dragging = true;
    held = null;
    held = span();
    if (held.to !== drawnTo) show();
    slider.setPointerCapture(e.pointerId);
    slider.focus();
    pause();
    goTo(pointerMoment(e));
  });
  slider.addEventListener('pointermove', (e) => { if (dragging) goTo(pointerMoment(e)); });
  const end = (e) => {
    if (!dragging) return;
    dragging = false;
    held = null;
    if (slider.hasPointerCapture(e.pointerId)) slider.releasePointerCapture(e.pointerId);
    show();
  };
  slider.addEventListener('pointerup', end);
  slider.addEventListener('pointercancel', end);
  slider.addEventListener('keydown', (e) => {
    const s = span();
    const at = state.at === null ? s.to : state.at;
    const step = { ArrowLeft: -1000, ArrowRight: 1000, PageUp: -60000, PageDown: 60000 }[e.key];
    if (step !== undefined) goTo(at + step * (e.shiftKey ? 10 : 1));
    else if (e.key === 'Home') goTo(s.from);
    else if (e.key === 'End') { if (replay()) goTo(s.to); else goLive(); }
    else if (e.key === ' ') togglePlay();
    else if (e.key === 'l' || e.key === 'L') goLive();
    else if (e.key === '+' || e.key === '-') setSpeed(nextSpeed(speed, e.key === '+' ? 1 : -1));
    else return;
    e.preventDefault();
    e.stopPropagation();
  });
  $('tl-play').addEventListener('click', togglePlay);
  $('tl-live').addEventListener('click', goLive);
  $('tl-speed').addEventListener('change', (e) => setSpeed(Number(e.target.value)));
  // Reaching for the timeline brings its markers up to date.
  $('timeline').addEventListener('pointerenter', () => { if (!replay()) marks.soon(); });
}

/** What the tests wait for and ask. */
export const hooks = {
  /** No marker read and no moment read running or due (nor one after a notice), and the moment shown is the one wanted. */
  idle: () => marks.idle() && moments.idle() && !play && !afterNotice,
  /** The moment whose state the page shows (ISO), or null while live. */
  shown: () => (state.at === null || state.shownAt === null || state.shownAt === undefined ? null : new Date(state.shownAt).toISOString()),
  /** Page coordinates of a moment on the track (ISO or ms). */
  pointOf: (t) => {
    const r = inside();
    return [r.left + xOf(typeof t === 'string' ? Date.parse(t) : t, span(), r.width), r.middle];
  },
  /** The moment wanted has been read and is shown (markers may still be read). */
  settled: () => moments.idle() && !play,
  /** The marker classes drawn, one list per drawn marker. */
  markers: () => [...document.querySelectorAll('#tl-markers .marker')].map((e) => e.dataset.classes.split(' ')),
  /** What the markers were read from: the moment the next read starts after, and each marker's moment and class. */
  read: () => ({ readFrom, markers: markers.map((m) => [new Date(m.at).toISOString(), m.cls]) }),
  span: () => ({ from: new Date(span().from).toISOString(), to: new Date(span().to).toISOString() }),
};

/** `live` are the live reads to run again on the way back to now: {all()}. */
export function init(live) {
  refresh = live;
  const speeds = $('tl-speed');
  speeds.replaceChildren(...SPEEDS.map((v) => el('option', { value: String(v), text: v + '×' })));
  initInput();
  on('moment', () => { showCursor(); showReadOnly(); });
  // A notice that the link or the level moved, or this page's command: new markers may be recorded.
  on('notice', readAfterFlush);
  on('answer', readAfterFlush);
  new ResizeObserver(() => { if (summary) show(); }).observe(track());
  // While live the track's end is now: the scale follows (no request), redrawn once the end has moved a pixel.
  setInterval(() => {
    if (!summary || replay() || play || !recorded()) return;
    const s = span();
    if ((s.to - drawnTo) * width() >= s.to - s.from) show();
  }, 1000);
  marks.now();
}
