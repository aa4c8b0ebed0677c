// Colours: one palette index per node (0 = knowledge note, then agent statuses, then the agent graph's hubs: a swarm,
// an open task); nodes are drawn one batch per colour.

export const PALETTE = ['#6e7bff', '#3fb950', '#d29922', '#58a6ff', '#bc8cff', '#f85149', '#6e7681', '#39c5cf', '#f0883e', '#db61a2'];
export const C_NOTE = 0, C_ACTIVE = 1, C_BUSY = 2, C_IDLE = 3, C_STARTING = 4, C_ERROR = 5, C_STALE = 6, C_UNKNOWN = 7, C_SWARM = 8, C_TASK = 9;

// Status words of the simulator and of Claude Flow 3.x (registered, running, stopped …). A Map, not an object: a status
// such as "constructor" must not find an inherited property and draw in no colour at all.
export const STATUS_COLOUR = new Map(Object.entries({
  active: C_ACTIVE, busy: C_BUSY, working: C_BUSY, running: C_BUSY, idle: C_IDLE, registered: C_IDLE,
  initializing: C_STARTING, spawning: C_STARTING, starting: C_STARTING, pending: C_STARTING,
  error: C_ERROR, failed: C_ERROR, terminated: C_STALE, stopped: C_STALE, offline: C_STALE, stale: C_STALE,
}));

export const BACKGROUND = '#0d1117';

// Edge kinds by index: 0 = link (between notes), 1 = message_flow (between agents), 2 = structure (an agent's
// membership of a swarm, a task's assignment to an agent).
export const EDGE_COLOURS = [
  { css: 'rgba(139,148,158,0.30)', r: 139, g: 148, b: 158, a: 77 },
  { css: 'rgba(240,180,41,0.45)', r: 240, g: 180, b: 41, a: 115 },
  { css: 'rgba(240,136,62,0.40)', r: 240, g: 136, b: 62, a: 102 },
];

/** The edge-kind index of an /api/graph edge kind. */
export const edgeKindOf = (kind) => (kind === 'message_flow' ? 1 : kind === 'membership' || kind === 'assignment' ? 2 : 0);

/** The palette index of an agent's status; a stale agent is grey whatever it last said. */
export const colourOfStatus = (status, stale) => (stale ? C_STALE : STATUS_COLOUR.get(String(status || '').toLowerCase()) ?? C_UNKNOWN);

export const rgbOf = (hex) => [parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)];

/** An opaque colour as one little-endian RGBA pixel of an ImageData's Uint32 view. */
export const packRgb = ([r, g, b]) => ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0;
