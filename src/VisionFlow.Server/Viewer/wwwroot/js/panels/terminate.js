// Terminating an agent: the first click asks to confirm (for 4 s), the second sends DELETE /api/bots/agents/{id}. The
// agents table and the details panel both show the button; both redraw on the 'terminate' topic.

import { state, changed } from '../state.js';
import { del, path } from '../api.js';
import { el, set } from '../dom.js';
import { command } from './answers.js';

const CONFIRM_MS = 4000;

/** Whether a terminate of agentId waits for its confirmation at time now. */
export const awaitsConfirmation = (pending, agentId, now) => !!pending && pending.id === agentId && now - pending.at < CONFIRM_MS;

/** A Terminate button for an agent, showing "Confirm" while a first click waits for the second. */
export function terminateButton(agentId) {
  const button = el('button', { type: 'button', 'data-agent': agentId, onclick: (e) => { e.stopPropagation(); terminate(agentId); } });
  updateTerminateButton(button);
  return button;
}

/** Brings a terminate button up to date with the confirmation state, in place. */
export function updateTerminateButton(button) {
  const agentId = button.dataset.agent;
  const pending = awaitsConfirmation(state.pendingTerminate, agentId, performance.now());
  set(button, 'className', pending ? 'confirm terminate' : 'danger terminate');
  set(button, 'textContent', pending ? 'Confirm' : 'Terminate');
  set(button, 'title', pending ? 'Click again to terminate ' + agentId : 'Terminate ' + agentId + ' (asks to confirm)');
}

/** `done()` runs after an agent was terminated (to read the agents again). */
let done = () => {};
export function init(terminated) { done = terminated; }

async function terminate(agentId) {
  if (!awaitsConfirmation(state.pendingTerminate, agentId, performance.now())) {
    state.pendingTerminate = { id: agentId, at: performance.now() };
    changed('terminate');
    setTimeout(() => {
      if (state.pendingTerminate && state.pendingTerminate.id === agentId) {
        state.pendingTerminate = null;
        changed('terminate');
      }
    }, CONFIRM_MS + 100);
    return;
  }
  state.pendingTerminate = null;
  changed('terminate');
  const result = await command('Terminate ' + agentId, () => del(path('/api/bots/agents/', agentId)), () => 'agent ' + agentId + ' terminated');
  if (result) done();
}
