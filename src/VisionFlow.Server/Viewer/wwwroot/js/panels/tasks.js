// The Tasks tab: create (optionally for the pinned agent), look up and cancel tasks. The REST API lists no tasks yet, so
// the tab shows the tasks this browser created or looked up (kept for the session); open ones are read again every 2 s
// while the tab is open. Issue 22 adds GET /api/bots/tasks: `refresh()` is where it goes.

import { state, on, changed } from '../state.js';
import { DASH, known, text, pct } from '../format.js';
import { PALETTE, C_BUSY, C_STALE } from '../palette.js';
import { del, path, postJson } from '../api.js';
import * as session from '../session-store.js';
import { $, el, set, keyedChildren } from '../dom.js';
import { answer, command, answerLine, updateAnswerLine } from './answers.js';
import { readEntry, lookUp, cardTitle, updateCardTitle } from './entries.js';

const KEY = 'visionflow.tasks';
const TASK = '/api/bots/tasks/';
const READ_AT_MOST = 40;
const TERMINAL = new Set(['completed', 'cancelled', 'canceled', 'failed', 'done']);

/** Whether a task's status is final (it is not read again). */
export const isTerminal = (status) => TERMINAL.has(String(status).toLowerCase());

/** The progress line: "progress 40 % · priority high · assigned to agent-1, agent-2". */
export function progressLine(info) {
  return 'progress ' + pct(info.progress) + ' · priority ' + text(info.priority)
    + ' · assigned to ' + (info.assigned_to && info.assigned_to.length ? info.assigned_to.join(', ') : DASH);
}

const save = () => session.save(KEY, [...state.tasks.keys()]);

const read = (id) => readEntry(state.tasks, id, TASK);

/** Reads the open tasks again (at most 40), then shows them. */
export async function refresh() {
  const open = [...state.tasks.values()].filter((t) => !t.gone && !(t.info && isTerminal(t.info.status)));
  await Promise.all(open.slice(0, READ_AT_MOST).map((t) => read(t.id)));
  changed('tasks');
}

// A card is made once per task and brought up to date in place (dom.js keyedChildren).
function makeCard(id) {
  return el('li', { 'data-id': id },
    cardTitle(id, 'task-status', 'cancel', 'Cancel', cancel),
    el('div', { class: 'meta' }),
    el('div', { class: 'meta task-progress' }),
    el('div', { class: 'progress', hidden: true }, el('span')),
    answerLine());
}

function updateCard(li, id) {
  const t = state.tasks.get(id);
  const info = t.info || {};
  const done = t.gone || isTerminal(info.status);
  const [title, description, progress, bar, answer] = li.children;
  updateCardTitle(title, PALETTE[done ? C_STALE : C_BUSY], t.gone ? 'gone' : text(info.status), !!done);
  set(description, 'textContent', text(info.description));
  set(progress, 'textContent', progressLine(info));
  set(bar, 'hidden', !known(info.progress));
  if (known(info.progress)) {
    set(bar, 'title', pct(info.progress));
    bar.firstChild.style.setProperty('width', Math.round(info.progress * 100) + '%');
  }
  updateAnswerLine(answer, t);
}

function render() {
  const list = $('tasks-list');
  const ids = [...state.tasks.keys()].reverse();
  keyedChildren(list, ids, (id) => id, makeCard, updateCard);
  if (ids.length === 0) list.append(el('li', { class: 'hint', text: 'No tasks yet: create one above, or look one up by id.' }));
}

async function cancel(id) {
  const entry = state.tasks.get(id);
  const result = await command('Cancel task ' + id, () => del(path(TASK, id)), (t) => 'task ' + id + ' is ' + text(t && t.status), entry);
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


export function startPolling() {
  setInterval(() => { if (!$('tab-tasks').hidden) refresh(); }, 2000);
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
