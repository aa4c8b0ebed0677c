// The API key dialog: shown on a 401, it logs in (POST /api/session sets the session cookie) and starts the page again.

import { postJson, describeError, onUnauthorized } from '../api.js';
import { $ } from '../dom.js';

function ask() {
  const dialog = $('key-dialog');
  if (!dialog.open) dialog.showModal();
}

/** `unlocked()` runs after the key was accepted. */
export function init(unlocked) {
  onUnauthorized(ask);
  $('key-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const key = new FormData(event.target).get('key');
    try {
      await postJson('/api/session', { key });
      $('key-dialog').close();
      $('key-result').textContent = '';
      unlocked();
    } catch (e) {
      $('key-result').textContent = 'Key rejected: ' + describeError(e);
    }
  });
}
