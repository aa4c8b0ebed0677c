// The Tasks tab: create (optionally for the pinned agent), look up, assign to an agent and cancel tasks. It lists what
// the server reports (GET /api/bots/tasks: the server's tasks as the service last read them), plus the tasks this
// browser created or looked up that the listing lacks (kept for the session, read by id); /ws's `tasks` messages keep
// it current, and while /ws is closed it is read again every 2 s while the tab is open. A server without a task listing gets the tasks of this browser only, and the tab says why.

import { state, on, changed } from '../state.js';
import { DASH, known, text, pct } from '../format.js';
import { PALETTE, C_BUSY, C_STALE } from '../palette.js';
import { api, del, describeError, path, postJson } from '../api.js';
import { mergeListing, assignBody } from '../structure.js';
import * as session from '../session-store.js';
import { $, el, set, keyedChildren } from '../dom.js';
import { answer, command, answerLine, updateAnswerLine } from './answers.js';
import { readEntry, lookUp, cardTitle, updateCardTitle } from './entries.js';

const KEY = 'visionflow.tasks';
const TASK = '/api/bots/tasks/';
const READ_AT_MOST = 40;
const TERMINAL = new Set(['completed', 'cancelled', 'canceled', 'failed', 'done']);
const ASSIGN_CHOICES = 200;
let listingNote = '';

/** Whether a task's status is final (it is not read again). */
export const isTerminal = (status) => TERMINAL.has(String(status).toLowerCase());

/** The progress line: "progress 40 % · priority high · assigned to agent-1, agent-2". */
export function progressLine(info) {
  return 'progress ' + pct(info.progress) + ' · priority ' + text(info.priority)
    + ' · assigned to ' + (info.assigned_to && info.assigned_to.length ? info.assigned_to.join(', ') : DASH);
}

const save = () => session.save(KEY, [...state.tasks.values()].filter((t) => t.origin !== 'server').map((t) => t.id));

const read = (id) => readEntry(state.tasks, id, TASK);

/** Reads the server's listing, then the open tasks it lacks (at most 40), then shows them. */
export async function refresh() {
  if (state.at !== null) return;   // a recorded moment is shown: its tasks are the timeline's
  let unlisted;
  try {
    const listing = (await api('/api/bots/tasks')).body;
    if (state.at !== null) return;
    unlisted = mergeListing(state.tasks, listing.tasks);
    listingNote = 'Listed by the MCP server: ' + listing.count + (listing.total != null ? ' of ' + listing.total : '') + ' tasks.';
  } catch (e) {
    if (state.at !== null) return;
    unlisted = [...state.tasks.keys()];
    listingNote = 'No task listing (' + describeError(e) + '): shown are the tasks this viewer created or looked up.';
  }
  const open = unlisted.map((id) => state.tasks.get(id)).filter((t) => !t.gone && !(t.info && isTerminal(t.info.status)));
  await Promise.all(open.slice(0, READ_AT_MOST).map((t) => read(t.id)));
  if (state.at !== null) return;
  changed('tasks');
}

/** Newest first where the server says when a task was made; else the order this page learnt of them, newest first. */
export function taskOrder(entries) {
  const list = [...entries.values()];
  const at = (t) => Date.parse((t.info && t.info.created_at) || '') || 0;
  return list.map((t, i) => [t, i]).sort(([a, i], [b, j]) => at(b) - at(a) || j - i).map(([t]) => t.id);
}

// A card is made once per task and brought up to date in place (dom.js keyedChildren).
function makeCard(id) {
  const li = el('li', { 'data-id': id },
    cardTitle(id, 'task-status', 'cancel', 'Cancel', cancel),
    el('div', { class: 'meta' }),
    el('div', { class: 'meta task-progress' }),
    el('div', { class: 'progress', hidden: true }, el('span')),
    el('div', { class: 'row assign' },
      el('select', { class: 'assign-agent', 'aria-label': 'Agent to assign the task to' }),
      el('button', { type: 'button', class: 'assign', text: 'Assign', onclick: () => assign(id, li) })),
    answerLine());
  return li;
}

