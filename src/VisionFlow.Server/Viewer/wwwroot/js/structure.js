// What the Swarms and Tasks tabs and the spawn forms take from the server: its swarm and task listings
// (GET /api/bots/swarms, GET /api/bots/tasks) merged with what this page created or looked up, a task's assignment,
// and the agent types the server accepts (agent_types in GET /api/bots/status). Pure: no DOM, no requests.

/**
 * Merges a server listing into `entries` (id -> {id, info, origin, gone, …}): each listed item is shown as the server
 * reported it (an entry this page made keeps its origin and its last answer); an entry that came from an earlier
 * listing and is no longer listed is dropped; one this page created or looked up stays, to be read by id. Returns the
 * ids of the entries the listing did not have (those to read one by one).
 */
export function mergeListing(entries, items) {
  const listed = new Set();
  for (const item of items || []) {
    if (!item || typeof item.id !== 'string') continue;
    listed.add(item.id);
    const entry = entries.get(item.id) || { id: item.id, origin: 'server' };
    entry.info = item;
    entry.error = null;
    entry.gone = false;
    entries.set(item.id, entry);
  }
  const unlisted = [];
  for (const [id, entry] of [...entries]) {
    if (listed.has(id)) continue;
    if (entry.origin === 'server') entries.delete(id);
    else unlisted.push(id);
  }
  return unlisted;
}

/** The body that assigns a task to `agentId` as well: the agents it has keep it (no one twice). */
export function assignBody(info, agentId) {
  const agents = Array.isArray(info && info.assigned_to) ? info.assigned_to.filter((a) => typeof a === 'string') : [];
  return { agent_ids: agents.includes(agentId) ? agents : [...agents, agentId] };
}

/** The agent types to offer: exactly those the server accepts, in its order; none while it has not said. */
export function agentTypeChoices(status) {
  const types = status && Array.isArray(status.agent_types) ? status.agent_types : [];
  return [...new Set(types.filter((t) => typeof t === 'string' && t !== ''))];
}

/** The type preselected in the spawn list: the one chosen before if still offered, else coder if offered, else the first. */
export function preferredType(choices, current) {
  if (choices.includes(current)) return current;
  return choices.includes('coder') ? 'coder' : choices[0] || '';
}

/** The line under the spawn form: where the list comes from, or why it is empty. */
export function agentTypesNote(status) {
  if (!status) return 'Agent types: waiting for the server\'s status…';
  const n = agentTypeChoices(status).length;
  if (n === 0) return 'The MCP server has not said which agent types it accepts yet.';
  return n + ' agent types, as the MCP server accepts them (' + (status.agent_types_source === 'schema' ? 'its tool schema' : 'its own validation') + ').';
}
