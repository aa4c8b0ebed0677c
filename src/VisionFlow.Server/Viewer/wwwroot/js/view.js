// Geometry of the view: world <-> canvas pixels, fitting the graph, zooming about a point, how big and how to draw.
// Pure functions over a view {scale, cx, cy} and a canvas size in device pixels; Node's tests check them.

export const LABELS_AT_MOST = 300;     // labels are drawn when at most this many nodes are on screen (zoomed in)
export const VECTOR_AT_MOST = 2000;    // beyond this many nodes on screen the renderer writes pixels instead of paths
export const MIN_SCALE = 1e-4, MAX_SCALE = 1e4;

export const toScreenX = (view, W, x) => (x - view.cx) * view.scale + W / 2;
export const toScreenY = (view, H, y) => (y - view.cy) * view.scale + H / 2;
export const toWorldX = (view, W, px) => (px - W / 2) / view.scale + view.cx;
export const toWorldY = (view, H, py) => (py - H / 2) / view.scale + view.cy;

/** The box around the (visible) nodes with finite positions; null when there is none. */
export function bounds(g, visibleOnly) {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let s = 0; s < g.count; s++) {
    if (visibleOnly && !g.visible[s]) continue;
    const x = g.x[s], y = g.y[s];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  return Number.isFinite(minX) ? { minX, minY, maxX, maxY } : null;
}

/**
 * The view that shows box b whole on a W×H canvas, with room for the toolbar at the top, the legend at the bottom and
 * `left` device pixels taken by the pinned details on the left.
 */
export function fitView(b, W, H, left, dpr) {
  const w = Math.max(b.maxX - b.minX, 1), h = Math.max(b.maxY - b.minY, 1);
  const scale = Math.max(Math.min((W - left) / w, (H - 90 * dpr) / h) * 0.9, MIN_SCALE);
  return { scale, cx: (b.minX + b.maxX) / 2 - left / 2 / scale, cy: (b.minY + b.maxY) / 2 - 10 * dpr / scale };
}

/** Moves the view a fraction k of the way to the target: the fit glides as the layout spreads. */
export function easeToward(view, target, k = 0.15) {
  view.scale += (target.scale - view.scale) * k;
  view.cx += (target.cx - view.cx) * k;
  view.cy += (target.cy - view.cy) * k;
}

/** Zooms by `factor` about canvas point (px, py): the world point under it stays under it. */
export function zoomAbout(view, W, H, px, py, factor) {
  const wx = toWorldX(view, W, px), wy = toWorldY(view, H, py);
  view.scale = Math.min(Math.max(view.scale * factor, MIN_SCALE), MAX_SCALE);
  view.cx += wx - toWorldX(view, W, px);
  view.cy += wy - toWorldY(view, H, py);
}

/** The wheel's zoom factor: lines (deltaMode 1) step further than pixels. */
export const wheelFactor = (deltaY, deltaMode) => Math.exp(-deltaY * (deltaMode === 1 ? 0.05 : 0.0015));

/** An agent's radius in device pixels: the same on screen whatever the zoom, shrinking as more nodes crowd into view. */
export const nodeRadius = (onScreen, dpr) => Math.min(6, Math.max(1.5, 6 * Math.sqrt(300 / Math.max(onScreen, 1)))) * dpr;

/** Whether to write pixels rather than fill paths (beyond VECTOR_AT_MOST on screen, unless one is forced). */
export const usePixels = (renderer, onScreen) => renderer === 'pixels' || (renderer === 'auto' && onScreen > VECTOR_AT_MOST);

/** The visible node nearest to canvas point (mx, my) within maxDistance device pixels; null when none is. */
export function nearestNode(g, view, W, H, mx, my, maxDistance) {
  let best = null, bestD = maxDistance * maxDistance;
  for (let s = 0; s < g.count; s++) {
    if (!g.visible[s]) continue;
    const dx = toScreenX(view, W, g.x[s]) - mx, dy = toScreenY(view, H, g.y[s]) - my;
    const d = dx * dx + dy * dy;
    if (d < bestD) { bestD = d; best = g.ids[s]; }
  }
  return best;
}
