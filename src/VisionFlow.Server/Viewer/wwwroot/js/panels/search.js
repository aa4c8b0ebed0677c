// The toolbar: find a node by id or name (centred, followed and pinned), filter agents by type and status, show or
// hide the notes.

import { state, on, changed } from '../state.js';
import { known } from '../format.js';
import { candidates, findNode, labelOf } from '../lookup.js';
import { centreOn } from '../camera.js';
import { $, el } from '../dom.js';
import { pin } from './details.js';

const AGENT_OPTIONS = 500;   // notes by title and up to this many agents by id: type-ahead without a 10,000-entry list

/** The options a filter select should offer: "all" (''), the values sorted, and the current one even if gone. */
export function filterOptions(values, current) {
  const wanted = ['', ...[...values].sort()];
  if (current && !values.has(current)) wanted.push(current);
  return wanted;
}

/** The types and statuses the agents report. */
export function agentValues(agents) {
  const types = new Set(), statuses = new Set();
  for (const a of agents.values()) {
    if (known(a.type)) types.add(a.type);
    if (known(a.status)) statuses.add(a.status);
  }
  return { types, statuses };
}

function fillSelect(select, values, current) {
  const wanted = filterOptions(values, current);
  const have = [...select.options].map((o) => o.value);
  if (have.length === wanted.length && have.every((v, i) => v === wanted[i])) return;
  select.replaceChildren(...wanted.map((v) => el('option', { value: v, text: v || 'all' })));
  select.value = current;
}

function updateFilters() {
  const { types, statuses } = agentValues(state.agents);
  fillSelect($('filter-type'), types, state.filter.type);
  fillSelect($('filter-status'), statuses, state.filter.status);
}

let optionsKey = '';
function updateSearchOptions() {
  const list = candidates(state.meta, state.agents);
  const key = list.length + ':' + (list[0] && list[0].id) + ':' + (list[list.length - 1] && list[list.length - 1].id);
  if (key === optionsKey) return;
  optionsKey = key;
  const options = [];
  for (const c of list) if (c.kind === 'knowledge' || options.length < AGENT_OPTIONS) options.push(el('option', { value: c.label }));
  $('search-options').replaceChildren(...options);
}

function find(event) {
  event.preventDefault();
  const query = $('search').value;
  const found = findNode(candidates(state.meta, state.agents), query);
  const out = $('search-result');
  if (!found) {
    out.textContent = query.trim() ? 'No node matches "' + query.trim() + '"' : '';
    return;
  }
  const drawn = centreOn(found.id);
  pin(found.id);
  out.textContent = (found.kind === 'knowledge' ? 'note ' : found.kind === 'agent' ? 'agent ' : '') + labelOf(found.id, state.agents, state.meta) + (drawn ? '' : ' (not laid out yet)');
}

export function init() {
  $('search-form').addEventListener('submit', find);
  $('filter-type').addEventListener('change', (e) => { state.filter.type = e.target.value; changed('filter'); });
  $('filter-status').addEventListener('change', (e) => { state.filter.status = e.target.value; changed('filter'); });
  $('show-knowledge').addEventListener('change', (e) => { state.filter.notes = e.target.checked; changed('filter'); });
  on('graph', updateSearchOptions);
  on('agents', updateFilters);
}
