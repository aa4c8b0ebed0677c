// Where the view looks: fitting the whole graph (gliding while the layout spreads), following a found node, finding the
// node under a point. The geometry is view.js's; this module applies it to the page's view, graph and canvas.

import { state, graph } from './state.js';
import { surface, canvasPoint } from './canvas.js';
import { bounds, fitView, easeToward, nearestNode, toScreenX, toScreenY } from './view.js';

/** The view that fits the visible nodes (all nodes when none is visible); null before any position arrived. */
export function fitTarget() {
  const b = bounds(graph, true) || bounds(graph, false);
  if (!b) return null;
  const { canvas, dpr } = surface;
  return fitView(b, canvas.width, canvas.height, state.view.leftRoom * dpr, dpr);
}

/** Once a frame: a followed node stays centred while the layout moves it; else an automatic view glides to the fit. */
export function followFit() {
  const view = state.view;
  if (view.follow !== null) {
    const s = graph.slot.get(view.follow);
    if (s !== undefined) { view.cx = graph.x[s]; view.cy = graph.y[s]; }
    return;
  }
  if (!view.auto) return;
  const t = fitTarget();
  if (t) easeToward(view, t);
}

/** Fits the graph now, and keeps fitting it as it moves (until the user pans or zooms). */
export function fitNow() {
  state.view.auto = true;
  state.view.follow = null;
  const t = fitTarget();
  if (t) Object.assign(state.view, t);
}

/** Centres on a node, zoomed in, rings it for a few seconds and follows it; false when it is not laid out yet. */
export function centreOn(id) {
  const s = graph.slot.get(id);
  if (s === undefined) return false;
  const fit = fitTarget();
  const view = state.view;
  view.auto = false;
  view.follow = id;
  view.cx = graph.x[s];
  view.cy = graph.y[s];
  if (fit) view.scale = Math.max(view.scale, fit.scale * 4);
  state.highlight = { id, at: performance.now() };
  return true;
}

/** Stops following and fitting: the user took the view. */
export function takeView() {
  state.view.auto = false;
  state.view.follow = null;
}

/** The node drawn within 10 CSS pixels of a pointer position (clientX, clientY); null when none is. */
export function nodeAt(p) {
  const [mx, my] = canvasPoint(p.clientX, p.clientY);
  const { canvas, dpr } = surface;
  return nearestNode(graph, state.view, canvas.width, canvas.height, mx, my, 10 * dpr);
}

/** Where a node is drawn, in CSS pixels of the page; null when it is not on the stream. */
export function screenPosition(id) {
  const s = graph.slot.get(id >>> 0);
  if (s === undefined) return null;
  const { canvas, dpr } = surface;
  const r = canvas.getBoundingClientRect();
  return [r.left + toScreenX(state.view, canvas.width, graph.x[s]) / dpr, r.top + toScreenY(state.view, canvas.height, graph.y[s]) / dpr];
}
