// The graph's /ws topics applied to the model, so the page holds what GET /api/graph lists without reading it:
//   {"type":"nodes","full":true,"nodes":[{id, kind, label, type, …}]}   every node (keyed by its numeric id)
//   {"type":"nodes","changed":[{id, <changed fields>}],"removed":["<id>", …]}
//   {"type":"edges","full":true,"edges":[{id:"a-b", source, target, weight, kind}]}   (keyed by "source-target")
//   {"type":"edges","changed":[…],"removed":["a-b", …]}
// An agent's node carries its id, kind, label and type; its status and staleness are the `agents` topic's. Removed
// keys are strings (the topic's keys): a node's is its id in decimal. Pure: the maps are arguments, so Node's tests
// drive it; feed.js calls it with the model's maps and says changed('graph').

/**
 * Applies one `nodes` message to `meta` (node id -> node); returns whether anything changed. A malformed message (no
 * array where one belongs) changes nothing; an item without a numeric id is skipped.
 */
export function applyNodes(meta, message) {
  if (!message || message.type !== 'nodes') return false;
  if (message.full === true) {
    if (!Array.isArray(message.nodes)) return false;
    meta.clear();
    for (const n of message.nodes) if (validNode(n)) meta.set(n.id >>> 0, { ...n, id: n.id >>> 0 });
    return true;
  }

  let any = false;
  for (const key of Array.isArray(message.removed) ? message.removed : []) {
    const id = Number(key);
    if (Number.isInteger(id)) any = meta.delete(id >>> 0) || any;
  }
  for (const change of Array.isArray(message.changed) ? message.changed : []) {
    if (!change || typeof change.id !== 'number') continue;
    const id = change.id >>> 0;
    const known = meta.get(id);
    if (known) {
      Object.assign(known, change, { id });
      any = true;
    } else if (validNode(change)) {
      meta.set(id, { ...change, id });
      any = true;
    }
  }
  return any;
}

/**
 * Applies one `edges` message to `edges` (key -> [source, target, weight, kind], the model's edge tuple); returns
 * whether anything changed. A changed weight is written into the tuple the model's list holds.
 */
export function applyEdges(edges, message) {
  if (!message || message.type !== 'edges') return false;
  if (message.full === true) {
    if (!Array.isArray(message.edges)) return false;
    edges.clear();
    for (const e of message.edges) if (validEdge(e)) edges.set(e.id, tuple(e));
    return true;
  }

  let any = false;
  for (const key of Array.isArray(message.removed) ? message.removed : []) any = edges.delete(key) || any;
  for (const change of Array.isArray(message.changed) ? message.changed : []) {
    if (!change || typeof change.id !== 'string') continue;
    const known = edges.get(change.id);
    if (known) {
      if (typeof change.source === 'number') known[0] = change.source >>> 0;
      if (typeof change.target === 'number') known[1] = change.target >>> 0;
      if (typeof change.weight === 'number') known[2] = change.weight;
      if (typeof change.kind === 'string') known[3] = change.kind;
      any = true;
    } else if (validEdge(change)) {
      edges.set(change.id, tuple(change));
      any = true;
    }
  }
  return any;
}

/**
 * Whether a delta names a node or an edge this page does not hold without what it takes to add it (the page missed
 * the message that brought it): the page then asks for everything again.
 */
export function lacksItems(meta, edges, message) {
  if (!message || message.full === true || !Array.isArray(message.changed)) return false;
  if (message.type === 'nodes') return message.changed.some((c) => c && typeof c.id === 'number' && !meta.has(c.id >>> 0) && !validNode(c));
  if (message.type === 'edges') return message.changed.some((c) => c && typeof c.id === 'string' && !edges.has(c.id) && !validEdge(c));
  return false;
}

/** The model's edge list (what relink and the lookups read) from the keyed edges. */
export const edgeList = (edges) => [...edges.values()];

/** The `graph` topic's item as the model's graphInfo: {knowledge, agents, reason}; null when there is none. */
export function graphInfoOf(item) {
  if (!item || typeof item !== 'object') return null;
  return {
    knowledge: item.knowledge_graph_enabled, agents: item.agent_graph_available, reason: item.agent_graph_unavailable_reason ?? null,
  };
}

const validNode = (n) => n && typeof n.id === 'number' && typeof n.kind === 'string';
const validEdge = (e) => e && typeof e.id === 'string' && typeof e.source === 'number' && typeof e.target === 'number' && typeof e.kind === 'string';
const tuple = (e) => [e.source >>> 0, e.target >>> 0, typeof e.weight === 'number' ? e.weight : null, e.kind];
