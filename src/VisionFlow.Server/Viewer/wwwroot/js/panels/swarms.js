// The Swarms tab: start, look up and dissolve swarms. It lists what the server reports (GET /api/bots/swarms: the
// server's structure as the service last read it), plus the swarms this browser created or looked up (kept for the
// session) and those the live agents name that the listing lacks, each read with GET /api/bots/multi-agent/{id}.

import { state, on, changed } from '../state.js';
import { known, text } from '../format.js';
import { PALETTE, C_ACTIVE, C_STALE } from '../palette.js';
import { api, del, describeError, path, postJson } from '../api.js';
import { mergeListing } from '../structure.js';
import * as session from '../session-store.js';
import { $, el, set, keyedChildren } from '../dom.js';
import { command, answerLine, updateAnswerLine } from './answers.js';
import { readEntry, lookUp, cardTitle, updateCardTitle } from './entries.js';

const KEY = 'visionflow.swarms';
const SWARM = '/api/bots/multi-agent/';
const READ_AT_MOST = 40;
let lastRead = -Infinity;
let listingNote = '';

/** Swarm id -> how many live agents report it. */
export function swarmsOfAgents(agents) {
  const counts = new Map();
  for (const a of agents.values()) if (known(a.swarm_id) && a.swarm_id !== '') counts.set(a.swarm_id, (counts.get(a.swarm_id) || 0) + 1);
  return counts;
}

/** The line under a swarm's id: what the server says of it and how many agents report it. */
export function swarmMeta(info, seen, fromViewer) {
  return 'topology ' + text(info.topology) + ' · max ' + text(info.max_agents) + ' agents · server count '
    + text(info.agent_count) + ' · in telemetry ' + (seen || 0) + ' · strategy ' + text(info.strategy)
    + (fromViewer ? ' · from this viewer' : '');
}

const save = () => session.save(KEY, [...state.swarms.values()].filter((s) => s.origin === 'viewer').map((s) => s.id));

const read = (id) => readEntry(state.swarms, id, SWARM, { id, origin: 'agents' });

/**
 * Reads the server's listing, then every known swarm it lacks (at most 40) that is not gone, then shows them. Without a
 * listing (the server offers none, or the link is down) every known swarm is read by id, and the tab says why.
 */
export async function refresh() {
  if (state.at !== null) return;   // a recorded moment is shown: its swarms are the timeline's
  for (const id of swarmsOfAgents(state.agents).keys()) if (!state.swarms.has(id)) state.swarms.set(id, { id, origin: 'agents' });
  let unlisted;
  try {
    const listing = (await api('/api/bots/swarms')).body;
    if (state.at !== null) return;
    unlisted = mergeListing(state.swarms, listing.swarms);
    listingNote = 'Listed by the MCP server: ' + listing.count + (listing.total != null ? ' of ' + listing.total : '') + ' swarms.';
  } catch (e) {
    if (state.at !== null) return;
    unlisted = [...state.swarms.keys()];
    listingNote = 'No swarm listing (' + describeError(e) + '): shown are the swarms this viewer knows of, read one by one.';
  }
  await Promise.all(unlisted.slice(0, READ_AT_MOST).filter((id) => !(state.swarms.get(id) || {}).gone).map(read));
  if (state.at !== null) return;
  lastRead = performance.now();
  changed('swarms');
}

// A card is made once per swarm and brought up to date in place (dom.js keyedChildren).
function makeCard(id) {
  return el('li', { 'data-id': id },
    cardTitle(id, 'swarm-status', 'dissolve', 'Dissolve', dissolve),
    el('div', { class: 'meta' }),
    answerLine());
}

function updateCard(li, id, counts) {
  const s = state.swarms.get(id);
  const [title, meta, answer] = li.children;
  updateCardTitle(title, s.gone ? PALETTE[C_STALE] : PALETTE[C_ACTIVE], s.gone ? 'gone' : text((s.info || {}).status), !!s.gone);
  set(meta, 'textContent', swarmMeta(s.info || {}, counts.get(id), s.origin === 'viewer'));
  updateAnswerLine(answer, s);
}

function render() {
  const counts = swarmsOfAgents(state.agents);
  for (const id of counts.keys()) if (!state.swarms.has(id)) state.swarms.set(id, { id, origin: 'agents' });
  const ids = [...state.swarms.keys()];
  const choice = document.querySelector('#spawn-form .swarm-choice');
  const current = choice.value;
  keyedChildren(choice, ['', ...ids.filter((id) => !state.swarms.get(id).gone)], (id) => id,
    (id) => el('option', { value: id, text: id || '(none)' }), () => {});
  choice.value = ids.includes(current) ? current : '';
  set($('swarms-note'), 'textContent', listingNote);
  const list = $('swarms-list');
  if (ids.length === 0) {
    keyedChildren(list, [], (id) => id, makeCard, () => {});
    list.append(el('li', { class: 'hint', text: 'No swarms yet: start one above, or look one up by id.' }));
    return;
  }
  keyedChildren(list, ids, (id) => id, makeCard, (li, id) => updateCard(li, id, counts));
}

let refreshAgents = () => {};

async function dissolve(id) {
  const result = await command('Dissolve ' + id, () => del(path(SWARM, id)), () => 'swarm ' + id + ' dissolved', state.swarms.get(id));
  if (result) await read(id);
  changed('swarms');
  if (result) refreshAgents();
}

async function start(event) {
  event.preventDefault();
  const f = new FormData(event.target);
  const body = { topology: f.get('topology'), max_agents: Number(f.get('maxAgents')) };
  const types = String(f.get('agentTypes') || '').split(/[\s,]+/).filter(Boolean);
  if (types.length) body.agent_types = types;
  if (f.get('task')) body.task = f.get('task');
  const result = await command('Start ' + body.topology + ' swarm', () => postJson('/api/bots/multi-agent/init', body),
    (s) => 'swarm ' + text(s && s.id) + ' ' + text(s && s.status) + ' (' + text(s && s.topology) + ', max ' + text(s && s.max_agents) + ' agents)');
  if (result && result.body && result.body.id) {
    state.swarms.set(result.body.id, { id: result.body.id, origin: 'viewer', info: result.body });
    save();
    changed('swarms');
    refreshAgents();
  }
}


/**
 * Only while /ws is closed (an open stream brings the server's swarms as they change): every 3 s while the tab is
 * open, else every 10 s (the spawn form's swarm choice needs them too).
 */
export function startPolling() {
  setInterval(() => {
    if (!state.streamOpen && (!$('tab-swarms').hidden || performance.now() - lastRead > 10000)) refresh();
  }, 3000);
}

export function init(readAgents) {
  refreshAgents = readAgents;
  for (const id of session.load(KEY)) state.swarms.set(id, { id, origin: 'viewer' });
  $('swarm-form').addEventListener('submit', start);
  $('swarm-lookup').addEventListener('submit', (event) => lookUp(event, 'swarm', SWARM, (id, info) => {
    state.swarms.set(id, { id, origin: 'viewer', info });
    save();
    changed('swarms');
  }));
  on('swarms', render);
  on('agents', render);
  on('tab', (name) => { if (name === 'swarms') refresh(); });
  render();
}
