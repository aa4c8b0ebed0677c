// The feed: the graph, the agents, and the link's status and health into the model, saying what changed.
// While /ws is open it is the one writer of the graph and the agents: the graph's nodes and edges from its `nodes`,
// `edges` and `graph` messages (complete on connect, then what came, went or changed), the agents from its `agents`
// messages (topics.js), the Swarms and Tasks tabs from its `swarms` and `tasks` messages; nothing is polled, and a
// topology notice only says the next frame is complete. The status is re-read when a notice says the link or level
// moved. While /ws is closed the REST reads poll, each at its own pace (the graph once at once when the socket
// closes, then every 15 s); when it opens again its first messages bring everything, and the status is read once.
// The panels only listen to the model's topics, so they do not know which source spoke.

import { state, changed, on } from './state.js';
import { api, ApiError, describeError } from './api.js';
import { paced } from './paced.js';
import { applyAgents, applyKeyed } from './topics.js';
import { applyNodes, applyEdges, lacksItems, edgeList, graphInfoOf } from './graph-topics.js';
import { mergeListing } from './structure.js';
import { requestFull, streaming } from './stream.js';

async function readGraph() {
  // The socket's messages bring the graph: no read while it is open or opening (a read due from before is dropped).
  if (streaming()) return;
  try {
    const { body } = await api('/api/graph');
    if (state.at !== null || state.streamOpen) return;   // a recorded moment is shown, or /ws took over meanwhile
    state.meta.clear();
    for (const n of body.nodes || []) state.meta.set(n.id >>> 0, n);
    state.edges = (body.edges || []).map((e) => [e.source >>> 0, e.target >>> 0, e.weight, e.kind]);
    state.graphInfo = {
      knowledge: body.knowledge_graph_enabled, agents: body.agent_graph_available, reason: body.agent_graph_unavailable_reason,
    };
    state.graphReads++;
    changed('graph');
  } catch {
    /* said through the banner; the last topology stays */
  }
}

async function readAgents() {
  try {
    const { body } = await api('/api/bots/agents');
    if (state.at !== null) return;
    // While /ws is open its `agents` messages are the one writer of the list: a REST answer built before a change the
    // stream already brought would otherwise take that change back (and the next message carries only changed fields).
    if (!state.streamOpen) {
      state.agents.clear();
      state.agentsById.clear();
      for (const a of body.agents || []) {
        state.agents.set(a.node_id >>> 0, a);
        state.agentsById.set(a.id, a);
      }
    }
    const { agents: _, ...rest } = body;
    state.agentsBody = rest;
    state.source = body.source || '';
    state.simulated = body.simulated === true || body.source === 'simulator';
  } catch {
    if (state.at !== null) return;
    state.agents.clear();
    state.agentsById.clear();
    state.agentsBody = null;
  }
  changed('agents');
}

/** Status and health together; `problem` is set when neither answered (the service is gone or unreachable). */
export async function refreshStatus() {
  const [status, health] = await Promise.allSettled([api('/api/bots/status'), api('/api/health/network')]);
  if (state.at !== null) return;
  state.status = status.status === 'fulfilled' ? status.value.body : null;
  state.health = health.status === 'fulfilled' ? health.value.body : null;
  if (state.status && state.status.simulated === true) state.simulated = true;
  const unanswered = !state.status && !state.health
    ? (status.reason instanceof ApiError ? describeError(status.reason) : 'no answer') : null;
  changed('status', { unanswered });
}

const graphReads = paced(readGraph, 1000);
const agentReads = paced(readAgents, 2000);
export const refreshAgents = agentReads.now;

export function refreshAll() {
  graphReads.now();
  agentReads.now();
  refreshStatus();
}

/** What a /ws notice asks for (frame.js noticeEffects): a topic applied, reads brought forward at their own pace. */
export function onNotice(effects) {
  if (effects.status || effects.degradation) changed('notice', effects);
  // A recorded moment is shown: nothing live is applied over it (Live asks for everything again).
  if (state.at !== null) { state.noticesHeld++; return; }
  if (effects.topic) applyTopic(effects.topic);
  if (effects.degradation) changed('degradation', effects.degradation);
  if (effects.status) refreshStatus();
}

// The server's swarms and tasks as its /ws topics last had them (id -> item), merged into the tabs' entries.
const listed = { swarms: new Map(), tasks: new Map() };

// The graph's edges as its /ws topic last had them (key -> the model's edge tuple), and the graph topic's one item.
const liveEdges = new Map();
const graphItems = new Map();

function applyGraph(message) {
  if (lacksItems(state.meta, liveEdges, message)) requestFull();
  let any;
  if (message.type === 'nodes') any = applyNodes(state.meta, message);
  else if (message.type === 'edges') {
    any = applyEdges(liveEdges, message);
    if (any) state.edges = edgeList(liveEdges);
  } else {
    any = applyKeyed(graphItems, 'graph', message);
    if (any) state.graphInfo = graphInfoOf(graphItems.get('graph'));
  }
  if (!any) return;
  state.graphMessages++;
  changed('graph');
}

function applyTopic(message) {
  if (message.type === 'nodes' || message.type === 'edges' || message.type === 'graph') {
    applyGraph(message);
    return;
  }

  if (message.type === 'swarms' || message.type === 'tasks') {
    if (!applyKeyed(listed[message.type], message.type, message)) return;
    mergeListing(state[message.type], [...listed[message.type].values()]);
    changed(message.type);
    return;
  }

  if (message.type !== 'agents') return;
  if (message.full !== true && (message.changed || []).some((c) => c && !state.agentsById.has(c.id) && typeof c.node_id !== 'number')) {
    // Fields of an agent this page does not hold (it missed the message that brought it): ask for everything again.
    requestFull();
  }
  if (!applyAgents(state.agents, state.agentsById, message)) return;
  if (state.agentsBody) state.agentsBody.count = state.agents.size;
  changed('agents');
}

let wasClosed = false;

/**
 * The polling schedule: only while /ws is closed. When it opens again after a loss, everything is read once (what
 * happened meanwhile, beyond the agents its first message brings); while it is open nothing is read on a timer.
 */
export function startPolling() {
  setInterval(() => { if (!state.streamOpen) refreshStatus(); }, 2000);
  setInterval(() => { if (!state.streamOpen) agentReads.soon(); }, 2000);
  setInterval(() => { if (!state.streamOpen) graphReads.soon(); }, 15000);
  on('stream', () => {
    if (!state.streamOpen) {
      // Closed (or it never opened): the graph is read at once, then polled, until the socket is back.
      wasClosed = true;
      graphReads.soon();
    } else if (wasClosed) {
      wasClosed = false;
      changed('notice', {});
      state.statusTriggers++;
      refreshStatus();
    }
  });
}
