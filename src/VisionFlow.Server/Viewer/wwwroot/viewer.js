// VisionFlow viewer: draws the knowledge graph and the agent graph live from the /ws binary stream.
// No dependencies, no CDN: this file is embedded in the server binary.
(() => {
  'use strict';

  const RECORD = 28;
  const AGENT_FLAG = 0x80000000;
  const STATUS_COLOURS = {
    active: '#3fb950', busy: '#d29922', working: '#d29922', idle: '#58a6ff',
    error: '#f85149', failed: '#f85149', terminated: '#6e7681', stale: '#6e7681',
  };

  const canvas = document.getElementById('graph');
  const ctx = canvas.getContext('2d');
  const tooltip = document.getElementById('tooltip');
  const el = (id) => document.getElementById(id);

  const state = {
    nodes: new Map(),          // id -> Float32Array [x, y, z, vx, vy, vz]
    meta: new Map(),           // id -> { label, kind }
    agents: new Map(),         // node id -> agent record from REST
    edges: [],                 // [sourceId, targetId, weight]
    frames: 0,
    expectComplete: true,
    streamOpen: false,
    degradation: { level: 'unknown', message: '' },
    source: '',
    drawnNodes: 0,
    drawnAgents: 0,
    view: { scale: 1, cx: 0, cy: 0, auto: true },
    hover: null,
  };
  window.visionflow = state;

  // ---- REST -------------------------------------------------------------------------------------------------
  async function api(path, options) {
    const response = await fetch(path, Object.assign({ credentials: 'same-origin' }, options));
    if (response.status === 401) {
      askForKey();
      throw new Error('API key required');
    }
    const type = response.headers.get('content-type') || '';
    const body = type.includes('json') ? await response.json() : await response.text();
    if (!response.ok) {
      const detail = body && (body.detail || body.title) || response.statusText;
      const error = new Error(detail);
      error.status = response.status;
      error.body = body;
      throw error;
    }
    return body;
  }

  function askForKey() {
    const dialog = el('key-dialog');
    if (!dialog.open) dialog.showModal();
  }

  el('key-form').addEventListener('submit', async (event) => {
    const key = new FormData(event.target).get('key');
    try {
      await api('/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key }) });
      el('key-dialog').close();
      connect();
      refreshAll();
    } catch (e) {
      setResult('Key rejected: ' + e.message, true);
    }
  });

  async function refreshGraph() {
    try {
      const graph = await api('/api/graph');
      state.meta.clear();
      for (const n of graph.nodes || []) state.meta.set(n.id >>> 0, n);
      state.edges = (graph.edges || []).map((e) => [e.source >>> 0, e.target >>> 0, e.weight || 1]);
    } catch (e) { /* shown through the banner; keep the last topology */ }
  }

  async function refreshAgents() {
    try {
      const body = await api('/api/bots/agents');
      state.agents.clear();
      for (const a of body.agents || []) state.agents.set(a.node_id >>> 0, a);
      state.source = body.source || '';
      el('stat-agents').textContent = String(state.agents.size);
      el('banner-source').textContent = body.source === 'simulator' ? 'SIMULATED SWARM (built-in simulator)' : (body.source ? 'source: ' + body.source : '');
    } catch (e) {
      state.agents.clear();
      el('stat-agents').textContent = '0';
    }
  }

  async function refreshHealth() {
    try {
      const health = await api('/api/health/network');
      setDegradation(health.degradation_level, (health.details && health.details.degradation && health.details.degradation.message) || '');
    } catch (e) {
      if (!state.streamOpen) setDegradation('disconnected', 'VisionFlow service unreachable: ' + e.message);
    }
  }

  function refreshAll() { refreshGraph(); refreshAgents(); refreshHealth(); }

  function setDegradation(level, message) {
    if (!level) return;
    state.degradation = { level, message: message || '' };
    const banner = el('banner');
    banner.className = 'banner level-' + level;
    el('banner-level').textContent = level.replace(/_/g, ' ');
    el('banner-message').textContent = message || '';
    const commandsOff = level !== 'fully_operational';
    for (const b of document.querySelectorAll('aside button')) b.disabled = commandsOff;
  }

  function setResult(text, isError) {
    const r = el('command-result');
    r.textContent = text;
    r.className = 'result' + (isError ? ' error' : '');
  }

  el('swarm-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const f = new FormData(event.target);
    const body = { topology: f.get('topology'), max_agents: Number(f.get('maxAgents')) };
    if (f.get('task')) body.task = f.get('task');
    try {
      const r = await api('/api/bots/multi-agent/init', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      setResult('Swarm ' + (r.swarm_id || r.id || '') + ' started');
      refreshAgents();
    } catch (e) { setResult(e.message, true); }
  });

  el('spawn-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const f = new FormData(event.target);
    try {
      const r = await api('/api/bots/agents', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: f.get('agentType') }) });
      setResult('Agent ' + (r.agent_id || r.id || '') + ' spawned');
      refreshAgents();
    } catch (e) { setResult(e.message, true); }
  });

  // ---- WebSocket stream -------------------------------------------------------------------------------------
  let socket = null;
  let retry = 250;

  function connect() {
    if (socket && socket.readyState <= 1) return;
    const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';
    socket = new WebSocket(url);
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => { state.streamOpen = true; state.expectComplete = true; retry = 250; el('stat-stream').textContent = 'open'; };
    socket.onclose = () => {
      state.streamOpen = false;
      el('stat-stream').textContent = 'reconnecting';
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 5000);
      refreshHealth();
    };
    socket.onmessage = (event) => {
      if (typeof event.data === 'string') onText(event.data); else onFrame(event.data);
    };
  }

  function onText(text) {
    let msg;
    try { msg = JSON.parse(text); } catch { return; }
    switch (msg.type) {
      case 'topology': state.expectComplete = true; refreshGraph(); refreshAgents(); break;
      case 'degradation': setDegradation(msg.level, msg.message); break;
      default: break;
    }
  }

  function onFrame(buffer) {
    const view = new DataView(buffer);
    const count = Math.floor(buffer.byteLength / RECORD);
    const next = state.expectComplete ? new Map() : state.nodes;
    for (let i = 0; i < count; i++) {
      const o = i * RECORD;
      const id = view.getUint32(o, true);
      let rec = next.get(id) || state.nodes.get(id);
      if (!rec) rec = new Float32Array(6);
      for (let k = 0; k < 6; k++) rec[k] = view.getFloat32(o + 4 + k * 4, true);
      next.set(id, rec);
    }
    state.nodes = next;
    state.expectComplete = false;
    state.frames++;
  }

  // ---- Drawing ----------------------------------------------------------------------------------------------
  function resize() {
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.max(1, Math.floor(canvas.clientWidth * dpr));
    canvas.height = Math.max(1, Math.floor(canvas.clientHeight * dpr));
  }
  window.addEventListener('resize', resize);

  function fitView() {
    if (!state.view.auto || state.nodes.size === 0) return;
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (const p of state.nodes.values()) {
      if (!Number.isFinite(p[0]) || !Number.isFinite(p[1])) continue;
      if (p[0] < minX) minX = p[0]; if (p[0] > maxX) maxX = p[0];
      if (p[1] < minY) minY = p[1]; if (p[1] > maxY) maxY = p[1];
    }
    if (!Number.isFinite(minX)) return;
    const w = Math.max(maxX - minX, 1), h = Math.max(maxY - minY, 1);
    const target = 0.9 * Math.min(canvas.width / w, canvas.height / h);
    const v = state.view;
    v.scale += (target - v.scale) * 0.1;
    v.cx += ((minX + maxX) / 2 - v.cx) * 0.1;
    v.cy += ((minY + maxY) / 2 - v.cy) * 0.1;
  }

  const toScreen = (p) => [(p[0] - state.view.cx) * state.view.scale + canvas.width / 2, (p[1] - state.view.cy) * state.view.scale + canvas.height / 2];

  function colourOf(id) {
    if ((id & AGENT_FLAG) === 0) return '#6e7bff';
    const agent = state.agents.get(id);
    if (!agent) return '#3fb950';
    if (agent.stale) return STATUS_COLOURS.stale;
    return STATUS_COLOURS[(agent.status || '').toLowerCase()] || '#3fb950';
  }

  function draw() {
    fitView();
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    const dpr = window.devicePixelRatio || 1;
    ctx.lineWidth = dpr;
    ctx.strokeStyle = 'rgba(139,148,158,0.35)';
    ctx.beginPath();
    for (const [s, t] of state.edges) {
      const a = state.nodes.get(s), b = state.nodes.get(t);
      if (!a || !b) continue;
      const [ax, ay] = toScreen(a), [bx, by] = toScreen(b);
      ctx.moveTo(ax, ay); ctx.lineTo(bx, by);
    }
    ctx.stroke();

    let drawn = 0, agents = 0;
    for (const [id, p] of state.nodes) {
      if (!Number.isFinite(p[0]) || !Number.isFinite(p[1])) continue;
      const [x, y] = toScreen(p);
      ctx.fillStyle = colourOf(id);
      if ((id & AGENT_FLAG) !== 0) {
        const r = 6 * dpr;
        ctx.beginPath(); ctx.arc(x, y, r, 0, Math.PI * 2); ctx.fill();
        ctx.strokeStyle = '#e6edf3'; ctx.stroke();
        agents++;
      } else {
        const s = 4 * dpr;
        ctx.fillRect(x - s / 2, y - s / 2, s, s);
      }
      drawn++;
    }
    state.drawnNodes = drawn;
    state.drawnAgents = agents;
    el('stat-nodes').textContent = String(drawn);
    el('stat-frames').textContent = String(state.frames);
    requestAnimationFrame(draw);
  }

  // ---- Interaction: pan, zoom, hover details ----------------------------------------------------------------
  let drag = null;
  canvas.addEventListener('mousedown', (e) => { drag = { x: e.clientX, y: e.clientY }; state.view.auto = false; });
  window.addEventListener('mouseup', () => { drag = null; });
  canvas.addEventListener('dblclick', () => { state.view.auto = true; });
  canvas.addEventListener('wheel', (e) => {
    e.preventDefault();
    state.view.auto = false;
    state.view.scale *= e.deltaY < 0 ? 1.1 : 1 / 1.1;
  }, { passive: false });
  canvas.addEventListener('mousemove', (e) => {
    const dpr = window.devicePixelRatio || 1;
    if (drag) {
      state.view.cx -= (e.clientX - drag.x) * dpr / state.view.scale;
      state.view.cy -= (e.clientY - drag.y) * dpr / state.view.scale;
      drag = { x: e.clientX, y: e.clientY };
      return;
    }
    const rect = canvas.getBoundingClientRect();
    const mx = (e.clientX - rect.left) * dpr, my = (e.clientY - rect.top) * dpr;
    let best = null, bestD = (10 * dpr) ** 2;
    for (const [id, p] of state.nodes) {
      const [x, y] = toScreen(p);
      const d = (x - mx) ** 2 + (y - my) ** 2;
      if (d < bestD) { bestD = d; best = id; }
    }
    showTooltip(best, e.clientX - rect.left, e.clientY - rect.top);
  });

  function showTooltip(id, x, y) {
    if (id === null) { tooltip.hidden = true; return; }
    const lines = [];
    const agent = state.agents.get(id);
    const meta = state.meta.get(id);
    if (agent) {
      lines.push(`agent ${agent.id}`, `type ${agent.type}`, `status ${agent.status}${agent.stale ? ' (stale)' : ''}`,
        `cpu ${agent.cpu_usage}%  memory ${agent.memory_usage} MB`, `tasks ${agent.tasks_active}  tokens ${agent.tokens_used}`);
      if (agent.swarm_id) lines.push(`swarm ${agent.swarm_id}`);
    } else if (meta) {
      lines.push(`${meta.kind} ${meta.label || id}`);
    } else {
      lines.push(((id & AGENT_FLAG) !== 0 ? 'agent node ' : 'node ') + (id & 0x7fffffff));
    }
    tooltip.textContent = lines.join('\n');
    tooltip.style.left = (x + 12) + 'px';
    tooltip.style.top = (y + 12) + 'px';
    tooltip.hidden = false;
  }

  resize();
  connect();
  refreshAll();
  setInterval(refreshAgents, 1000);
  setInterval(refreshHealth, 2000);
  requestAnimationFrame(draw);
})();
