// The Agents tab: the sortable, filtered table (the first 300 rows), terminate from a row, spawn an agent, and the
// note on agents that are not shown.

import { state, on, changed } from '../state.js';
import { known, text, num, ago, count } from '../format.js';
import { PALETTE, colourOfStatus } from '../palette.js';
import { postJson } from '../api.js';
import { agentTypeChoices, agentTypesNote, preferredType } from '../structure.js';
import { centreOn } from '../camera.js';
import { $, el, set, keyedChildren } from '../dom.js';
import { command } from './answers.js';
import { pin } from './details.js';
import { terminateButton, updateTerminateButton } from './terminate.js';

export const TABLE_ROWS = 300;

/** Orders agents by sort.key in sort.dir (1 or -1); unknown values last, whichever the direction. */
export function compareBy(sort) {
  const { key, dir } = sort;
  return (a, b) => {
    const x = a[key], y = b[key];
    if (!known(x) && !known(y)) return 0;
    if (!known(x)) return 1;
    if (!known(y)) return -1;
    return (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y))) * dir;
  };
}

/** The agents the filter lets through, sorted. */
export function tableRows(agents, filter, sort) {
  const rows = [...agents.values()].filter((a) => (!filter.type || a.type === filter.type) && (!filter.status || a.status === filter.status));
  return rows.sort(compareBy(sort));
}

/** Why agents are missing or not all shown, in words ('' when nothing is). */
export function agentsNote(body, rows) {
  const notes = [];
  if (body && body.available === false) notes.push('No agents: ' + text(body.unavailable_reason) + '. Commands are refused (503) until the MCP server is back.');
  else if (body && known(body.rejected_over_limit) && body.rejected_over_limit > 0) {
    notes.push(count(body.rejected_over_limit) + ' agents beyond MCP_MAX_AGENTS=' + body.max_agents + ' are not tracked.');
  }
  if (rows > TABLE_ROWS) notes.push('Showing ' + TABLE_ROWS + ' of ' + count(rows) + ' agents; sort or filter to see others.');
  return notes.join(' ');
}

const headers = () => document.querySelectorAll('#agents-table th[data-sort]');

// A row is made once per agent and brought up to date in place (dom.js keyedChildren).
function makeRow(a) {
  const node = a.node_id >>> 0;
  const cell = (cls) => el('td', { class: cls });
  return el('tr', { onclick: () => { centreOn(node); pin(node); } },
    cell('id'), cell(''), cell('status'), cell('num'), cell('num'), cell('num'), cell('num'), el('td', {}, terminateButton(a.id)));
}

function updateRow(tr, a) {
  const [id, type, status, cpu, memory, tokens, tasks, actions] = tr.cells;
  set(tr, 'className', ((a.node_id >>> 0) === state.pinned ? 'pinned ' : '') + (a.stale ? 'stale' : ''));
  if (tr.dataset.id !== a.id) tr.dataset.id = a.id;
  set(id, 'title', a.id);
  set(id, 'textContent', a.id);
  set(type, 'textContent', text(a.type));
  status.style.setProperty('--c', PALETTE[colourOfStatus(a.status, a.stale)]);
  set(status, 'title', 'last seen ' + ago(a.last_seen) + (a.swarm_id ? ' · swarm ' + a.swarm_id : ''));
  set(status, 'textContent', text(a.status) + (a.stale ? ' (stale)' : ''));
  set(cpu, 'textContent', num(a.cpu_usage, 1));
  set(memory, 'textContent', num(a.memory_usage, 0));
  set(tokens, 'textContent', num(a.tokens_used));
  set(tasks, 'textContent', num(a.tasks_active));
  updateTerminateButton(actions.firstChild);
}

function render() {
  for (const th of headers()) {
    th.className = (th.classList.contains('num') ? 'num ' : '') + (th.dataset.sort === state.sort.key ? (state.sort.dir > 0 ? 'sorted-asc' : 'sorted-desc') : '');
  }
  const rows = tableRows(state.agents, state.filter, state.sort);
  // Keyed by node and agent id: a row (and its Terminate button) never outlives the agent it was made for.
  keyedChildren($('agents-table').tBodies[0], rows.slice(0, TABLE_ROWS), (a) => (a.node_id >>> 0) + ' ' + a.id, makeRow, updateRow);
  $('agents-note').textContent = agentsNote(state.agentsBody, rows.length);
}

const visible = () => !$('tab-agents').hidden;

async function spawn(event, refreshAgents) {
  event.preventDefault();
  const f = new FormData(event.target);
  const body = { type: f.get('agentType') };
  if (f.get('swarm')) body.swarm_id = f.get('swarm');
  const result = await command('Spawn ' + body.type, () => postJson('/api/bots/agents', body),
    (a) => 'agent ' + text(a && a.id) + ' (' + text(a && a.type) + ') spawned' + (a && a.swarm_id ? ' in ' + a.swarm_id : ''));
  if (result) refreshAgents();
}

let chosenByUs = 'coder';

/**
 * The spawn list and the swarm form's hint offer exactly the agent types the server accepts (agent_types in
 * GET /api/bots/status, learnt per session): no fixed list. Any type may still be typed: the service forwards it and
 * says what the server answered (a server that has not said what it accepts, or one that is down, answers for itself).
 */
function updateAgentTypes() {
  const choices = agentTypeChoices(state.status);
  keyedChildren($('agent-types'), choices, (t) => t, (t) => el('option', { value: t }), () => {});
  const input = $('spawn-form').elements.agentType;
  if (input.value === chosenByUs) {
    // Not the user's choice: follow the server's list.
    chosenByUs = preferredType(choices, input.value) || input.value;
    set(input, 'value', chosenByUs);
  }
  set($('agent-types-note'), 'textContent', agentTypesNote(state.status));
  set($('swarm-form').elements.agentTypes, 'placeholder', choices.length ? 'optional, any of: ' + choices.join(', ') : 'optional');
}

/** `refreshAgents()` reads the agents again after a command changed them. */
export function init(refreshAgents) {
  for (const th of headers()) {
    th.addEventListener('click', () => {
      const key = th.dataset.sort;
      state.sort = { key, dir: state.sort.key === key ? -state.sort.dir : 1 };
      render();
    });
  }
  $('spawn-form').addEventListener('submit', (event) => spawn(event, refreshAgents));
  on('agents', () => {
    $('stat-agents').textContent = count(state.agents.size);
    if (visible()) render();
  });
  on('status', updateAgentTypes);
  updateAgentTypes();
  on('filter', render);
  on('pinned', render);
  on('terminate', render);
  on('tab', (name) => { if (name === 'agents') render(); });
}