function updateCard(li, id) {
  const t = state.tasks.get(id);
  const info = t.info || {};
  const done = t.gone || isTerminal(info.status);
  const [title, description, progress, bar, assignRow, answer] = li.children;
  updateCardTitle(title, PALETTE[done ? C_STALE : C_BUSY], t.gone ? 'gone' : text(info.status), !!done);
  set(description, 'textContent', text(info.description));
  set(progress, 'textContent', progressLine(info));
  set(bar, 'hidden', !known(info.progress));
  if (known(info.progress)) {
    set(bar, 'title', pct(info.progress));
    bar.firstChild.style.setProperty('width', Math.round(info.progress * 100) + '%');
  }
  const [choice, button] = assignRow.children;
  const agents = [...state.agentsById.keys()].sort().slice(0, ASSIGN_CHOICES);
  const current = choice.value;
  keyedChildren(choice, agents, (a) => a, (a) => el('option', { value: a, text: a }), () => {});
  if (agents.includes(current)) choice.value = current;
  set(button, 'disabled', done || agents.length === 0);
  set(choice, 'disabled', done || agents.length === 0);
  updateAnswerLine(answer, t);
}

function render() {
  set($('tasks-note'), 'textContent', listingNote);
  const list = $('tasks-list');
  const ids = taskOrder(state.tasks);
  keyedChildren(list, ids, (id) => id, makeCard, updateCard);
  if (ids.length === 0) list.append(el('li', { class: 'hint', text: 'No tasks yet: create one above, or look one up by id.' }));
}

async function cancel(id) {
  const entry = state.tasks.get(id);
  const result = await command('Cancel task ' + id, () => del(path(TASK, id)), (t) => 'task ' + id + ' is ' + text(t && t.status), entry);
  if (result && result.body) entry.info = result.body;
  changed('tasks');
}

async function assign(id, li) {
  const entry = state.tasks.get(id);
  const agent = li.querySelector('.assign-agent').value;
  if (!entry || !agent) return;
  const result = await command('Assign task ' + id + ' to ' + agent, () => postJson(path(TASK, id) + '/assign', assignBody(entry.info, agent)),
    (t) => 'task ' + id + ' is ' + text(t && t.status) + ', assigned to ' + (t && t.assigned_to && t.assigned_to.length ? t.assigned_to.join(', ') : DASH), entry);
  if (result && result.body) entry.info = result.body;
  changed('tasks');
}

async function create(event) {
  event.preventDefault();
  const f = new FormData(event.target);
  const body = { description: f.get('description'), priority: f.get('priority') };
  if (f.get('assignPinned')) {
    const a = state.agents.get(state.pinned);
    if (!a) { answer('Create task', false, 'no agent is pinned: click an agent first, or untick "to the pinned agent"'); return; }
    body.agent_ids = [a.id];
  }
  const result = await command('Create task', () => postJson('/api/bots/tasks', body),
    (t) => 'task ' + text(t && t.id) + ' ' + text(t && t.status) + (t && t.assigned_to && t.assigned_to.length ? ' for ' + t.assigned_to.join(', ') : ''));
  if (result && result.body && result.body.id) {
    event.target.elements.description.value = '';
    state.tasks.set(result.body.id, { id: result.body.id, info: result.body });
    save();
    changed('tasks');
  }
}


/** While the tab is open and /ws is closed, every 2 s (an open stream brings the server's tasks as they change). */
export function startPolling() {
  setInterval(() => { if (!$('tab-tasks').hidden && !state.streamOpen) refresh(); }, 2000);
}

export function init() {
  for (const id of session.load(KEY)) state.tasks.set(id, { id });
  $('task-form').addEventListener('submit', create);
  $('task-lookup').addEventListener('submit', (event) => lookUp(event, 'task', TASK, (id, info) => {
    state.tasks.set(id, { id, info });
    save();
    changed('tasks');
  }));
  on('tasks', render);
  on('tab', (name) => { if (name === 'tasks') refresh(); });
  render();
}
