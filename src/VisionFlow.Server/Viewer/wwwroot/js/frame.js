// The /ws wire: binary frames of 28-byte node records and JSON text notices. Pure; no socket, no DOM.
//
// A record, little-endian: u32 id (bit 31 set = agent node) · f32 x, y, z · f32 vx, vy, vz. A frame carries the nodes
// that moved since this client's last frame and those new to it, except the first after connect (or a request_full):
// that one is complete, announced by a topology notice without `removed`. When nodes come or go later, a topology
// notice lists the ids that went (`removed`) and the next frame brings the new ones. A record names its node by id, so
// the page keeps its nodes by id (nodes.js), never by a frame's order.
// Text frames are notices ({"type": "hello" | "topology" | "degradation" | "rate" | "error", …}) and keyed topics
// ("agents", "swarms", "tasks", and the graph's "nodes", "edges" and "graph").

export const RECORD = 28;
export const AGENT_FLAG = 0x80000000;

export const isAgentId = (id) => (id & AGENT_FLAG) !== 0;

// Inside the agent graph the next two bits tell a hub: 0xC0000000 | key a swarm, 0xE0000000 | key an open task.
const KIND_BITS = 0xe0000000;

/** Whether a node is a swarm's hub. */
export const isSwarmId = (id) => ((id & KIND_BITS) >>> 0) === 0xc0000000;

/** Whether a node is a task's hub. */
export const isTaskId = (id) => ((id & KIND_BITS) >>> 0) === 0xe0000000;

/** Whether a node is a hub (a swarm or a task) of the agent graph. */
export const isHubId = (id) => isSwarmId(id) || isTaskId(id);

/** The number part of a node id, without its kind bits. */
export const serialOf = (id) => (isAgentId(id) ? id & 0x1fffffff : id & 0x7fffffff);

export const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Calls place(id, x, y) for each whole record of the frame, in order, and returns how many there were (a torn tail is
 * ignored). Reads the buffer through typed-array views where the machine is little-endian: nothing is allocated per
 * record.
 */
export function decodeFrame(buffer, place, littleEndian = LITTLE_ENDIAN) {
  const count = Math.floor(buffer.byteLength / RECORD);
  if (littleEndian) {
    const u32 = new Uint32Array(buffer, 0, count * 7);
    const f32 = new Float32Array(buffer, 0, count * 7);
    for (let i = 0, o = 0; i < count; i++, o += 7) place(u32[o], f32[o + 1], f32[o + 2]);
  } else {
    const view = new DataView(buffer);
    for (let i = 0, o = 0; i < count; i++, o += RECORD) place(view.getUint32(o, true), view.getFloat32(o + 4, true), view.getFloat32(o + 8, true));
  }
  return count;
}

/** A text notice as an object with a string `type`; null for anything else (not JSON, no type). */
export function parseNotice(message) {
  let notice;
  try { notice = JSON.parse(message); } catch { return null; }
  return notice && typeof notice === 'object' && typeof notice.type === 'string' ? notice : null;
}

/**
 * What a notice asks of the page: `complete` (the next binary frame is complete), `removed` (node ids to drop),
 * `status` (re-read the link's
 * status), `degradation` ({level, message} to show until the status is read), `topic` (a keyed topic message such as
 * `agents` or `nodes`, applied as it is: the agents and the graph themselves come over /ws, never re-read).
 */
export function noticeEffects(notice, nodesDrawn) {
  switch (notice.type) {
    case 'topology':
      // Nodes came or went: drop those that went (the next frame brings the new ones), or, without a list, the next
      // frame is complete. What the nodes are comes as `nodes` and `edges` messages.
      return Array.isArray(notice.removed) ? { removed: notice.removed } : { complete: true };
    case 'agents':
    case 'swarms':
    case 'tasks':
    case 'nodes':
    case 'edges':
    case 'graph':
      return { topic: notice };
    case 'degradation':
      return { degradation: { level: notice.level, message: notice.message }, status: true };
    case 'hello':
    case 'rate':
      return {};
    default:
      // Any other notice (link state, errors) may change what the banner should say.
      return { status: true };
  }
}

/** The reconnect delay after one of `delay` ms: doubled, at most 5 s. */
export const nextRetry = (delay) => Math.min(delay * 2, 5000);
