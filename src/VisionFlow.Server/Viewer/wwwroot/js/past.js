// A recorded moment (GET /api/history/state?at=) as the viewer's model: the agents in the live list's shape, the
// graph's nodes, labels, edges and positions as they were, the swarms and tasks, and the link and level as a status.
// Pure: no DOM; Node's tests check it.
//
// Positions come from the last position sample at or before the moment (every 10 s, and in every keyframe), so the
// graph is laid out as it was. An agent spawned after that sample has no position in it: it is placed on a ring around
// the sample (in id order, so the same moment always looks the same). Swarm and task hubs are made here, one per swarm
// and task of that moment, at the middle of their members, since the sample's hub ids do not say which swarm they
// were. Knowledge notes are drawn where the sample has them, named from what the live graph calls those ids (a note
// keeps its id while the service runs), and linked as the notes recorded at that moment link.

import { isAgentId } from './frame.js';

const SWARM = 0xc0000000, TASK = 0xe0000000;

/**
 * The model of one recorded moment. `answer` is the state body; `liveMeta` the live graph's node metadata (node id ->
 * {kind, label}), used for the notes' names. Returns {agents, agentsById, meta, edges, nodes, swarms, tasks, status}
 * with nodes as [id, x, y] and edges as the live graph's [source, target, weight, kind].
 */
export function pastModel(answer, liveMeta = new Map()) {
  const agents = new Map(), agentsById = new Map(), meta = new Map();
  for (const a of Array.isArray(answer.agents) ? answer.agents : []) {
    if (!a || typeof a.id !== 'string' || typeof a.node_id !== 'number' || a.node_id === 0) continue;
    const node = a.node_id >>> 0;
    const agent = { ...a };
    agents.set(node, agent);
    agentsById.set(a.id, agent);
    meta.set(node, { id: node, kind: 'agent', label: a.id, status: a.status ?? null, type: a.type ?? null, stale: a.stale === true });
  }

  // The sample's positions, by node id.
  const sampled = new Map();
  const p = answer.positions;
  if (p && Array.isArray(p.ids) && Array.isArray(p.xyz)) {
    for (let i = 0; i < p.ids.length; i++) {
      const x = p.xyz[i * 3], y = p.xyz[i * 3 + 1];
      if (Number.isFinite(x) && Number.isFinite(y)) sampled.set(p.ids[i] >>> 0, [x, y]);
    }
  }

  const nodes = [];
  const placed = new Map();
  const put = (id, xy) => { placed.set(id, xy); nodes.push([id, xy[0], xy[1]]); };
  const missing = [];
  for (const node of [...agents.keys()].sort((a, b) => a - b)) {
    const xy = sampled.get(node);
    if (xy) put(node, xy); else missing.push(node);
  }

  // Notes: the sample's knowledge nodes, named as the live graph names those ids.
  const noteIds = new Map();
  for (const [id, xy] of sampled) {
    if (isAgentId(id)) continue;
    const m = liveMeta.get(id);
    meta.set(id, { id, kind: 'knowledge', label: m && m.kind === 'knowledge' ? m.label : null, status: null, type: null, stale: false });
    if (m && m.label) noteIds.set(m.label, id);
    put(id, xy);
  }

  const ring = ringAround([...placed.values()]);
  missing.forEach((node, i) => put(node, ring(i, missing.length)));

  const edges = [];
  for (const e of Array.isArray(answer.edges) ? answer.edges : []) {
    const a = agentsById.get(e.source), b = agentsById.get(e.target);
    if (a && b) edges.push([a.node_id >>> 0, b.node_id >>> 0, e.weight ?? 0, 'message_flow']);
  }
  for (const n of Array.isArray(answer.notes) ? answer.notes : []) {
    const from = noteIds.get(n.name);
    if (from === undefined) continue;
    for (const link of n.links || []) {
      const to = noteIds.get(link);
      if (to !== undefined) edges.push([from, to, 1, 'link']);
    }
  }

  // Hubs: one per swarm and task of the moment, at the middle of its agents.
  const swarms = Array.isArray(answer.swarms) ? answer.swarms.filter((s) => s && typeof s.id === 'string') : [];
  const tasks = Array.isArray(answer.tasks) ? answer.tasks.filter((t) => t && typeof t.id === 'string') : [];
  const hubs = [];
  swarms.forEach((s, i) => {
    const hub = (SWARM | (i + 1)) >>> 0;
    const members = [...agents.values()].filter((a) => a.swarm_id === s.id).map((a) => a.node_id >>> 0);
    for (const m of members) edges.push([m, hub, 1, 'membership']);
    hubs.push([hub, members]);
    meta.set(hub, { id: hub, kind: 'swarm', label: s.id, status: s.status ?? null, type: s.topology ?? null, stale: false });
  });
  tasks.forEach((t, i) => {
    const hub = (TASK | (i + 1)) >>> 0;
    const members = (t.assigned_to || []).map((id) => agentsById.get(id)).filter(Boolean).map((a) => a.node_id >>> 0);
    for (const m of members) edges.push([hub, m, 1, 'assignment']);
    hubs.push([hub, members]);
    meta.set(hub, { id: hub, kind: 'task', label: t.id, status: t.status ?? null, type: t.priority ?? null, stale: false });
  });
  const hubRing = ringAround([...placed.values()], 1.6);
  hubs.forEach(([hub, members], i) => {
    const at = members.map((m) => placed.get(m)).filter(Boolean);
    put(hub, at.length ? middle(at, i) : hubRing(i, hubs.length));
  });

  return { agents, agentsById, meta, edges, nodes, swarms, tasks, status: statusOf(answer, agents.size) };
}

