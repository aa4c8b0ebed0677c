// The /ws connection: binary frames into the drawn graph, text notices turned into what they ask of the page, and a
// reconnect with backoff when the socket closes. frame.js does the decoding; this module owns the socket.

import { state, graph, changed } from './state.js';
import { RECORD, decodeFrame, parseNotice, noticeEffects, nextRetry } from './frame.js';
import { clearNodes, ensureCapacity, place, removeNodes } from './nodes.js';

let socket = null;
let retry = 250;
let expectComplete = true;   // the next binary frame is complete: forget what is drawn first
let handlers = { notice: () => {}, closed: () => {} };
const placeNode = (id, x, y) => place(graph, id, x, y);

/**
 * Opens the stream (once; again after it closed). `notice(effects)` gets what a text notice asks of the page (see
 * frame.js noticeEffects), `closed()` runs each time the socket closed.
 */
export function connect(on) {
  if (on) handlers = on;
  if (socket && socket.readyState <= 1) return;
  const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';
  socket = new WebSocket(url);
  socket.binaryType = 'arraybuffer';
  socket.onopen = () => {
    state.streamOpen = true;
    expectComplete = true;
    retry = 250;
    changed('stream');
  };
  socket.onclose = () => {
    state.streamOpen = false;
    changed('stream');
    setTimeout(() => connect(), retry);
    retry = nextRetry(retry);
    countStatusRead();
    handlers.closed();
  };
  socket.onmessage = (event) => {
    if (typeof event.data === 'string') onText(event.data); else onFrame(event.data);
  };
}

/** Whether the socket is open or still opening: the graph then comes from it, not from a REST read. */
export const streaming = () => !!socket && socket.readyState <= 1;

/**
 * Asks the server for a complete frame and every topic's full message (after this page lost track of one, or on the
 * way back from a recorded moment): the next frame replaces what is drawn.
 */
export function requestFull() {
  expectComplete = true;
  if (socket && socket.readyState === 1) socket.send('{"type":"request_full"}');
}

/** Notices that made the page re-read the status, and closes of the socket (each re-reads it): the tests compare. */
function countStatusRead() { state.statusTriggers++; }

function onText(message) {
  const notice = parseNotice(message);
  if (!notice) return;
  if (notice.type === 'topology') state.topologyNotices++;
  const effects = noticeEffects(notice, graph.count);
  if (effects.status) countStatusRead();
  if (effects.complete) expectComplete = true;
  // Showing a recorded moment, the drawn graph is that moment's: Live asks for a complete frame anyway.
  if (effects.removed && state.at === null && !expectComplete) removeNodes(graph, effects.removed);
  handlers.notice(effects);
}

function onFrame(buffer) {
  // Showing a recorded moment: the frame is not drawn over it (Live asks for a complete one).
  if (state.at !== null) { state.framesHeld++; return; }
  if (expectComplete) clearNodes(graph);
  ensureCapacity(graph, graph.count + Math.floor(buffer.byteLength / RECORD));
  decodeFrame(buffer, placeNode);
  expectComplete = false;
  state.frames++;
}
