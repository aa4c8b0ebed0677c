// Two DOM helpers: find by id, and build an element.

export const $ = (id) => document.getElementById(id);

/**
 * el('li', {class, text, style: {name: value}, onclick, …attributes}, …children). A null, undefined or false attribute
 * is left out; null and undefined children are skipped.
 */
export function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    // CSSOM, not a style attribute: the page's Content-Security-Policy allows no inline styles.
    else if (k === 'style') for (const [name, value] of Object.entries(v)) e.style.setProperty(name, value);
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

const keyed = new WeakMap();   // parent -> Map(key -> element) of what keyedChildren last showed there

/**
 * Shows one element per item as parent's children, in order: an item's element is made once (make(item)), brought up
 * to date in place (update(element, item)) on every call, and moved only when the order changed; elements of items
 * gone are removed, as is anything else in parent. A list re-read every few seconds thus never replaces the button
 * under a pointer between its press and its release (which would lose the click), and touches only what changed.
 */
export function keyedChildren(parent, items, keyOf, make, update) {
  const before = keyed.get(parent) || new Map();
  const now = new Map();
  let cursor = parent.firstChild;
  for (const item of items) {
    const key = keyOf(item);
    const e = (!now.has(key) && before.get(key)) || make(item);   // a repeated key gets an element of its own
    update(e, item);
    now.set(key, e);
    if (e === cursor) cursor = cursor.nextSibling;
    else parent.insertBefore(e, cursor);
  }
  while (cursor) {
    const next = cursor.nextSibling;
    cursor.remove();
    cursor = next;
  }
  keyed.set(parent, now);
}

/** Sets a property (textContent, className, title, disabled, hidden …) only when it differs. */
export function set(e, property, value) {
  if (e[property] !== value) e[property] = value;
}
