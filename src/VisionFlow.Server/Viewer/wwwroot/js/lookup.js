// Questions about the graph's nodes: a node's label, a note's links, an agent's message flows, and which node a typed
// query means. Pure functions over the maps and edge list of the model.

import { isAgentId, isSwarmId, isTaskId, serialOf } from './frame.js';

/** "coder · agent-7" for an agent, "swarm · swarm-1" for a hub, a note's title, else the node's kind and number. */
export function labelOf(id, agents, meta) {
  const a = agents.get(id);
  if (a) return (a.type || 'agent') + ' · ' + a.id;
  const m = meta.get(id);
  if (m && m.label) return m.kind === 'swarm' || m.kind === 'task' ? m.kind + ' · ' + m.label : m.label;
  if (isSwarmId(id) || isTaskId(id)) return (isSwarmId(id) ? 'swarm node ' : 'task node ') + serialOf(id);
  return (isAgentId(id) ? 'agent node ' : 'note ') + serialOf(id);
}

/** The agents joined to a hub: a swarm's members (membership edges) or a task's assignees (assignment edges), as node ids. */
export function hubAgents(edgeList, id) {
  const agents = [];
  for (const [source, target, , kind] of edgeList) {
    if (kind === 'membership' && target === id) agents.push(source);
    else if (kind === 'assignment' && source === id) agents.push(target);
  }
  return agents;
}

/** A note's outgoing links and its backlinks, as node ids. */
export function noteLinks(edgeList, id) {
  const links = [], backlinks = [];
  for (const [source, target, , kind] of edgeList) {
    if (kind !== 'link') continue;
    if (source === id) links.push(target);
    else if (target === id) backlinks.push(source);
  }
  return { links, backlinks };
}

/** An agent's message flows, as [other node id, weight] pairs out of it and into it. */
export function flowsOf(edgeList, id) {
  const out = [], into = [];
  for (const [source, target, weight, kind] of edgeList) {
    if (kind !== 'message_flow') continue;
    if (source === id) out.push([target, weight]);
    else if (target === id) into.push([source, weight]);
  }
  return { out, into };
}

/** Every findable node: the graph's nodes by label, and agents the graph does not list yet by their id. */
export function candidates(meta, agents) {
  const list = [];
  for (const [id, m] of meta) list.push({ id, label: m.label || '', kind: m.kind, type: m.type });
  for (const [id, a] of agents) if (!meta.has(id)) list.push({ id, label: a.id, kind: 'agent', type: a.type });
  return list;
}

/**
 * The node a query means, best match first: its node number, a whole label, the start of one, part of one, then an
 * agent type. Case does not matter; null when nothing matches.
 */
export function findNode(list, query) {
  const q = query.trim().toLowerCase();
  if (!q) return null;
  const byNumber = /^\d+$/.test(q) ? list.find((c) => String(c.id) === q || String(serialOf(c.id)) === q) : null;
  return byNumber
    || list.find((c) => c.label.toLowerCase() === q)
    || list.find((c) => c.label.toLowerCase().startsWith(q))
    || list.find((c) => c.label.toLowerCase().includes(q))
    || list.find((c) => (c.type || '').toLowerCase() === q)
    || null;
}
