// The side panel's tabs: one shown at a time; the shown tab's name goes out on the 'tab' topic.

import { changed } from '../state.js';

export function show(name) {
  for (const tab of document.querySelectorAll('.tabs button')) tab.setAttribute('aria-selected', String(tab.dataset.tab === name));
  for (const panel of document.querySelectorAll('.tab')) panel.hidden = panel.id !== 'tab-' + name;
  changed('tab', name);
}

export function init() {
  for (const tab of document.querySelectorAll('.tabs button')) tab.addEventListener('click', () => show(tab.dataset.tab));
}
