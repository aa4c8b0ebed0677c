// Commands and their answers: every command's outcome goes to the "Answers" list in words, and onto the swarm or task
// it concerns (kept there across re-renders).

import { state, changed } from '../state.js';
import { describeError } from '../api.js';
import { $, el, set } from '../dom.js';

const KEEP = 12;

/** "Spawn coder → 201 Created: agent agent-3 (coder) spawned": the line for a command's outcome. */
export const answerText = (action, message) => action + ' → ' + message;

/** The words for a successful result: "201 Created" and what describeOk says of its body. */
export const okWords = (result, describeOk) => result.status + ' ' + (result.statusText || '') + (describeOk ? ': ' + describeOk(result.body) : '');

export function answer(action, ok, message, entry) {
  const line = answerText(action, message);
  state.lastAnswer = { action, ok, message };
  const r = $('command-result');
  r.textContent = line;
  r.className = 'result ' + (ok ? 'ok' : 'error');
  const log = $('activity');
  log.prepend(el('li', { class: ok ? 'ok' : 'error', text: new Date().toLocaleTimeString() + '  ' + line }));
  while (log.children.length > KEEP) log.lastChild.remove();
  if (entry) entry.answer = { ok, message };
  changed('answer', state.lastAnswer);
}

/** Runs a command, says its answer, and returns its result (null when it failed). */
export async function command(action, run, describeOk, entry) {
  // Showing the past or a replay: the controls are off (panels/timeline.js); this holds for any other way in.
  if (state.readOnly) {
    answer(action, false, state.readOnly, entry);
    return null;
  }
  try {
    const result = await run();
    answer(action, true, okWords(result, describeOk), entry);
    return result;
  } catch (e) {
    answer(action, false, describeError(e), entry);
    return null;
  }
}

/** The line under a swarm's or task's card: its last answer, or why it could not be read; hidden when neither. */
export function answerLine() {
  return el('div', { class: 'answer', hidden: true });
}

/** Brings an answer line up to date with its entry, in place. */
export function updateAnswerLine(line, entry) {
  const a = entry.answer;
  const words = a ? a.message : entry.error ? 'read: ' + entry.error : '';
  set(line, 'className', 'answer ' + (a ? (a.ok ? 'ok' : 'error') : 'error'));
  set(line, 'textContent', words);
  set(line, 'hidden', words === '');
}
