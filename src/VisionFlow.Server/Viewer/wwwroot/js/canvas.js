// The canvas the graph is drawn on, sized in device pixels to follow its box (the side panel or the window can change
// it at any time).

export const surface = { canvas: null, ctx: null, dpr: 1 };

export function attach(canvas) {
  surface.canvas = canvas;
  surface.ctx = canvas.getContext('2d', { alpha: false });
  const resize = () => {
    surface.dpr = window.devicePixelRatio || 1;
    canvas.width = Math.max(1, Math.floor(canvas.clientWidth * surface.dpr));
    canvas.height = Math.max(1, Math.floor(canvas.clientHeight * surface.dpr));
  };
  new ResizeObserver(resize).observe(canvas);
  resize();
}

/** A pointer event's position on the canvas in device pixels. */
export function canvasPoint(clientX, clientY) {
  const rect = surface.canvas.getBoundingClientRect();
  return [(clientX - rect.left) * surface.dpr, (clientY - rect.top) * surface.dpr];
}
