// What the Swarms and Tasks tabs share: an entry (a swarm or a task this page knows of) read by id, and the look-up form.

import { api, path, describeError } from '../api.js';
import { text } from '../format.js';
import { el, set } from '../dom.js';
import { command } from './answers.js';

/** Reads entry `id` of `entries` from prefix + id: its info, or why not (gone for good on a 404). */
export async function readEntry(entries, id, prefix, fresh = { id }) {
  const entry = entries.get(id) || fresh;
  entries.set(id, entry);
  try {
    entry.info = (await api(path(prefix, id))).body;
    entry.error = null;
  } catch (e) {
    entry.error = describeError(e);
    if (e.status === 404) entry.gone = true;
  }
}

/** A look-up form's submit: reads the id typed, says the answer, and hands a found one to keep(id, info). */
export async function lookUp(event, noun, prefix, keep) {
  event.preventDefault();
  const id = new FormData(event.target).get('id').trim();
  const result = await command('Look up ' + noun + ' ' + id, () => api(path(prefix, id)), (b) => noun + ' ' + id + ' is ' + text(b && b.status));
  if (result) keep(id, result.body);
}

/** A card's title row: the entry's id, its status chip and its one action (Dissolve, Cancel). */
export function cardTitle(id, statusClass, actionClass, actionText, act) {
  return el('div', { class: 'title' },
    el('code', { text: id }),
    el('span', { class: 'status ' + statusClass }),
    el('button', { type: 'button', class: 'danger ' + actionClass, text: actionText, onclick: () => act(id) }));
}

/** Brings a card's title row up to date in place: the chip's colour and words, the action on or off. */
export function updateCardTitle(title, colour, statusText, actionOff) {
  const [, status, button] = title.children;
  status.style.setProperty('--c', colour);
  set(status, 'textContent', statusText);
  set(button, 'disabled', actionOff);
}
