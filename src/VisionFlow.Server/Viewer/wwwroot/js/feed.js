// The REST feed: reads the graph's topology, the agents, and the link's status and health into the model, and says what
// changed. Today it is the only source of agent fields: it polls, each read at its own pace, and /ws notices bring reads
// forward. Issue 23's /ws agent-field messages make it a slow safety refresh; nothing else needs to change, since the
// panels only listen to the model's topics.

import { state, changed } from './state.js';
import { api, ApiError, describeError } from './api.js';
import { paced } from './paced.js';

async function readGraph() {
  try {
    const { body } = await api('/api/graph');
    state.meta.clear();
    for (const n of body.nodes || []) state.meta.set(n.id >>> 0, n);
    state.edges = (body.edges || []).map((e) => [e.source >>> 0, e.target >>> 0, e.weight, e.kind]);
    state.graphInfo = {
      version: body.version, knowledge: body.knowledge_graph_enabled, agents: body.agent_graph_available,
      reason: body.agent_graph_unavailable_reason,
    };
    changed('graph');
  } catch {
    /* said through the banner; the last topology stays */
  }
}

async function readAgents() {
  try {
    const { body } = await api('/api/bots/agents');
    state.agents.clear();
    state.agentsById.clear();
    for (const a of body.agents || []) {
      state.agents.set(a.node_id >>> 0, a);
      state.agentsById.set(a.id, a);
    }
    const { agents: _, ...rest } = body;
    state.agentsBody = rest;
    state.source = body.source || '';
    state.simulated = body.simulated === true || body.source === 'simulator';
  } catch {
    state.agents.clear();
    state.agentsById.clear();
    state.agentsBody = null;
  }
  changed('agents');
}

/** Status and health together; `problem` is set when neither answered (the service is gone or unreachable). */
export async function refreshStatus() {
  const [status, health] = await Promise.allSettled([api('/api/bots/status'), api('/api/health/network')]);
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

/** What a /ws notice asks for (frame.js noticeEffects): reads brought forward, each at its own pace. */
export function onNotice(effects) {
  if (effects.graph) graphReads.soon();
  if (effects.agents) agentReads.soon();
  if (effects.degradation) changed('degradation', effects.degradation);
  if (effects.status) refreshStatus();
}

/** The polling schedule while /ws carries positions only. */
export function startPolling() {
  setInterval(refreshStatus, 2000);
  setInterval(agentReads.soon, 2000);
  setInterval(graphReads.soon, 15000);
}
