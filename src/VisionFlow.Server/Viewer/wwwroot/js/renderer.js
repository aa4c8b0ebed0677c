// Draws the graph every animation frame: restyles and relinks when the model changed, lets the camera follow, then
// draws with paths (a few thousand nodes on screen) or pixels (beyond), labels when zoomed in, the marked nodes'
// rings, and the frame-rate figures of the Health tab.

import { state, graph, on } from './state.js';
import { surface } from './canvas.js';
import { followFit } from './camera.js';
import { restyle, relink } from './nodes.js';
import { labelOf } from './lookup.js';
import { LITTLE_ENDIAN } from './frame.js';
import { PALETTE, BACKGROUND, EDGE_COLOURS, C_NOTE, C_SWARM, C_TASK } from './palette.js';
import { LABELS_AT_MOST, nodeRadius, usePixels } from './view.js';
import { drawPixels } from './pixels.js';
import { $ } from './dom.js';
import { count } from './format.js';

const TAU = 6.283185307179586;
let image = null, pixels = null;
let fpsFrames = 0, fpsSince = 0, drawSum = 0;
let everyFewFrames = () => {};

/** Starts drawing; `tick` runs every eighth frame (the hover re-test: nodes move under a still pointer). */
export function start(tick) {
  everyFewFrames = tick;
  // What the colours and the edges are drawn from changed: derived again before the next frame.
  on('agents', () => { graph.styleDirty = true; });
  on('filter', () => { graph.styleDirty = true; });
  on('graph', () => { graph.styleDirty = true; graph.edgesDirty = true; });
  fpsSince = performance.now();
  requestAnimationFrame(draw);
}

const label = (id) => labelOf(id, state.agents, state.meta);

function draw(now) {
  const began = performance.now();
  const { ctx, canvas, dpr } = surface;
  if (graph.styleDirty) state.drawnAgents = restyle(graph, state.agents, state.meta, state.filter);
  if (graph.edgesDirty) relink(graph, state.edges);
  followFit();
  const W = canvas.width, H = canvas.height;
  ctx.fillStyle = BACKGROUND;
  ctx.fillRect(0, 0, W, H);
  const { scale, cx, cy } = state.view;
  const ox = W / 2 - cx * scale, oy = H / 2 - cy * scale;
  const X = graph.x, Y = graph.y, V = graph.visible, buckets = graph.buckets;

  // Count what is on screen first: it decides the node size, the way of drawing and whether to label.
  const margin = 8 * dpr;
  let onScreen = 0, drawn = 0;
  for (let c = 0; c < buckets.length; c++) {
    const b = buckets[c];
    for (let i = 0; i < b.count; i++) {
      const s = b.slots[i];
      const px = X[s] * scale + ox, py = Y[s] * scale + oy;
      if (px > -margin && px < W + margin && py > -margin && py < H + margin) onScreen++;
    }
    drawn += b.count;
  }
  const ra = nodeRadius(onScreen, dpr), rk = ra * 0.75;
  if (LITTLE_ENDIAN && usePixels(state.renderer, onScreen)) {
    if (!image || image.width !== W || image.height !== H) {
      image = ctx.createImageData(W, H);
      pixels = new Uint32Array(image.data.buffer);
    }
    drawPixels(pixels, W, H, graph, scale, ox, oy, ra, rk);
    ctx.putImageData(image, 0, 0);
  } else {
    drawVectors(ctx, W, H, scale, ox, oy, ra, rk, margin, dpr);
  }

  // Labels when zoomed in far enough that they do not pile up; the hovered and pinned nodes always.
  let labels = 0;
  if (onScreen <= LABELS_AT_MOST) {
    ctx.font = (11 * dpr) + 'px system-ui, sans-serif';
    ctx.fillStyle = '#c9d1d9';
    ctx.textBaseline = 'middle';
    for (let s = 0; s < graph.count; s++) {
      if (!V[s]) continue;
      const px = X[s] * scale + ox, py = Y[s] * scale + oy;
      if (px < -margin || px > W + margin || py < -margin || py > H + margin) continue;
      ctx.fillText(label(graph.ids[s]), px + ra + 3 * dpr, py);
      labels++;
    }
  }
  const crowded = onScreen > LABELS_AT_MOST;
  if (state.highlight) ring(state.highlight.id, '#f0f6fc', scale, ox, oy, ra, crowded);
  ring(state.pinned, '#f78166', scale, ox, oy, ra, crowded);
  ring(state.hover, '#e6edf3', scale, ox, oy, ra, crowded);
  if (state.highlight && now - state.highlight.at > 4000) state.highlight = null;

  if (state.simulated) {
    ctx.font = 'bold ' + (12 * dpr) + 'px system-ui, sans-serif';
    ctx.fillStyle = 'rgba(240,180,41,0.8)';
    ctx.textBaseline = 'top';
    ctx.textAlign = 'right';
    ctx.fillText('SIMULATED DATA', W - 12 * dpr, 52 * dpr);
    ctx.textAlign = 'left';
  }
  if (graph.count === 0) {
    ctx.font = (14 * dpr) + 'px system-ui, sans-serif';
    ctx.fillStyle = '#8b949e';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(emptyReason(), W / 2, H / 2);
    ctx.textAlign = 'left';
  }

  if ((fpsFrames & 7) === 0) everyFewFrames();

  state.drawnNodes = drawn;
  state.onScreen = onScreen;
  state.labelsDrawn = labels;
  fpsFrames++;
  drawSum += performance.now() - began;
  if (now - fpsSince >= 1000) {
    state.fps = fpsFrames * 1000 / (now - fpsSince);
    state.drawMs = drawSum / fpsFrames;
    drawSum = 0;
    fpsFrames = 0;
    fpsSince = now;
    $('stat-nodes').textContent = count(drawn);
    $('stat-frames').textContent = count(state.frames);
    $('stat-fps').textContent = state.fps.toFixed(0) + ' frames/s · ' + state.drawMs.toFixed(1) + ' ms to draw · ' + count(onScreen) + ' nodes on screen';
  }
  requestAnimationFrame(draw);
}

