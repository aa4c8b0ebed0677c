// The /ws keyed topics applied to the model: {"type":"agents","full":true,"agents":[...]} replaces every agent,
// {"type":"agents","changed":[{id, <changed fields>}],"removed":[ids]} merges the fields that changed into the agents
// the page has (an id it does not know is a new agent) and drops the removed ones. Pure: the maps are arguments, so
// Node's tests drive it; feed.js calls it with the model's maps and says changed('agents').

/**
 * Applies one `agents` message to `agents` (node id -> agent) and `byId` (agent id -> agent); returns whether anything
 * changed. A malformed message (no array where one belongs, an item without a string id) changes nothing.
 */
export function applyAgents(agents, byId, message) {
  if (!message || message.type !== 'agents') return false;
  if (message.full === true) {
    if (!Array.isArray(message.agents)) return false;
    agents.clear();
    byId.clear();
    for (const a of message.agents) if (valid(a)) put(agents, byId, { ...a });
    return true;
  }

  const changedItems = Array.isArray(message.changed) ? message.changed : [];
  const removed = Array.isArray(message.removed) ? message.removed : [];
  let any = false;
  for (const id of removed) {
    const gone = byId.get(id);
    if (!gone) continue;
    byId.delete(id);
    agents.delete(gone.node_id >>> 0);
    any = true;
  }

  for (const change of changedItems) {
    if (!change || typeof change.id !== 'string') continue;
    const known = byId.get(change.id);
    if (known) {
      // Fields merge into the one object the tables and the details panel hold.
      Object.assign(known, change);
      any = true;
    } else if (valid(change)) {
      put(agents, byId, { ...change });
      any = true;
    }
  }

  return any;
}

const valid = (a) => a && typeof a.id === 'string' && typeof a.node_id === 'number';

function put(agents, byId, a) {
  agents.set(a.node_id >>> 0, a);
  byId.set(a.id, a);
}

/**
 * Applies one keyed-topic message of type `type` (`swarms`, `tasks`: items as GET /api/bots/swarms|tasks list them,
 * the full message's array named as the type) to `items` (id -> item); returns whether anything changed. Same rules
 * as the agents: full replaces, changed merges fields (an unknown id is a new item), removed drops.
 */
export function applyKeyed(items, type, message) {
  if (!message || message.type !== type) return false;
  if (message.full === true) {
    if (!Array.isArray(message[type])) return false;
    items.clear();
    for (const item of message[type]) if (item && typeof item.id === 'string') items.set(item.id, { ...item });
    return true;
  }

  let any = false;
  for (const id of Array.isArray(message.removed) ? message.removed : []) any = items.delete(id) || any;
  for (const change of Array.isArray(message.changed) ? message.changed : []) {
    if (!change || typeof change.id !== 'string') continue;
    const known = items.get(change.id);
    if (known) Object.assign(known, change);
    else items.set(change.id, { ...change });
    any = true;
  }

  return any;
}
