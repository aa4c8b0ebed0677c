// The viewer's model: what the service said, what the stream drew, and what the user chose. Each field has one writer
// (named beside it); everyone else reads. A writer says what it changed with changed(topic), and whoever shows that
// part subscribes with on(topic, fn), so a source of data never needs to know who displays it: the REST feed today,
// /ws `agents` messages (topics.js) and a history replay as further sources, all writing through the same topics.
//
// Topics: 'graph' (meta, edges, graphInfo) · 'agents' (agents, agentsById, agentsBody, source) · 'status' (status,
// health; detail {unanswered} when neither answered) · 'degradation' (a /ws notice: {level, message}) · 'stream'
// (streamOpen) · 'filter' · 'pinned' · 'swarms' · 'tasks' · 'tab' (the tab shown) · 'terminate' (pendingTerminate) ·
// 'notice' (a /ws notice said the link or the level moved) · 'answer' (a command was answered: lastAnswer) · 'moment'
// (at, shownAt, readOnly: the timeline moved to a recorded moment or back to live).
//
// While `at` is set the page shows a recorded moment: the timeline (panels/timeline.js) is then the one writer of the
// service's part of the model, and the live writers (feed.js, stream.js, the swarm and task listings) hold back.

import { createGraph } from './nodes.js';

const listeners = new Map();

/** Calls fn(detail) whenever `topic` changes; returns a function that stops it. */
export function on(topic, fn) {
  if (!listeners.has(topic)) listeners.set(topic, new Set());
  listeners.get(topic).add(fn);
  return () => listeners.get(topic).delete(fn);
}

/** Tells the subscribers of `topic`, at once and in the order they subscribed. */
export function changed(topic, detail) {
  const set = listeners.get(topic);
  if (set) for (const fn of set) fn(detail);
}

export const state = {
  // From the service (writer: feed.js, from /ws topics while it is open and the REST reads while it is not; stream.js
  // for the degradation notice).
  meta: new Map(),              // node id -> node {id, kind, label, type, …} (/ws `nodes`, or /api/graph's nodes)
  edges: [],                    // edges as [source, target, weight, kind] (/ws `edges`, or /api/graph's edges)
  graphInfo: null,              // {knowledge, agents, reason}: what the graph shows (/ws `graph`, or /api/graph's flags)
  graphMessages: 0,             // /ws nodes, edges and graph messages applied (the tests count them)
  graphReads: 0,                // /api/graph answers applied (only while /ws is closed)
  agents: new Map(),            // node id -> agent from /api/bots/agents
  agentsById: new Map(),        // agent id -> agent
  agentsBody: null,             // the last /api/bots/agents answer, without its list
  source: '',                   // where the agents come from (the body's `source`)
  simulated: false,             // whether they are the built-in simulator's
  status: null,                 // the last /api/bots/status answer
  health: null,                 // the last /api/health/network answer
  degradation: { level: 'unknown', message: '' },  // what the banner shows (writer: panels/banner.js)

  // The stream (writer: stream.js).
  frames: 0,
  streamOpen: false,
  topologyNotices: 0,           // topology notices received (the next frame is complete; the tests count them)
  statusTriggers: 0,            // notices and closes that re-read the status (the tests count them)

  // Drawing (writer: renderer.js), read by the tests and the benchmark harness.
  drawnNodes: 0,
  drawnAgents: 0,
  onScreen: 0,
  labelsDrawn: 0,
  fps: 0,
  drawMs: 0,
  // 'auto' picks by the number of nodes on screen; 'vector' or 'pixels' forces one (?renderer=… or the harness).
  renderer: 'auto',

  // The user's view (writer: camera.js and interaction.js; the details panel sets leftRoom).
  view: { scale: 1, cx: 0, cy: 0, auto: true, follow: null, leftRoom: 0 },
  hover: null,                  // node id under the pointer (writer: interaction.js)
  pinned: null,                 // node id shown in the details panel (writer: panels/details.js)
  highlight: null,              // {id, at}: a found node, ringed for a few seconds (writer: camera.js)
  filter: { type: '', status: '', notes: true },  // writer: panels/search.js
  sort: { key: 'id', dir: 1 },  // writer: panels/agents.js
  pendingTerminate: null,       // {id, at}: a terminate waiting for its confirmation (writer: panels/agents.js)
  lastAnswer: null,             // the last command's answer (writer: panels/answers.js)

  // History (writer: panels/timeline.js).
  history: null,                // the last GET /api/history answer (mode, recording, first, last …)
  at: null,                     // the recorded moment shown (ms since the epoch), null while live
  shownAt: null,                // the moment whose state the model holds now (the read of `at` may still run)
  readOnly: null,               // why commands are off (showing the past, or a replay), null when they are on
  framesHeld: 0,                // /ws binary frames received and not applied while the past was shown
  noticesHeld: 0,               // /ws text messages (topics, notices) received and not applied while the past was shown

  // Swarms and tasks this page knows of (writer: panels/swarms.js, panels/tasks.js).
  swarms: new Map(),            // swarm id -> {id, info, answer, error, origin, gone}
  tasks: new Map(),             // task id -> {id, info, answer, error, gone}
};

/** The drawn graph (nodes.js): positions written by stream.js, styles and edges derived by renderer.js. */
export const graph = createGraph();