// A ring around a marked node (found, pinned, hovered), with its label when labels are otherwise off.
function ring(id, colour, scale, ox, oy, ra, withLabel) {
  if (id === null || id === undefined) return;
  const s = graph.slot.get(id);
  if (s === undefined) return;
  const { ctx, dpr } = surface;
  const px = graph.x[s] * scale + ox, py = graph.y[s] * scale + oy;
  ctx.strokeStyle = colour;
  ctx.lineWidth = 2 * dpr;
  ctx.beginPath();
  ctx.arc(px, py, ra + 4 * dpr, 0, TAU);
  ctx.stroke();
  if (withLabel) {
    ctx.font = (12 * dpr) + 'px system-ui, sans-serif';
    ctx.fillStyle = '#f0f6fc';
    ctx.textBaseline = 'middle';
    ctx.fillText(label(id), px + ra + 6 * dpr, py);
  }
}

// Vector drawing: antialiased circles and lines, one path per colour and per edge kind. Fine for a few thousand nodes;
// beyond that a software-rasterised canvas (headless Chromium, machines without a GPU) spends its frame filling paths,
// so the pixel renderer takes over.
function drawVectors(ctx, W, H, scale, ox, oy, ra, rk, margin, dpr) {
  const X = graph.x, Y = graph.y, V = graph.visible, edges = graph.edges, buckets = graph.buckets;
  ctx.lineWidth = dpr;
  for (let kind = 0; kind < EDGE_COLOURS.length; kind++) {
    ctx.beginPath();
    let any = false;
    for (let e = 0; e < edges.count; e++) {
      if (edges.flow[e] !== kind) continue;
      const a = edges.a[e], b = edges.b[e];
      if (!V[a] || !V[b]) continue;
      const ax = X[a] * scale + ox, ay = Y[a] * scale + oy, bx = X[b] * scale + ox, by = Y[b] * scale + oy;
      // Skipped when both ends are off screen on the same side.
      if ((ax < 0 && bx < 0) || (ax > W && bx > W) || (ay < 0 && by < 0) || (ay > H && by > H)) continue;
      ctx.moveTo(ax, ay);
      ctx.lineTo(bx, by);
      any = true;
    }
    if (any) {
      ctx.strokeStyle = EDGE_COLOURS[kind].css;
      ctx.stroke();
    }
  }
  for (let c = 0; c < buckets.length; c++) {
    const b = buckets[c];
    if (b.count === 0) continue;
    ctx.fillStyle = PALETTE[c];
    ctx.beginPath();
    for (let i = 0; i < b.count; i++) {
      const s = b.slots[i];
      const px = X[s] * scale + ox, py = Y[s] * scale + oy;
      if (px < -margin || px > W + margin || py < -margin || py > H + margin) continue;
      if (c === C_NOTE) ctx.rect(px - rk, py - rk, 2 * rk, 2 * rk);
      else if (c === C_SWARM || c === C_TASK) { const rh = ra * 1.6; ctx.moveTo(px + rh, py); ctx.arc(px, py, rh, 0, TAU); } // a hub: larger
      else { ctx.moveTo(px + ra, py); ctx.arc(px, py, ra, 0, TAU); }
    }
    ctx.fill();
  }
}

function emptyReason() {
  if (!state.streamOpen) return 'Waiting for the position stream (/ws)…';
  const info = state.graphInfo;
  if (info && info.knowledge === false) return 'Nothing to draw: the knowledge graph is off at this degradation level';
  return 'Waiting for the first layout…';
}
