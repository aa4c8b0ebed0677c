// Pointer and keyboard on the graph: drag pans, the wheel zooms about the pointer, hovering shows a tooltip, a click
// pins (or unpins on empty space), a double-click fits; '/' finds, 'F' fits, Esc unpins.

import { state } from './state.js';
import { surface, canvasPoint } from './canvas.js';
import { fitNow, nodeAt, takeView } from './camera.js';
import { zoomAbout, wheelFactor } from './view.js';
import { text, num } from './format.js';
import { labelOf, noteLinks } from './lookup.js';
import { $ } from './dom.js';
import { pin, unpin } from './panels/details.js';

const CLICK_SLOP = 3;   // CSS pixels a press may move and still be a click
let drag = null;
let pointer = null;     // the last pointer position over the canvas, to re-test the hover while the layout moves

/** The tooltip's lines for a node. */
export function tooltipLines(id, agents, meta, edgeList) {
  const a = agents.get(id);
  const m = meta.get(id);
  if (a) {
    return [text(a.type) + ' · ' + a.id, 'status ' + text(a.status) + (a.stale ? ' (stale)' : ''),
      'cpu ' + num(a.cpu_usage, 1, ' %') + ' · memory ' + num(a.memory_usage, 1, ' MB'),
      'tasks ' + num(a.tasks_active) + ' · tokens ' + num(a.tokens_used), 'click to pin the details'];
  }
  if (m && m.kind === 'knowledge') {
    const { links, backlinks } = noteLinks(edgeList, id);
    return ['note · ' + text(m.label), links.length + ' links · ' + backlinks.length + ' backlinks', 'click to pin the details'];
  }
  return [labelOf(id, agents, meta)];
}

function showTooltip(id, x, y) {
  const tooltip = $('tooltip');
  if (id === null) { tooltip.hidden = true; return; }
  tooltip.textContent = tooltipLines(id, state.agents, state.meta, state.edges).join('\n');
  tooltip.style.left = (x + 14) + 'px';
  tooltip.style.top = (y + 14) + 'px';
  tooltip.hidden = false;
}

function hoverAt(p) {
  const id = nodeAt(p);
  state.hover = id;
  const rect = surface.canvas.getBoundingClientRect();
  showTooltip(id, p.clientX - rect.left, p.clientY - rect.top);
}

/** Called by the renderer every few frames: nodes move under a still pointer. */
export function retestHover() {
  if (pointer && !drag) hoverAt(pointer);
}

export function init() {
  const canvas = surface.canvas;
  canvas.addEventListener('mousedown', (e) => {
    drag = { x: e.clientX, y: e.clientY, startX: e.clientX, startY: e.clientY, moved: false };
    canvas.classList.add('dragging');
  });
  window.addEventListener('mouseup', (e) => {
    if (!drag) return;
    const wasClick = !drag.moved;
    drag = null;
    canvas.classList.remove('dragging');
    if (wasClick && e.target === canvas) {
      const id = nodeAt(e);
      if (id === null) unpin(); else pin(id);
    }
  });
  canvas.addEventListener('dblclick', () => fitNow());
  canvas.addEventListener('wheel', (e) => {
    e.preventDefault();
    const [px, py] = canvasPoint(e.clientX, e.clientY);
    takeView();
    zoomAbout(state.view, canvas.width, canvas.height, px, py, wheelFactor(e.deltaY, e.deltaMode));
  }, { passive: false });
  canvas.addEventListener('mousemove', (e) => {
    pointer = { clientX: e.clientX, clientY: e.clientY };
    if (drag) {
      if (Math.abs(e.clientX - drag.startX) + Math.abs(e.clientY - drag.startY) > CLICK_SLOP) drag.moved = true;
      if (drag.moved) {
        takeView();
        state.view.cx -= (e.clientX - drag.x) * surface.dpr / state.view.scale;
        state.view.cy -= (e.clientY - drag.y) * surface.dpr / state.view.scale;
      }
      drag.x = e.clientX;
      drag.y = e.clientY;
      $('tooltip').hidden = true;
      return;
    }
    hoverAt(pointer);
  });
  canvas.addEventListener('mouseleave', () => { pointer = null; state.hover = null; $('tooltip').hidden = true; });

  window.addEventListener('keydown', (e) => {
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement) {
      if (e.key === 'Escape') e.target.blur();
      return;
    }
    if (e.key === '/') { e.preventDefault(); $('search').focus(); }
    else if (e.key === 'f' || e.key === 'F') fitNow();
    else if (e.key === 'Escape') unpin();
  });
  $('fit').addEventListener('click', () => fitNow());
}