/** The link and level of a moment in the shape of GET /api/bots/status, for the panels that show a status. */
export function statusOf(answer, agentCount) {
  const link = answer.link || null;
  return {
    degradation_level: answer.degradation_level || null,
    degradation_message: (answer.degradation && answer.degradation.reason) || null,
    mcp_state: link ? link.state : null,
    mcp_address: link ? link.address : null,
    mcp_detail: link ? link.detail : null,
    last_failure: link && link.failure_kind ? { kind: link.failure_kind, message: link.detail, at: link.at } : null,
    agent_count: agentCount,
    recorded: true,
  };
}

/** The middle of some points, nudged a little per hub so that two hubs of the same agents do not hide each other. */
function middle(points, i) {
  let x = 0, y = 0;
  for (const [px, py] of points) { x += px; y += py; }
  return [x / points.length + 4 * Math.cos(i), y / points.length + 4 * Math.sin(i)];
}

/** Places the i-th of n nodes on a ring around `points` (their middle, a little beyond their spread). */
function ringAround(points, factor = 1.2) {
  let cx = 0, cy = 0;
  for (const [x, y] of points) { cx += x; cy += y; }
  if (points.length) { cx /= points.length; cy /= points.length; }
  let r = 0;
  for (const [x, y] of points) r = Math.max(r, Math.hypot(x - cx, y - cy));
  const radius = Math.max(r * factor, 60);
  return (i, n) => {
    const angle = (2 * Math.PI * i) / Math.max(n, 1);
    return [cx + radius * Math.cos(angle), cy + radius * Math.sin(angle)];
  };
}

/** The banner of a recorded moment: {level, message}. */
export function pastBanner(status, momentWords, replayFile) {
  const link = status.mcp_state ? 'link ' + status.mcp_state + (status.last_failure && status.mcp_state !== 'connected' ? ' (' + status.last_failure.kind + ')' : '')
    + (status.mcp_detail && status.mcp_state !== 'connected' ? ': ' + status.mcp_detail : '') : 'link not recorded yet';
  const why = status.degradation_message ? ' · ' + status.degradation_message : '';
  const where = replayFile ? 'Replay of ' + replayFile + ' at ' : 'Showing the past: ';
  return { level: status.degradation_level || 'unknown', message: where + momentWords + ' · ' + link + why + ' · ' + status.agent_count + ' agents' };
}
