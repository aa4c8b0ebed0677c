import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keyedChildren, set } from '../../src/VisionFlow.Server/Viewer/wwwroot/js/dom.js';

// Just enough of the DOM's child list for keyedChildren: firstChild, nextSibling, insertBefore, remove.
class Node {
  constructor(name) { this.name = name; this.parent = null; }
  get nextSibling() { const c = this.parent.children; return c[c.indexOf(this) + 1] || null; }
  remove() { this.parent.children.splice(this.parent.children.indexOf(this), 1); this.parent = null; }
}
class Parent {
  constructor(...names) { this.children = []; this.moves = 0; for (const n of names) this.insertBefore(new Node(n), null); }
  get firstChild() { return this.children[0] || null; }
  insertBefore(node, ref) {
    if (node.parent) { node.remove(); this.moves++; }
    node.parent = this;
    const i = ref ? this.children.indexOf(ref) : this.children.length;
    this.children.splice(i, 0, node);
  }
  get names() { return this.children.map((c) => c.name); }
}

const show = (parent, items, made) => keyedChildren(parent, items, (i) => i.key, (i) => { made.push(i.key); return new Node(i.key); }, (e, i) => { e.name = i.key + ':' + i.v; });

test('elements are made once per key and updated in place', () => {
  const list = new Parent('hint');
  const made = [];
  show(list, [{ key: 'a', v: 1 }, { key: 'b', v: 1 }], made);
  assert.deepEqual(list.names, ['a:1', 'b:1'], 'what was there before is removed');
  const [a, b] = list.children;
  show(list, [{ key: 'a', v: 2 }, { key: 'b', v: 3 }], made);
  assert.deepEqual(list.names, ['a:2', 'b:3']);
  assert.equal(list.children[0], a);
  assert.equal(list.children[1], b);
  assert.deepEqual(made, ['a', 'b']);
  assert.equal(list.moves, 0, 'an unchanged order moves nothing');
});

test('new keys are inserted where they belong, gone ones removed, a new order applied', () => {
  const list = new Parent();
  const made = [];
  show(list, [{ key: 'a' }, { key: 'b' }, { key: 'c' }], made);
  const [a, , c] = list.children;
  show(list, [{ key: 'c' }, { key: 'x' }, { key: 'a' }], made);
  assert.deepEqual(list.names.map((n) => n[0]), ['c', 'x', 'a']);
  assert.equal(list.children[0], c);
  assert.equal(list.children[2], a);
  assert.deepEqual(made, ['a', 'b', 'c', 'x']);
  show(list, [], made);
  assert.equal(list.children.length, 0);
});

test('a repeated key gets an element of its own', () => {
  const list = new Parent();
  show(list, [{ key: 'a', v: 1 }, { key: 'a', v: 2 }], []);
  assert.deepEqual(list.names, ['a:1', 'a:2']);
});

test('set writes only what differs', () => {
  let writes = 0;
  const e = { get textContent() { return this._t; }, set textContent(v) { writes++; this._t = v; } };
  set(e, 'textContent', 'x');
  set(e, 'textContent', 'x');
  set(e, 'textContent', 'y');
  assert.equal(writes, 2);
});
