// The drawn graph: node positions in slots of typed arrays (struct of arrays), the colour batches and the edges between
// slots. The stream writes positions (place), restyle and relink derive the rest when the model changed; the renderer
// reads it all every frame. Nothing per node is allocated per frame. Pure: no DOM; Node's tests build one directly.

import { C_NOTE, C_SWARM, C_TASK, PALETTE, colourOfStatus, edgeKindOf } from './palette.js';
import { isAgentId, isHubId, isSwarmId } from './frame.js';

export function createGraph(capacity = 1024) {
  return {
    count: 0,
    ids: new Uint32Array(capacity),
    x: new Float32Array(capacity),
    y: new Float32Array(capacity),
    colour: new Uint8Array(capacity),
    visible: new Uint8Array(capacity),
    slot: new Map(),                                                         // node id -> slot
    buckets: PALETTE.map(() => ({ slots: new Int32Array(capacity), count: 0 })),  // visible slots per colour
    edges: { a: new Int32Array(0), b: new Int32Array(0), flow: new Uint8Array(0), count: 0 },
    styleDirty: true,   // colours, visibility or buckets need restyle()
    edgesDirty: true,   // edge slots need relink()
  };
}

/** Forgets every node: the next frame is complete. */
export function clearNodes(g) {
  g.slot.clear();
  g.count = 0;
  g.styleDirty = true;
  g.edgesDirty = true;
}

/** Drops the nodes with these ids (those not drawn are ignored): the last slot moves into each freed one. */
export function removeNodes(g, ids) {
  for (const id of ids) {
    const s = g.slot.get(id);
    if (s === undefined) continue;
    const last = --g.count;
    if (s !== last) {
      const moved = g.ids[last];
      g.ids[s] = moved;
      g.x[s] = g.x[last];
      g.y[s] = g.y[last];
      g.slot.set(moved, s);
    }
    g.slot.delete(id);
    g.styleDirty = true;
    g.edgesDirty = true;
  }
}

/** Room for n nodes: each array at least doubles, keeping what it holds. */
export function ensureCapacity(g, n) {
  if (n <= g.ids.length) return;
  let cap = g.ids.length;
  while (cap < n) cap *= 2;
  const grow = (a, T) => { const b = new T(cap); b.set(a); return b; };
  g.ids = grow(g.ids, Uint32Array);
  g.x = grow(g.x, Float32Array);
  g.y = grow(g.y, Float32Array);
  g.colour = grow(g.colour, Uint8Array);
  g.visible = grow(g.visible, Uint8Array);
  for (const b of g.buckets) b.slots = grow(b.slots, Int32Array);
}

/** Sets a node's position, giving a new node the next slot (the caller ensured the capacity). */
export function place(g, id, x, y) {
  let s = g.slot.get(id);
  if (s === undefined) {
    s = g.count++;
    g.slot.set(id, s);
    g.ids[s] = id;
    g.styleDirty = true;
    g.edgesDirty = true;
  }
  g.x[s] = x;
  g.y[s] = y;
}

/**
 * Colour and visibility per slot, from the agents (REST) or else the graph's node metadata, and the filter; the visible
 * slots grouped into one bucket per colour. Returns the number of agent nodes.
 */
export function restyle(g, agents, meta, filter) {
  for (const b of g.buckets) b.count = 0;
  let agentNodes = 0;
  for (let s = 0; s < g.count; s++) {
    const id = g.ids[s];
    let colour, visible;
    if (isHubId(id)) {
      // A swarm's or a task's hub: shown whatever the agent filter (it is where the filtered agents belong).
      colour = isSwarmId(id) ? C_SWARM : C_TASK;
      visible = true;
    } else if (isAgentId(id)) {
      const a = agents.get(id);
      const m = meta.get(id);
      const status = a ? a.status : m && m.status;
      const type = a ? a.type : m && m.type;
      colour = colourOfStatus(status, a ? a.stale : m && m.stale);
      visible = (!filter.type || type === filter.type) && (!filter.status || status === filter.status);
      agentNodes++;
    } else {
      colour = C_NOTE;
      visible = filter.notes;
    }
    g.colour[s] = colour;
    g.visible[s] = visible ? 1 : 0;
    if (visible) { const b = g.buckets[colour]; b.slots[b.count++] = s; }
  }
  g.styleDirty = false;
  return agentNodes;
}

/** Edges as slot pairs; an edge with an end not (yet) on the stream is left out. */
export function relink(g, edgeList) {
  const e = g.edges;
  if (e.a.length < edgeList.length) {
    e.a = new Int32Array(edgeList.length);
    e.b = new Int32Array(edgeList.length);
    e.flow = new Uint8Array(edgeList.length);
  }
  let n = 0;
  for (const [source, target, , kind] of edgeList) {
    const a = g.slot.get(source), b = g.slot.get(target);
    if (a === undefined || b === undefined) continue;
    e.a[n] = a; e.b[n] = b; e.flow[n] = edgeKindOf(kind); n++;
  }
  e.count = n;
  g.edgesDirty = false;
}

/** A node's position, or null when it is not on the stream. */
export function positionOf(g, id) {
  const s = g.slot.get(id);
  return s === undefined ? null : [g.x[s], g.y[s]];
}
