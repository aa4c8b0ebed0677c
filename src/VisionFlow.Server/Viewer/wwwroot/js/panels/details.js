// The details panel: everything known of the pinned node (an agent's fields and message flows, a note's links and
// backlinks), with its actions. An agent the server stopped reporting keeps its last values, marked as such.

import { state, on, changed } from '../state.js';
import { isAgentId, isHubId, isSwarmId, serialOf } from '../frame.js';
import { known, text, num, yesNo, ago } from '../format.js';
import { labelOf, noteLinks, flowsOf, hubAgents } from '../lookup.js';
import { centreOn } from '../camera.js';
import { $, el, set, keyedChildren } from '../dom.js';
import { terminateButton, updateTerminateButton } from './terminate.js';

let lastAgent = null;   // the pinned agent as last reported, shown after it is gone

export function pin(id) {
  state.pinned = id;
  changed('pinned');
}

export function unpin() {
  state.pinned = null;
  changed('pinned');
}

const label = (id) => labelOf(id, state.agents, state.meta);
const weight = (w) => (known(w) ? '· weight ' + num(w, 2) : '');

// The lists and buttons are brought up to date in place, not rebuilt on every read of the agents: a click in progress
// on one of them is never lost (dom.js keyedChildren).
const makeLink = ([id]) => el('li', {}, el('a', { onclick: () => { centreOn(id); pin(id); } }), ' ', el('span'));
function updateLink(li, [id, suffix]) {
  set(li.firstChild, 'textContent', label(id));
  set(li.lastChild, 'textContent', suffix || '');
}
const showLinks = (list, links) => keyedChildren(list, links, ([id]) => id, makeLink, updateLink);

let actionsFor = null;   // what the action buttons were made for: the node id, and whether its agent was gone
function showActions(id, agentId) {
  const actions = $('details-actions');
  const key = id + ' ' + agentId;
  if (key === actionsFor) {
    const terminate = actions.querySelector('button.terminate');
    if (terminate) updateTerminateButton(terminate);
    return;
  }
  actionsFor = key;
  const centre = el('button', { type: 'button', text: 'Centre', onclick: () => centreOn(id) });
  if (agentId) actions.replaceChildren(terminateButton(agentId), centre);
  else actions.replaceChildren(centre);
}

function render() {
  const box = $('details');
  const id = state.pinned;
  if (id === null) {
    box.hidden = true;
    lastAgent = null;
    actionsFor = null;
    state.view.leftRoom = 0;
    return;
  }
  if (box.hidden) {
    box.hidden = false;
    // CSS pixels the panel takes from the left of the canvas: read once here, not every frame.
    state.view.leftRoom = box.offsetLeft + box.offsetWidth;
  }
  const fields = $('details-fields');
  const titleA = $('details-list-a-title'), titleB = $('details-list-b-title');
  fields.replaceChildren();
  const row = (name, value, field) => fields.append(el('dt', { text: name }), el('dd', { 'data-field': field, text: value }));
  const m = state.meta.get(id);
  if (isHubId(id)) {
    // A swarm's or a task's hub: what the server reported of it, and the agents joined to it.
    const swarm = isSwarmId(id);
    const label = m ? m.label : '#' + serialOf(id);
    const entry = (swarm ? state.swarms : state.tasks).get(label);
    const info = (entry && entry.info) || {};
    $('details-title').textContent = (swarm ? 'Swarm ' : 'Task ') + label;
    row('id', text(m && m.label), 'id');
    row('status', text(m && m.status), 'status');
    row(swarm ? 'topology' : 'type', text(m && m.type), 'type');
    if (!swarm) row('description', text(info.description), 'description');
    showActions(id, null);
    const agents = hubAgents(state.edges, id);
    titleA.textContent = (swarm ? 'Members (' : 'Assigned to (') + agents.length + ')';
    titleB.textContent = '';
    showLinks($('details-list-a'), agents.map((a) => [a]));
    showLinks($('details-list-b'), []);
    return;
  }
  if (isAgentId(id)) {
    let a = state.agents.get(id);
    const gone = !a;
    if (gone && lastAgent && lastAgent.node_id >>> 0 === id) a = lastAgent;
    if (a) lastAgent = a;
    $('details-title').textContent = 'Agent ' + (a ? a.id : m ? m.label : '#' + serialOf(id));
    row('id', text(a ? a.id : m && m.label), 'id');
    row('type', text(a ? a.type : m && m.type), 'type');
    row('status', text(a ? a.status : m && m.status), 'status');
    row('swarm', text(a && a.swarm_id), 'swarm');
    row('CPU', num(a && a.cpu_usage, 1, ' %'), 'cpu');
    row('memory', num(a && a.memory_usage, 1, ' MB'), 'memory');
    row('tokens', num(a && a.tokens_used), 'tokens');
    row('active tasks', num(a && a.tasks_active), 'tasks');
    row('last seen', ago(a && a.last_seen), 'last_seen');
    row('stale', yesNo(a ? a.stale : m && m.stale), 'stale');
    if (gone) fields.append(el('dd', { class: 'note', text: 'No longer reported by the MCP server; the values are the last ones seen.' }));
    // No Terminate while a recorded moment is shown: that agent may be long gone, and commands are off.
    showActions(id, a && !gone && state.at === null ? a.id : null);
    const { out, into } = flowsOf(state.edges, id);
    titleA.textContent = out.length + into.length === 0 ? 'Message flows: none seen' : 'Message flows out (' + out.length + ')';
    titleB.textContent = 'Message flows in (' + into.length + ')';
    showLinks($('details-list-a'), out.map(([t, w]) => [t, weight(w)]));
    showLinks($('details-list-b'), into.map(([s, w]) => [s, weight(w)]));
  } else {
    $('details-title').textContent = 'Note ' + text(m && m.label);
    row('title', text(m && m.label), 'title');
    row('node', String(id), 'node');
    const { links, backlinks } = noteLinks(state.edges, id);
    row('links', String(links.length), 'links');
    row('backlinks', String(backlinks.length), 'backlinks');
    showActions(id, null);
    titleA.textContent = 'Links (' + links.length + ')';
    titleB.textContent = 'Backlinks (' + backlinks.length + ')';
    showLinks($('details-list-a'), links.map((t) => [t]));
    showLinks($('details-list-b'), backlinks.map((s) => [s]));
  }
}

export function init() {
  $('details-close').addEventListener('click', unpin);
  for (const topic of ['pinned', 'graph', 'agents', 'terminate', 'moment']) on(topic, render);
}
