// VisionFlow viewer: draws the knowledge graph and the agent graph live from the /ws binary stream, and lets an
// operator inspect, find, filter and command agents, swarms and tasks through the REST API.
// No dependencies, no CDN, no build step: this file is embedded in the server binary as it is.
(() => {
  'use strict';

  const RECORD = 28;
  const AGENT_FLAG = 0x80000000;
  const DASH = '—';
  const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

  // Palette index per node: 0 = knowledge note, then agent statuses. Nodes are drawn in one path per colour.
  const PALETTE = ['#6e7bff', '#3fb950', '#d29922', '#58a6ff', '#bc8cff', '#f85149', '#6e7681', '#39c5cf'];
  const C_NOTE = 0, C_ACTIVE = 1, C_BUSY = 2, C_IDLE = 3, C_STARTING = 4, C_ERROR = 5, C_STALE = 6, C_UNKNOWN = 7;
  const STATUS_COLOUR = {
    active: C_ACTIVE, busy: C_BUSY, working: C_BUSY, running: C_BUSY, idle: C_IDLE,
    initializing: C_STARTING, spawning: C_STARTING, starting: C_STARTING, pending: C_STARTING,
    error: C_ERROR, failed: C_ERROR, terminated: C_STALE, offline: C_STALE, stale: C_STALE,
  };
  const BACKGROUND = '#0d1117';
  const LABELS_AT_MOST = 300;      // labels are drawn when at most this many nodes are on screen (zoomed in)
  const VECTOR_AT_MOST = 2000;     // beyond this many nodes on screen the renderer writes pixels instead of filling paths
  const EDGE_COLOURS = [           // link, message_flow
    { css: 'rgba(139,148,158,0.30)', r: 139, g: 148, b: 158, a: 77 },
    { css: 'rgba(240,180,41,0.45)', r: 240, g: 180, b: 41, a: 115 },
  ];
  const TABLE_ROWS = 300;

  const $ = (id) => document.getElementById(id);
  const canvas = $('graph');
  const ctx = canvas.getContext('2d', { alpha: false });
  const tooltip = $('tooltip');

  // ---- State ------------------------------------------------------------------------------------------------
  // Positions live in slots of typed arrays (struct of arrays): the frame decoder writes them, the renderer reads
  // them, and nothing per node is allocated per frame.
  const nodes = {
    count: 0,
    ids: new Uint32Array(1024),
    x: new Float32Array(1024),
    y: new Float32Array(1024),
    colour: new Uint8Array(1024),
    visible: new Uint8Array(1024),
    slot: new Map(),              // node id -> slot
  };
  const buckets = PALETTE.map(() => ({ slots: new Int32Array(1024), count: 0 }));
  const edges = { list: [], a: new Int32Array(0), b: new Int32Array(0), flow: new Uint8Array(0), count: 0 };

  const state = {
    meta: new Map(),              // node id -> /api/graph node {id, kind, label, status, type, stale}
    agents: new Map(),            // node id -> agent from /api/bots/agents
    agentsById: new Map(),        // agent id -> agent
    agentsBody: null,             // the last /api/bots/agents answer, without its list
    graphInfo: null,              // the last /api/graph answer, without nodes and edges
    status: null,                 // the last /api/bots/status answer
    health: null,                 // the last /api/health/network answer
    frames: 0,
    expectComplete: true,
    streamOpen: false,
    degradation: { level: 'unknown', message: '' },
    source: '',
    simulated: false,
    drawnNodes: 0,
    drawnAgents: 0,
    onScreen: 0,
    labelsDrawn: 0,
    fps: 0,
    drawMs: 0,
    // 'auto' picks by the number of nodes on screen; ?renderer=vector or ?renderer=pixels forces one (to compare them).
    renderer: new URLSearchParams(location.search).get('renderer') || 'auto',
    view: { scale: 1, cx: 0, cy: 0, auto: true, follow: null },
    hover: null,
    pinned: null,
    highlight: null,
    filter: { type: '', status: '', notes: true },
    sort: { key: 'id', dir: 1 },
    styleDirty: true,
    edgesDirty: true,
    swarms: new Map(),            // swarm id -> {id, info, answer, error, origin}
    tasks: new Map(),             // task id -> {id, info, answer, error}
    pendingTerminate: null,
    lastAnswer: null,
  };

  // ---- Formatting: unknown is "—", never 0 ----------------------------------------------------------------
  const known = (v) => v !== null && v !== undefined && !(typeof v === 'number' && !Number.isFinite(v));
  const text = (v) => (known(v) && v !== '' ? String(v) : DASH);
  const num = (v, digits = 0, unit = '') => (known(v) && typeof v === 'number'
    ? v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) + unit : DASH);
  const yesNo = (v) => (v === true ? 'yes' : v === false ? 'no' : DASH);
  const pct = (v) => (known(v) ? Math.round(v * 100) + ' %' : DASH);

  function ago(iso) {
    if (!known(iso)) return DASH;
    const t = Date.parse(iso);
    if (!Number.isFinite(t)) return text(iso);
    const s = Math.max(0, (Date.now() - t) / 1000);
    const rel = s < 1 ? 'just now' : s < 60 ? Math.round(s) + ' s ago' : s < 3600 ? Math.round(s / 60) + ' min ago' : Math.round(s / 3600) + ' h ago';
    return rel + ' (' + new Date(t).toLocaleTimeString() + ')';
  }

  function seconds(ms) {
    if (!known(ms)) return null;
    return ms >= 1000 ? (ms / 1000).toLocaleString('en-US', { maximumFractionDigits: 1 }) + ' s' : Math.round(ms) + ' ms';
  }

  function el(tag, attrs, ...children) {
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

  const isAgentId = (id) => (id & AGENT_FLAG) !== 0;
  const colourOfStatus = (status, stale) => (stale ? C_STALE : STATUS_COLOUR[(status || '').toLowerCase()] ?? C_UNKNOWN);

  // ---- REST ---------------------------------------------------------------------------------------------------
  // HTTP/2 carries no reason phrase: the answers are worded the same over either protocol.
  const REASONS = {
    200: 'OK', 201: 'Created', 204: 'No Content', 400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found',
    409: 'Conflict', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Entity',
    429: 'Too Many Requests', 500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway',
    503: 'Service Unavailable', 504: 'Gateway Timeout',
  };
  const reason = (response) => response.statusText || REASONS[response.status] || '';

  class ApiError extends Error {
    constructor(status, statusText, body) {
      const detail = body && typeof body === 'object' ? (body.detail || body.title) : (typeof body === 'string' ? body.trim() : '');
      super(detail || statusText || ('HTTP ' + status));
      this.status = status;
      this.statusText = statusText;
      this.title = body && typeof body === 'object' ? body.title : null;
      this.body = body;
    }
  }

  async function api(path, options) {
    let response;
    try {
      response = await fetch(path, Object.assign({ credentials: 'same-origin', cache: 'no-store' }, options));
    } catch (e) {
      throw new ApiError(0, 'no answer', 'the VisionFlow service did not answer (' + e.message + ')');
    }
    if (response.status === 401) askForKey();
    const type = response.headers.get('content-type') || '';
    let body = null;
    if (response.status !== 204) body = type.includes('json') ? await response.json().catch(() => null) : await response.text();
    if (!response.ok) throw new ApiError(response.status, reason(response), body);
    return { status: response.status, statusText: reason(response), body };
  }

  const postJson = (path, body) => api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  // Every command's answer, in words: "Terminate agent-7 → 409 Conflict: Agent limit reached — MCP_MAX_AGENTS=50 reached".
  function describeError(e) {
    if (!(e instanceof ApiError)) return e.message;
    if (e.status === 0) return e.message;
    const head = e.status + ' ' + (e.statusText || '');
    const title = e.title && e.title !== e.message ? e.title + ' — ' : '';
    return head.trim() + ': ' + title + e.message;
  }

  // The answer goes to the activity list, and onto the swarm or task it concerns (kept there across re-renders).
  function answer(action, ok, message, entry) {
    const line = action + ' → ' + message;
    state.lastAnswer = { action, ok, message };
    const r = $('command-result');
    r.textContent = line;
    r.className = 'result ' + (ok ? 'ok' : 'error');
    const log = $('activity');
    log.prepend(el('li', { class: ok ? 'ok' : 'error', text: new Date().toLocaleTimeString() + '  ' + line }));
    while (log.children.length > 12) log.lastChild.remove();
    if (entry) entry.answer = { ok, message };
  }

  async function command(action, run, describeOk, entry) {
    try {
      const result = await run();
      answer(action, true, result.status + ' ' + (result.statusText || '') + (describeOk ? ': ' + describeOk(result.body) : ''), entry);
      return result;
    } catch (e) {
      answer(action, false, describeError(e), entry);
      return null;
    }
  }

  function answerLine(entry) {
    const a = entry.answer;
    if (a) return el('div', { class: 'answer ' + (a.ok ? 'ok' : 'error'), text: a.message });
    return entry.error ? el('div', { class: 'answer error', text: 'read: ' + entry.error }) : null;
  }

  function askForKey() {
    const dialog = $('key-dialog');
    if (!dialog.open) dialog.showModal();
  }

  $('key-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const key = new FormData(event.target).get('key');
    try {
      await postJson('/api/session', { key });
      $('key-dialog').close();
      $('key-result').textContent = '';
      connect();
      refreshAll();
    } catch (e) {
      $('key-result').textContent = 'Key rejected: ' + describeError(e);
    }
  });

  // ---- Reads: graph topology, agents, status, health ---------------------------------------------------------
  // The two big reads are paced by their own cost: one that took c ms waits at least 20·c before the next, so the
  // 10,000-agent body (megabytes of JSON) is parsed a few percent of the time at most and drawing keeps its frames.
  function paced(read, minimumMs) {
    let running = false, again = false, last = -Infinity, cost = 0, timer = 0;
    async function now() {
      if (timer) { clearTimeout(timer); timer = 0; }
      if (running) { again = true; return; }
      running = true;
      const began = performance.now();
      try {
        await read();
      } finally {
        cost = performance.now() - began;
        last = performance.now();
        running = false;
        if (again) { again = false; soon(); }
      }
    }
    function soon() {
      if (timer || running) { if (running) again = true; return; }
      timer = setTimeout(() => { timer = 0; now(); }, Math.max(0, last + Math.max(minimumMs, cost * 20) - performance.now()));
    }
    return { now, soon };
  }

  async function readGraph() {
    try {
      const { body } = await api('/api/graph');
      state.meta.clear();
      for (const n of body.nodes || []) state.meta.set(n.id >>> 0, n);
      edges.list = (body.edges || []).map((e) => [e.source >>> 0, e.target >>> 0, e.weight, e.kind]);
      state.graphInfo = {
        version: body.version, knowledge: body.knowledge_graph_enabled, agents: body.agent_graph_available,
        reason: body.agent_graph_unavailable_reason,
      };
      state.styleDirty = true;
      state.edgesDirty = true;
      updateSearchOptions();
      renderDetails();
    } catch (e) {
      /* shown through the banner; keep the last topology */
    }
  }

  async function readAgents() {
    try {
      const { body } = await api('/api/bots/agents');
      state.agents.clear();
      state.agentsById.clear();
      for (const a of body.agents || []) {
        state.agents.set(a.node_id >>> 0, a);
        state.agentsById.set(a.id, a);
      }
      const { agents: _, ...rest } = body;
      state.agentsBody = rest;
      state.source = body.source || '';
      state.simulated = body.simulated === true || body.source === 'simulator';
    } catch (e) {
      state.agents.clear();
      state.agentsById.clear();
      state.agentsBody = null;
    }
    state.styleDirty = true;
    $('stat-agents').textContent = state.agents.size.toLocaleString('en-US');
    updateFilters();
    if (!$('tab-agents').hidden) renderAgentsTable();
    renderSwarms();
    renderDetails();
    renderSource();
  }

  const graphReads = paced(readGraph, 1000);
  const agentReads = paced(readAgents, 2000);
  const refreshGraph = graphReads.now;
  const refreshAgents = agentReads.now;

  async function refreshStatus() {
    const [status, health] = await Promise.allSettled([api('/api/bots/status'), api('/api/health/network')]);
    state.status = status.status === 'fulfilled' ? status.value.body : null;
    state.health = health.status === 'fulfilled' ? health.value.body : null;
    if (!state.status && !state.health) {
      const why = status.reason instanceof ApiError ? describeError(status.reason) : 'no answer';
      setBanner('disconnected', 'VisionFlow service at ' + location.host + ' is not answering (' + why + ') · retrying every 2 s · is visionflow still running?');
    } else {
      if (state.status && state.status.simulated === true) state.simulated = true;
      renderBanner();
    }
    renderHealth();
    renderSource();
  }

  function refreshAll() { refreshGraph(); refreshAgents(); refreshStatus(); }

  // ---- Banner: level, cause, remedy ----------------------------------------------------------------------------
  // The MCP link's state as words a stranger can act on. Reads the link fields of /api/bots/status when the server
  // sends them (mcp_state, mcp_address, last_failure, retry_interval_ms, next_attempt_at), else mcp_detail.
  const REMEDY_ADDRESS = 'set CLAUDE_FLOW_HOST / MCP_TCP_PORT, or start the built-in simulator with visionflow --simulator';
  const FAILURE_WORDS = {
    refused: (a) => 'MCP server ' + a + ' refused the connection',
    timeout: (a) => 'MCP server ' + a + ' did not answer in time',
    reset: (a) => 'MCP server ' + a + ' reset the connection',
    closed: (a) => 'MCP server ' + a + ' closed the connection',
    dns: (a) => 'MCP server host ' + a.replace(/:\d+$/, '') + ' could not be resolved',
    auth: (a) => 'MCP server ' + a + ' rejected our key',
    protocol: (a) => 'MCP server ' + a + ' answered with something that is not MCP',
    other: (a) => 'MCP server ' + a + ' is unreachable',
  };
  const REMEDIES = {
    refused: REMEDY_ADDRESS, timeout: REMEDY_ADDRESS, reset: REMEDY_ADDRESS, closed: REMEDY_ADDRESS, dns: REMEDY_ADDRESS,
    other: REMEDY_ADDRESS,
    auth: 'set MCP_API_KEY (--mcp-api-key) to the bridge\'s token',
    protocol: 'check that CLAUDE_FLOW_HOST / MCP_TCP_PORT point at a Claude Flow MCP bridge (visionflow mcp tools shows what answers there)',
  };

  function classify(message) {
    const m = (message || '').toLowerCase();
    if (m.includes('refused')) return 'refused';
    if (m.includes('timed out') || m.includes('timeout')) return 'timeout';
    if (m.includes('reset')) return 'reset';
    if (m.includes('resolve') || m.includes('name or service') || m.includes('no such host') || m.includes('dns')) return 'dns';
    if (m.includes('authentic') || m.includes('token')) return 'auth';
    if (m.includes('closed') || m.includes('eof')) return 'closed';
    if (m.includes('protocol') || m.includes('not json') || m.includes('json-rpc')) return 'protocol';
    return 'other';
  }

  // "claude-flow-mcp:9500 unreachable: Connection to claude-flow-mcp:9500 refused" -> address, message
  function parseDetail(detail) {
    const d = detail || '';
    const m = /([A-Za-z0-9_.\-\[\]:]+:\d+)/.exec(d);
    const colon = d.indexOf(': ');
    return { address: m ? m[1] : null, message: colon >= 0 ? d.slice(colon + 2) : d };
  }

  function retryWords(s) {
    const every = seconds(s.retry_interval_ms);
    if (every) return 'retrying every ' + every;
    if (known(s.next_attempt_at)) {
      const wait = (Date.parse(s.next_attempt_at) - Date.now()) / 1000;
      if (Number.isFinite(wait)) return wait > 0.5 ? 'next attempt in ' + Math.round(wait) + ' s' : 'retrying now';
    }
    return 'retrying';
  }

  function linkWords(s) {
    const link = s.mcp_state || 'unknown';
    const parsed = parseDetail(s.mcp_detail);
    const address = s.mcp_address || parsed.address || 'the MCP server';
    switch (link) {
      case 'disabled':
        return 'MCP is off (ENABLE_MCP=false) · showing the knowledge graph only · set ENABLE_MCP=true and CLAUDE_FLOW_HOST / MCP_TCP_PORT, or run visionflow --simulator';
      case 'connected':
        return 'Connected to ' + (s.server || 'the MCP server') + ' at ' + address + ' · telemetry ' + text(s.telemetry_mode);
      case 'connecting':
        if (!s.last_failure) return 'Connecting to MCP server ' + address + '…';
        // fall through: a first attempt already failed
      default: {
        const failure = s.last_failure || (link === 'unavailable' || link === 'reconnecting' ? { kind: classify(parsed.message), message: parsed.message } : null);
        if (!failure) return text(s.mcp_detail);
        const kind = FAILURE_WORDS[failure.kind] ? failure.kind : 'other';
        const cause = FAILURE_WORDS[kind](address) + (kind === 'other' && failure.message ? ': ' + failure.message : '');
        return cause + ' · ' + retryWords(s) + ' · ' + REMEDIES[kind];
      }
    }
  }

  function renderBanner() {
    const s = state.status;
    const h = state.health;
    const level = (s && s.degradation_level) || (h && h.degradation_level) || state.degradation.level;
    const degradationMessage = (s && s.degradation_message) || (h && h.details && h.details.degradation && h.details.degradation.message) || state.degradation.message;
    let message = s ? linkWords(s) : degradationMessage;
    if (s && s.mcp_state !== 'connected' && s.mcp_state !== 'disabled' && degradationMessage && level !== 'fully_operational') {
      message = degradationMessage + ': ' + message;
    }
    const shown = s && s.mcp_state === 'disabled' ? 'disabled' : level;
    setBanner(shown, message);
  }

  function setBanner(level, message) {
    if (!level) return;
    state.degradation = { level, message: message || '' };
    $('banner').className = 'banner level-' + level;
    $('banner-level').textContent = level === 'disabled' ? 'MCP off' : level.replace(/_/g, ' ');
    $('banner-message').textContent = message || '';
    $('agents-note').textContent = agentsNote();
  }

  function renderSource() {
    const e = $('banner-source');
    if (state.simulated) {
      e.textContent = 'SIMULATED SWARM (built-in simulator)';
      e.className = 'simulated';
    } else {
      e.textContent = state.source && state.source !== 'none' ? 'source: ' + state.source : '';
      e.className = '';
    }
  }

  function agentsNote() {
    const body = state.agentsBody;
    if (body && body.available === false) return 'No agents: ' + text(body.unavailable_reason) + '. Commands are refused (503) until the MCP server is back.';
    if (body && known(body.rejected_over_limit) && body.rejected_over_limit > 0) {
      return body.rejected_over_limit.toLocaleString('en-US') + ' agents beyond MCP_MAX_AGENTS=' + body.max_agents + ' are not tracked.';
    }
    return '';
  }

  // ---- Health panel ----------------------------------------------------------------------------------------
  function renderHealth() {
    const s = state.status || {};
    const h = state.health || {};
    const c = h.mcp_connection || {};
    const pool = c.connection_pool;
    const stats = h.network_stats || {};
    const set = (id, v) => { $(id).textContent = v; };
    const details = h.details && h.details.degradation;
    set('health-level', text(h.degradation_level || s.degradation_level) + (details && details.message ? ' · ' + details.message : ''));
    set('health-mcp', text(s.mcp_state) + (s.mcp_address ? ' · ' + s.mcp_address : '') + (s.mcp_detail ? ' · ' + s.mcp_detail : ''));
    set('health-server', s.server ? s.server + (s.dialect ? ' · ' + s.dialect + ' dialect' : '') + (s.simulated ? ' · SIMULATED' : '') : DASH);
    set('health-breaker', text(c.circuit_breaker_state));
    set('health-pool', pool ? num(pool.active_connections) + ' active · ' + num(pool.idle_connections) + ' idle · ' + num(pool.total_connections) + ' of ' + num(pool.max_connections) : DASH);
    // An average over no requests is not a round trip of 0 ms.
    const rtt = c.average_response_time_ms;
    set('health-rtt', known(rtt) && !(rtt === 0 && !stats.successful_requests) ? num(rtt, 2, ' ms') : DASH);
    set('health-telemetry', text(s.telemetry_mode) + (known(s.telemetry_lines_accepted) ? ' · ' + num(s.telemetry_lines_accepted) + ' lines' : '')
      + (s.telemetry_lines_refused ? ' · ' + num(s.telemetry_lines_refused) + ' refused' : ''));
    set('health-score', known(c.health_score) && (c.health_score !== 0 || stats.total_requests) ? num(c.health_score, 2) : DASH);
    set('health-last-success', ago(c.last_successful_request));
    set('health-requests', known(stats.total_requests)
      ? num(stats.total_requests) + ' · ' + num(stats.failed_requests) + ' failed · ' + num(stats.retry_count) + ' retries · ' + num(stats.circuit_breaker_trips) + ' breaker trips'
      : DASH);
    const f = s.last_failure;
    set('health-last-failure', f ? text(f.kind) + ': ' + text(f.message) + (f.at ? ' · ' + ago(f.at) : '') : DASH);
    set('health-agents', known(s.agent_count) ? num(s.agent_count) + ' of ' + num(s.max_agents) + (s.agent_graph_available === false ? ' · agent graph off' : '') : DASH);
    set('stat-stream', state.streamOpen ? 'open' : 'reconnecting');
    $('health-updated').textContent = 'updated ' + new Date().toLocaleTimeString() + ' (every 2 s and on every notice from /ws)';
  }

  // ---- WebSocket stream ----------------------------------------------------------------------------------------
  let socket = null;
  let retry = 250;

  function connect() {
    if (socket && socket.readyState <= 1) return;
    const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';
    socket = new WebSocket(url);
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => { state.streamOpen = true; state.expectComplete = true; retry = 250; $('stat-stream').textContent = 'open'; };
    socket.onclose = () => {
      state.streamOpen = false;
      $('stat-stream').textContent = 'reconnecting';
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 5000);
      refreshStatus();
    };
    socket.onmessage = (event) => {
      if (typeof event.data === 'string') onText(event.data); else onFrame(event.data);
    };
  }

  function onText(message) {
    let msg;
    try { msg = JSON.parse(message); } catch { return; }
    switch (msg.type) {
      case 'topology':
        // The next binary frame is complete; the node list is re-read at most once a second.
        state.expectComplete = true;
        // Nodes came or went: agents too, so both lists are read again, each at its own pace.
        graphReads.soon();
        if (msg.nodes !== nodes.count) agentReads.soon();
        break;
      case 'degradation':
        state.degradation = { level: msg.level, message: msg.message };
        if (!state.status) setBanner(msg.level, msg.message);
        refreshStatus();
        break;
      case 'hello':
      case 'rate':
        break;
      default:
        // Any other notice (link state, errors) may change what the banner should say.
        refreshStatus();
        break;
    }
  }

  function ensureCapacity(n) {
    if (n <= nodes.ids.length) return;
    let cap = nodes.ids.length;
    while (cap < n) cap *= 2;
    const grow = (a, T) => { const b = new T(cap); b.set(a); return b; };
    nodes.ids = grow(nodes.ids, Uint32Array);
    nodes.x = grow(nodes.x, Float32Array);
    nodes.y = grow(nodes.y, Float32Array);
    nodes.colour = grow(nodes.colour, Uint8Array);
    nodes.visible = grow(nodes.visible, Uint8Array);
    for (const b of buckets) b.slots = grow(b.slots, Int32Array);
  }

  function onFrame(buffer) {
    const count = Math.floor(buffer.byteLength / RECORD);
    if (state.expectComplete) {
      nodes.slot.clear();
      nodes.count = 0;
      state.styleDirty = true;
      state.edgesDirty = true;
    }
    ensureCapacity(nodes.count + count);
    if (LITTLE_ENDIAN) {
      const u32 = new Uint32Array(buffer, 0, count * 7);
      const f32 = new Float32Array(buffer, 0, count * 7);
      for (let i = 0, o = 0; i < count; i++, o += 7) place(u32[o], f32[o + 1], f32[o + 2]);
    } else {
      const view = new DataView(buffer);
      for (let i = 0, o = 0; i < count; i++, o += RECORD) place(view.getUint32(o, true), view.getFloat32(o + 4, true), view.getFloat32(o + 8, true));
    }
    state.expectComplete = false;
    state.frames++;
  }

  function place(id, x, y) {
    let s = nodes.slot.get(id);
    if (s === undefined) {
      s = nodes.count++;
      nodes.slot.set(id, s);
      nodes.ids[s] = id;
      state.styleDirty = true;
      state.edgesDirty = true;
    }
    nodes.x[s] = x;
    nodes.y[s] = y;
  }

  // ---- Styling: colour and visibility per slot, grouped into one bucket per colour ------------------------------
  function restyle() {
    for (const b of buckets) b.count = 0;
    const f = state.filter;
    let agents = 0;
    for (let s = 0; s < nodes.count; s++) {
      const id = nodes.ids[s];
      let colour, visible;
      if (isAgentId(id)) {
        const a = state.agents.get(id);
        const m = state.meta.get(id);
        const status = a ? a.status : m && m.status;
        const type = a ? a.type : m && m.type;
        colour = colourOfStatus(status, a ? a.stale : m && m.stale);
        visible = (!f.type || type === f.type) && (!f.status || status === f.status);
        agents++;
      } else {
        colour = C_NOTE;
        visible = f.notes;
      }
      nodes.colour[s] = colour;
      nodes.visible[s] = visible ? 1 : 0;
      if (visible) { const b = buckets[colour]; b.slots[b.count++] = s; }
    }
    state.drawnAgents = agents;
    state.styleDirty = false;
  }

  function relinkEdges() {
    const list = edges.list;
    if (edges.a.length < list.length) {
      edges.a = new Int32Array(list.length);
      edges.b = new Int32Array(list.length);
      edges.flow = new Uint8Array(list.length);
    }
    let n = 0;
    for (const [source, target, , kind] of list) {
      const a = nodes.slot.get(source), b = nodes.slot.get(target);
      if (a === undefined || b === undefined) continue;
      edges.a[n] = a; edges.b[n] = b; edges.flow[n] = kind === 'message_flow' ? 1 : 0; n++;
    }
    edges.count = n;
    state.edgesDirty = false;
  }

  // ---- Drawing ------------------------------------------------------------------------------------------------
  let dpr = window.devicePixelRatio || 1;
  function resize() {
    dpr = window.devicePixelRatio || 1;
    canvas.width = Math.max(1, Math.floor(canvas.clientWidth * dpr));
    canvas.height = Math.max(1, Math.floor(canvas.clientHeight * dpr));
  }
  // The canvas follows its box, not the window: the side panel or the window can change its size at any time.
  new ResizeObserver(resize).observe(canvas);

  function bounds(visibleOnly) {
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (let s = 0; s < nodes.count; s++) {
      if (visibleOnly && !nodes.visible[s]) continue;
      const x = nodes.x[s], y = nodes.y[s];
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      if (x < minX) minX = x; if (x > maxX) maxX = x;
      if (y < minY) minY = y; if (y > maxY) maxY = y;
    }
    return Number.isFinite(minX) ? { minX, minY, maxX, maxY } : null;
  }

  function fitTarget() {
    const b = bounds(true) || bounds(false);
    if (!b) return null;
    const w = Math.max(b.maxX - b.minX, 1), h = Math.max(b.maxY - b.minY, 1);
    // Room for the toolbar at the top, the legend at the bottom and the pinned details on the left.
    const left = detailsRoom * dpr;
    const scale = Math.max(Math.min((canvas.width - left) / w, (canvas.height - 90 * dpr) / h) * 0.9, 1e-4);
    return { scale, cx: (b.minX + b.maxX) / 2 - left / 2 / scale, cy: (b.minY + b.maxY) / 2 - 10 * dpr / scale };
  }

  function followFit() {
    const v0 = state.view;
    if (v0.follow !== null) {
      // A found or centred node stays centred while the layout moves it, until the user pans, zooms or fits.
      const s = nodes.slot.get(v0.follow);
      if (s !== undefined) { v0.cx = nodes.x[s]; v0.cy = nodes.y[s]; }
      return;
    }
    if (!state.view.auto) return;
    const t = fitTarget();
    if (!t) return;
    const v = state.view;
    v.scale += (t.scale - v.scale) * 0.15;
    v.cx += (t.cx - v.cx) * 0.15;
    v.cy += (t.cy - v.cy) * 0.15;
  }

  function fitNow() {
    state.view.auto = true;
    state.view.follow = null;
    const t = fitTarget();
    if (t) Object.assign(state.view, t);
  }

  const sx = (x) => (x - state.view.cx) * state.view.scale + canvas.width / 2;
  const sy = (y) => (y - state.view.cy) * state.view.scale + canvas.height / 2;
  const wx = (px) => (px - canvas.width / 2) / state.view.scale + state.view.cx;
  const wy = (py) => (py - canvas.height / 2) / state.view.scale + state.view.cy;

  let fpsFrames = 0, fpsSince = performance.now(), drawSum = 0;
  function draw(now) {
    const began = performance.now();
    if (state.styleDirty) restyle();
    if (state.edgesDirty) relinkEdges();
    followFit();
    const W = canvas.width, H = canvas.height;
    ctx.fillStyle = BACKGROUND;
    ctx.fillRect(0, 0, W, H);
    const { scale, cx, cy } = state.view;
    const ox = W / 2 - cx * scale, oy = H / 2 - cy * scale;
    const X = nodes.x, Y = nodes.y, V = nodes.visible;

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
    // Nodes keep their size on screen whatever the zoom, shrinking only as more of them crowd into view.
    const ra = Math.min(6, Math.max(1.5, 6 * Math.sqrt(300 / Math.max(onScreen, 1)))) * dpr, rk = ra * 0.75;
    const pixelMode = state.renderer === 'pixels' || (state.renderer === 'auto' && onScreen > VECTOR_AT_MOST);
    if (LITTLE_ENDIAN && pixelMode) drawPixels(W, H, scale, ox, oy, ra, rk);
    else drawVectors(W, H, scale, ox, oy, ra, rk, margin);

    // Labels when zoomed in far enough that they do not pile up; the hovered and pinned nodes always.
    let labels = 0;
    if (onScreen <= LABELS_AT_MOST) {
      ctx.font = (11 * dpr) + 'px system-ui, sans-serif';
      ctx.fillStyle = '#c9d1d9';
      ctx.textBaseline = 'middle';
      for (let s = 0; s < nodes.count; s++) {
        if (!V[s]) continue;
        const px = X[s] * scale + ox, py = Y[s] * scale + oy;
        if (px < -margin || px > W + margin || py < -margin || py > H + margin) continue;
        ctx.fillText(labelOf(nodes.ids[s]), px + ra + 3 * dpr, py);
        labels++;
      }
    }
    if (state.highlight) ring(state.highlight.id, '#f0f6fc', scale, ox, oy, ra, onScreen > LABELS_AT_MOST);
    ring(state.pinned, '#f78166', scale, ox, oy, ra, onScreen > LABELS_AT_MOST);
    ring(state.hover, '#e6edf3', scale, ox, oy, ra, onScreen > LABELS_AT_MOST);
    if (state.highlight && now - state.highlight.at > 4000) state.highlight = null;

    if (state.simulated) {
      ctx.font = 'bold ' + (12 * dpr) + 'px system-ui, sans-serif';
      ctx.fillStyle = 'rgba(240,180,41,0.8)';
      ctx.textBaseline = 'top';
      ctx.textAlign = 'right';
      ctx.fillText('SIMULATED DATA', W - 12 * dpr, 52 * dpr);
      ctx.textAlign = 'left';
    }
    if (nodes.count === 0) {
      ctx.font = (14 * dpr) + 'px system-ui, sans-serif';
      ctx.fillStyle = '#8b949e';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText(emptyReason(), W / 2, H / 2);
      ctx.textAlign = 'left';
    }

    // Nodes move under a still pointer: re-test what it is over a few times a second.
    if (pointer && !drag && (fpsFrames & 7) === 0) hoverAt(pointer);

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
      $('stat-nodes').textContent = drawn.toLocaleString('en-US');
      $('stat-frames').textContent = state.frames.toLocaleString('en-US');
      $('stat-fps').textContent = state.fps.toFixed(0) + ' frames/s · ' + state.drawMs.toFixed(1) + ' ms to draw · ' + onScreen.toLocaleString('en-US') + ' nodes on screen';
    }
    requestAnimationFrame(draw);
  }

  // A ring around a marked node (found, pinned, hovered), with its label when labels are otherwise off.
  function ring(id, colour, scale, ox, oy, ra, label) {
    if (id === null || id === undefined) return;
    const s = nodes.slot.get(id);
    if (s === undefined) return;
    const px = nodes.x[s] * scale + ox, py = nodes.y[s] * scale + oy;
    ctx.strokeStyle = colour;
    ctx.lineWidth = 2 * dpr;
    ctx.beginPath();
    ctx.arc(px, py, ra + 4 * dpr, 0, 6.283185307179586);
    ctx.stroke();
    if (label) {
      ctx.font = (12 * dpr) + 'px system-ui, sans-serif';
      ctx.fillStyle = '#f0f6fc';
      ctx.textBaseline = 'middle';
      ctx.fillText(labelOf(id), px + ra + 6 * dpr, py);
    }
  }

  // Vector drawing: antialiased circles and lines, one path per colour and per edge kind. Fine for a few thousand
  // nodes; beyond that a software-rasterised canvas (headless Chromium, machines without a GPU) spends its frame
  // filling paths, so drawPixels takes over.
  function drawVectors(W, H, scale, ox, oy, ra, rk, margin) {
    const X = nodes.x, Y = nodes.y, V = nodes.visible;
    ctx.lineWidth = dpr;
    for (let kind = 0; kind < 2; kind++) {
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
        else { ctx.moveTo(px + ra, py); ctx.arc(px, py, ra, 0, 6.283185307179586); }
      }
      ctx.fill();
    }
  }

  // Pixel drawing for large graphs: edges as blended one-pixel lines and nodes as small stamped discs, written
  // straight into one reused ImageData and put on the canvas once. No path is built or filled, so the cost is a
  // few pixel writes per node whatever the rasteriser.
  let image = null, pixels = null;
  const stamps = new Map();
  const rgbOf = (hex) => [parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)];
  const packRgb = ([r, g, b]) => ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0;
  const PACKED = PALETTE.map((c) => packRgb(rgbOf(c)));
  const PACKED_BACKGROUND = packRgb(rgbOf(BACKGROUND));

  function stamp(r) {
    const key = Math.round(r * 2);
    let offsets = stamps.get(key);
    if (!offsets) {
      const R = Math.ceil(r - 0.5), r2 = r * r;
      offsets = [];
      for (let dy = -R; dy <= R; dy++) for (let dx = -R; dx <= R; dx++) if (dx * dx + dy * dy <= r2) offsets.push(dx, dy);
      offsets = Int32Array.from(offsets);
      stamps.set(key, offsets);
    }
    return offsets;
  }

  function drawPixels(W, H, scale, ox, oy, ra, rk) {
    if (!image || image.width !== W || image.height !== H) {
      image = ctx.createImageData(W, H);
      pixels = new Uint32Array(image.data.buffer);
    }
    const P = pixels, X = nodes.x, Y = nodes.y, V = nodes.visible;
    P.fill(PACKED_BACKGROUND);
    for (let e = 0; e < edges.count; e++) {
      const a = edges.a[e], b = edges.b[e];
      if (!V[a] || !V[b]) continue;
      const colour = EDGE_COLOURS[edges.flow[e]];
      line(P, W, H, X[a] * scale + ox, Y[a] * scale + oy, X[b] * scale + ox, Y[b] * scale + oy, colour.r, colour.g, colour.b, colour.a);
    }
    for (let c = 0; c < buckets.length; c++) {
      const bucket = buckets[c];
      if (bucket.count === 0) continue;
      const colour = PACKED[c];
      const offsets = stamp(c === C_NOTE ? rk : ra);
      const R = Math.ceil(c === C_NOTE ? rk : ra);
      for (let i = 0; i < bucket.count; i++) {
        const s = bucket.slots[i];
        const x = Math.round(X[s] * scale + ox), y = Math.round(Y[s] * scale + oy);
        if (x < -R || x >= W + R || y < -R || y >= H + R) continue;
        if (x >= R && x < W - R && y >= R && y < H - R) {
          const centre = y * W + x;
          for (let k = 0; k < offsets.length; k += 2) P[centre + offsets[k + 1] * W + offsets[k]] = colour;
        } else {
          for (let k = 0; k < offsets.length; k += 2) {
            const px = x + offsets[k], py = y + offsets[k + 1];
            if (px >= 0 && px < W && py >= 0 && py < H) P[py * W + px] = colour;
          }
        }
      }
    }
    ctx.putImageData(image, 0, 0);
  }

  // A one-pixel line blended over what is there (alpha out of 256), clipped to the image first (Liang-Barsky) so a
  // long edge of a zoomed-in view costs only its visible pixels. A DDA walk: one step per pixel of the longer axis,
  // no branches in the loop (about three times faster than Bresenham's here).
  let clipFrom = 0, clipTo = 1;
  function clip(p, q) {
    if (p === 0) return q >= 0;
    const t = q / p;
    if (p < 0) { if (t > clipTo) return false; if (t > clipFrom) clipFrom = t; } else { if (t < clipFrom) return false; if (t < clipTo) clipTo = t; }
    return true;
  }

  function line(P, W, H, x0, y0, x1, y1, r, g, b, alpha) {
    if (!(Number.isFinite(x0) && Number.isFinite(y0) && Number.isFinite(x1) && Number.isFinite(y1))) return;
    clipFrom = 0;
    clipTo = 1;
    const dx = x1 - x0, dy = y1 - y0;
    if (!clip(-dx, x0) || !clip(dx, W - 1 - x0) || !clip(-dy, y0) || !clip(dy, H - 1 - y0)) return;
    const xa = x0 + clipFrom * dx, ya = y0 + clipFrom * dy;
    const lx = (clipTo - clipFrom) * dx, ly = (clipTo - clipFrom) * dy;
    const n = Math.max(Math.abs(lx), Math.abs(ly)) | 0;
    const sx = n ? lx / n : 0, sy = n ? ly / n : 0;
    let x = xa + 0.5, y = ya + 0.5;
    for (let k = 0; k <= n; k++) {
      const i = (y | 0) * W + (x | 0);
      const p = P[i];
      const pr = p & 255, pg = (p >>> 8) & 255, pb = (p >>> 16) & 255;
      P[i] = (0xff000000 | ((pb + (((b - pb) * alpha) >> 8)) << 16) | ((pg + (((g - pg) * alpha) >> 8)) << 8) | (pr + (((r - pr) * alpha) >> 8))) >>> 0;
      x += sx;
      y += sy;
    }
  }

  function emptyReason() {
    if (!state.streamOpen) return 'Waiting for the position stream (/ws)…';
    const info = state.graphInfo;
    if (info && info.knowledge === false) return 'Nothing to draw: the knowledge graph is off at this degradation level';
    return 'Waiting for the first layout…';
  }

  function labelOf(id) {
    const a = state.agents.get(id);
    if (a) return (a.type || 'agent') + ' · ' + a.id;
    const m = state.meta.get(id);
    if (m && m.label) return m.label;
    return (isAgentId(id) ? 'agent node ' : 'note ') + (id & 0x7fffffff);
  }

  // ---- Interaction: pan, zoom, hover, click ---------------------------------------------------------------------
  let drag = null;
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
    const rect = canvas.getBoundingClientRect();
    const px = (e.clientX - rect.left) * dpr, py = (e.clientY - rect.top) * dpr;
    const before = [wx(px), wy(py)];
    const factor = Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.0015));
    state.view.auto = false;
    state.view.follow = null;
    state.view.scale = Math.min(Math.max(state.view.scale * factor, 1e-4), 1e4);
    // Zoom about the cursor: the world point under it stays under it.
    state.view.cx += before[0] - wx(px);
    state.view.cy += before[1] - wy(py);
  }, { passive: false });
  let pointer = null;  // the last pointer position over the canvas, to re-test the hover while the layout moves
  canvas.addEventListener('mousemove', (e) => {
    pointer = { clientX: e.clientX, clientY: e.clientY };
    if (drag) {
      if (Math.abs(e.clientX - drag.startX) + Math.abs(e.clientY - drag.startY) > 3) drag.moved = true;
      if (drag.moved) {
        state.view.auto = false;
        state.view.follow = null;
        state.view.cx -= (e.clientX - drag.x) * dpr / state.view.scale;
        state.view.cy -= (e.clientY - drag.y) * dpr / state.view.scale;
      }
      drag.x = e.clientX;
      drag.y = e.clientY;
      tooltip.hidden = true;
      return;
    }
    hoverAt(pointer);
  });
  canvas.addEventListener('mouseleave', () => { pointer = null; state.hover = null; tooltip.hidden = true; });

  function hoverAt(p) {
    const id = nodeAt(p);
    state.hover = id;
    const rect = canvas.getBoundingClientRect();
    showTooltip(id, p.clientX - rect.left, p.clientY - rect.top);
  }

  function nodeAt(e) {
    const rect = canvas.getBoundingClientRect();
    const mx = (e.clientX - rect.left) * dpr, my = (e.clientY - rect.top) * dpr;
    let best = null, bestD = (10 * dpr) ** 2;
    for (let s = 0; s < nodes.count; s++) {
      if (!nodes.visible[s]) continue;
      const dx = sx(nodes.x[s]) - mx, dy = sy(nodes.y[s]) - my;
      const d = dx * dx + dy * dy;
      if (d < bestD) { bestD = d; best = nodes.ids[s]; }
    }
    return best;
  }

  function showTooltip(id, x, y) {
    if (id === null) { tooltip.hidden = true; return; }
    const lines = [];
    const a = state.agents.get(id);
    const m = state.meta.get(id);
    if (a) {
      lines.push(text(a.type) + ' · ' + a.id, 'status ' + text(a.status) + (a.stale ? ' (stale)' : ''),
        'cpu ' + num(a.cpu_usage, 1, ' %') + ' · memory ' + num(a.memory_usage, 1, ' MB'),
        'tasks ' + num(a.tasks_active) + ' · tokens ' + num(a.tokens_used), 'click to pin the details');
    } else if (m && m.kind === 'knowledge') {
      const { links, backlinks } = noteLinks(id);
      lines.push('note · ' + text(m.label), links.length + ' links · ' + backlinks.length + ' backlinks', 'click to pin the details');
    } else {
      lines.push(labelOf(id));
    }
    tooltip.textContent = lines.join('\n');
    tooltip.style.left = (x + 14) + 'px';
    tooltip.style.top = (y + 14) + 'px';
    tooltip.hidden = false;
  }

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

  // ---- Details: the pinned node ----------------------------------------------------------------------------------
  function pin(id) {
    state.pinned = id;
    renderDetails();
    renderAgentsTable();
  }

  function unpin() {
    state.pinned = null;
    renderDetails();
    renderAgentsTable();
  }
  $('details-close').addEventListener('click', unpin);

  function noteLinks(id) {
    const links = [], backlinks = [];
    for (const [source, target, , kind] of edges.list) {
      if (kind !== 'link') continue;
      if (source === id) links.push(target);
      else if (target === id) backlinks.push(source);
    }
    return { links, backlinks };
  }

  function flowsOf(id) {
    const out = [], into = [];
    for (const [source, target, weight, kind] of edges.list) {
      if (kind !== 'message_flow') continue;
      if (source === id) out.push([target, weight]);
      else if (target === id) into.push([source, weight]);
    }
    return { out, into };
  }

  function nodeLink(id, suffix) {
    return el('li', {}, el('a', { text: labelOf(id), onclick: () => { centreOn(id); pin(id); } }), suffix ? ' ' + suffix : '');
  }

  let lastAgent = null;
  let detailsRoom = 0;  // CSS pixels the pinned panel takes from the left of the canvas (read here, not every frame)
  function renderDetails() {
    const box = $('details');
    const id = state.pinned;
    if (id === null) { box.hidden = true; lastAgent = null; detailsRoom = 0; return; }
    if (box.hidden) {
      box.hidden = false;
      detailsRoom = box.offsetLeft + box.offsetWidth;
    }
    const fields = $('details-fields');
    const actions = $('details-actions');
    const listA = $('details-list-a'), listB = $('details-list-b');
    fields.replaceChildren();
    actions.replaceChildren();
    listA.replaceChildren();
    listB.replaceChildren();
    const row = (name, value, field) => fields.append(el('dt', { text: name }), el('dd', { 'data-field': field, text: value }));
    const m = state.meta.get(id);
    if (isAgentId(id)) {
      let a = state.agents.get(id);
      const gone = !a;
      if (gone && lastAgent && lastAgent.node_id >>> 0 === id) a = lastAgent;
      if (a) lastAgent = a;
      $('details-title').textContent = 'Agent ' + (a ? a.id : m ? m.label : '#' + (id & 0x7fffffff));
      row('id', text(a ? a.id : m && m.label), 'id');
      row('type', text(a ? a.type : m && m.type), 'type');
      row('status', text(a ? a.status : m && m.status), 'status');
      row('swarm', text(a && a.swarm_id), 'swarm');
      row('CPU', num(a && a.cpu_usage, 1, ' %'), 'cpu');
      row('memory', num(a && a.memory_usage, 1, ' MB'), 'memory');
      row('tokens', num(a && a.tokens_used), 'tokens');
      row('active tasks', num(a && a.tasks_active), 'tasks');
      row('last seen', ago(a && a.last_seen), 'last_seen');
      row('stale', yesNo(a ? a.stale : m && m.stale), 'stale');
      if (gone) fields.append(el('dd', { class: 'note', text: 'No longer reported by the MCP server; the values are the last ones seen.' }));
      if (a && !gone) {
        actions.append(terminateButton(a.id));
        actions.append(el('button', { type: 'button', text: 'Centre', onclick: () => centreOn(id) }));
      }
      const { out, into } = flowsOf(id);
      $('details-list-a-title').textContent = 'Message flows out (' + out.length + ')';
      $('details-list-b-title').textContent = 'Message flows in (' + into.length + ')';
      for (const [t, w] of out) listA.append(nodeLink(t, known(w) ? '· weight ' + num(w, 2) : ''));
      for (const [s, w] of into) listB.append(nodeLink(s, known(w) ? '· weight ' + num(w, 2) : ''));
      if (out.length + into.length === 0) $('details-list-a-title').textContent = 'Message flows: none seen';
    } else {
      $('details-title').textContent = 'Note ' + text(m && m.label);
      row('title', text(m && m.label), 'title');
      row('node', String(id), 'node');
      const { links, backlinks } = noteLinks(id);
      row('links', String(links.length), 'links');
      row('backlinks', String(backlinks.length), 'backlinks');
      actions.append(el('button', { type: 'button', text: 'Centre', onclick: () => centreOn(id) }));
      $('details-list-a-title').textContent = 'Links (' + links.length + ')';
      $('details-list-b-title').textContent = 'Backlinks (' + backlinks.length + ')';
      for (const t of links) listA.append(nodeLink(t));
      for (const s of backlinks) listB.append(nodeLink(s));
    }
  }

  // ---- Find and filter ---------------------------------------------------------------------------------------------
  function candidates() {
    const list = [];
    for (const [id, m] of state.meta) list.push({ id, label: m.label || '', kind: m.kind, type: m.type });
    for (const [id, a] of state.agents) if (!state.meta.has(id)) list.push({ id, label: a.id, kind: 'agent', type: a.type });
    return list;
  }

  function findNode(query) {
    const q = query.trim().toLowerCase();
    if (!q) return null;
    const list = candidates();
    const byNumber = /^\d+$/.test(q) ? list.find((c) => String(c.id) === q || String(c.id & 0x7fffffff) === q) : null;
    return byNumber
      || list.find((c) => c.label.toLowerCase() === q)
      || list.find((c) => c.label.toLowerCase().startsWith(q))
      || list.find((c) => c.label.toLowerCase().includes(q))
      || list.find((c) => (c.type || '').toLowerCase() === q)
      || null;
  }

  function centreOn(id) {
    const s = nodes.slot.get(id);
    if (s === undefined) return false;
    const fit = fitTarget();
    state.view.auto = false;
    state.view.follow = id;
    state.view.cx = nodes.x[s];
    state.view.cy = nodes.y[s];
    if (fit) state.view.scale = Math.max(state.view.scale, fit.scale * 4);
    state.highlight = { id, at: performance.now() };
    return true;
  }

  $('search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const query = $('search').value;
    const found = findNode(query);
    const out = $('search-result');
    if (!found) {
      out.textContent = query.trim() ? 'No node matches "' + query.trim() + '"' : '';
      return;
    }
    const drawn = centreOn(found.id);
    pin(found.id);
    out.textContent = (found.kind === 'knowledge' ? 'note ' : 'agent ') + labelOf(found.id) + (drawn ? '' : ' (not laid out yet)');
  });

  let searchOptionsKey = '';
  function updateSearchOptions() {
    const list = candidates();
    const key = list.length + ':' + (list[0] && list[0].id) + ':' + (list[list.length - 1] && list[list.length - 1].id);
    if (key === searchOptionsKey) return;
    searchOptionsKey = key;
    // Notes by title and up to 500 agents by id: enough to type ahead without a 10,000-entry list.
    const options = [];
    for (const c of list) {
      if (c.kind === 'knowledge' || options.length < 500) options.push(el('option', { value: c.label }));
    }
    $('search-options').replaceChildren(...options);
  }

  function updateFilters() {
    const types = new Set(), statuses = new Set();
    for (const a of state.agents.values()) {
      if (known(a.type)) types.add(a.type);
      if (known(a.status)) statuses.add(a.status);
    }
    fillSelect($('filter-type'), types, state.filter.type);
    fillSelect($('filter-status'), statuses, state.filter.status);
  }

  function fillSelect(select, values, current) {
    const wanted = ['', ...[...values].sort()];
    if (current && !values.has(current)) wanted.push(current);
    const have = [...select.options].map((o) => o.value);
    if (have.length === wanted.length && have.every((v, i) => v === wanted[i])) return;
    select.replaceChildren(...wanted.map((v) => el('option', { value: v, text: v || 'all' })));
    select.value = current;
  }

  $('filter-type').addEventListener('change', (e) => { state.filter.type = e.target.value; state.styleDirty = true; renderAgentsTable(); });
  $('filter-status').addEventListener('change', (e) => { state.filter.status = e.target.value; state.styleDirty = true; renderAgentsTable(); });
  $('show-knowledge').addEventListener('change', (e) => { state.filter.notes = e.target.checked; state.styleDirty = true; });

  // ---- Tabs ----------------------------------------------------------------------------------------------------
  for (const tab of document.querySelectorAll('.tabs button')) {
    tab.addEventListener('click', () => showTab(tab.dataset.tab));
  }

  function showTab(name) {
    for (const tab of document.querySelectorAll('.tabs button')) tab.setAttribute('aria-selected', String(tab.dataset.tab === name));
    for (const panel of document.querySelectorAll('.tab')) panel.hidden = panel.id !== 'tab-' + name;
    if (name === 'agents') renderAgentsTable();
    if (name === 'swarms') refreshSwarms();
    if (name === 'tasks') refreshTasks();
  }

  // ---- Agents table ----------------------------------------------------------------------------------------------
  for (const th of document.querySelectorAll('#agents-table th[data-sort]')) {
    th.addEventListener('click', () => {
      const key = th.dataset.sort;
      state.sort = { key, dir: state.sort.key === key ? -state.sort.dir : 1 };
      renderAgentsTable();
    });
  }

  function compare(a, b) {
    const { key, dir } = state.sort;
    const x = a[key], y = b[key];
    // Unknown values sort last, whichever the direction.
    if (!known(x) && !known(y)) return 0;
    if (!known(x)) return 1;
    if (!known(y)) return -1;
    return (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y))) * dir;
  }

  function terminateButton(agentId) {
    const pending = state.pendingTerminate && state.pendingTerminate.id === agentId && performance.now() - state.pendingTerminate.at < 4000;
    return el('button', {
      type: 'button',
      class: pending ? 'confirm terminate' : 'danger terminate',
      'data-agent': agentId,
      text: pending ? 'Confirm' : 'Terminate',
      title: pending ? 'Click again to terminate ' + agentId : 'Terminate ' + agentId + ' (asks to confirm)',
      onclick: (e) => { e.stopPropagation(); terminate(agentId); },
    });
  }

  async function terminate(agentId) {
    const p = state.pendingTerminate;
    if (!p || p.id !== agentId || performance.now() - p.at > 4000) {
      state.pendingTerminate = { id: agentId, at: performance.now() };
      renderAgentsTable();
      renderDetails();
      setTimeout(() => { if (state.pendingTerminate && state.pendingTerminate.id === agentId) { state.pendingTerminate = null; renderAgentsTable(); renderDetails(); } }, 4100);
      return;
    }
    state.pendingTerminate = null;
    renderAgentsTable();
    renderDetails();
    const result = await command('Terminate ' + agentId,
      () => api('/api/bots/agents/' + encodeURIComponent(agentId), { method: 'DELETE' }),
      () => 'agent ' + agentId + ' terminated');
    if (result) refreshAgents();
  }

  function renderAgentsTable() {
    const body = $('agents-table').tBodies[0];
    for (const th of document.querySelectorAll('#agents-table th[data-sort]')) {
      th.className = (th.classList.contains('num') ? 'num ' : '') + (th.dataset.sort === state.sort.key ? (state.sort.dir > 0 ? 'sorted-asc' : 'sorted-desc') : '');
    }
    const f = state.filter;
    const rows = [...state.agents.values()].filter((a) => (!f.type || a.type === f.type) && (!f.status || a.status === f.status));
    rows.sort(compare);
    const shown = rows.slice(0, TABLE_ROWS);
    const pinned = state.pinned;
    body.replaceChildren(...shown.map((a) => {
      const colour = PALETTE[colourOfStatus(a.status, a.stale)];
      return el('tr', {
        'data-id': a.id,
        class: ((a.node_id >>> 0) === pinned ? 'pinned ' : '') + (a.stale ? 'stale' : ''),
        onclick: () => { centreOn(a.node_id >>> 0); pin(a.node_id >>> 0); },
      },
      el('td', { class: 'id', title: a.id, text: a.id }),
      el('td', { text: text(a.type) }),
      el('td', { class: 'status', style: { '--c': colour }, title: 'last seen ' + ago(a.last_seen) + (a.swarm_id ? ' · swarm ' + a.swarm_id : ''),
        text: text(a.status) + (a.stale ? ' (stale)' : '') }),
      el('td', { class: 'num', text: num(a.cpu_usage, 1) }),
      el('td', { class: 'num', text: num(a.memory_usage, 0) }),
      el('td', { class: 'num', text: num(a.tokens_used) }),
      el('td', { class: 'num', text: num(a.tasks_active) }),
      el('td', {}, terminateButton(a.id)));
    }));
    const note = rows.length > TABLE_ROWS ? 'Showing ' + TABLE_ROWS + ' of ' + rows.length.toLocaleString('en-US') + ' agents; sort or filter to see others.' : '';
    $('agents-note').textContent = [agentsNote(), note].filter(Boolean).join(' ');
  }

  $('spawn-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const f = new FormData(event.target);
    const body = { type: f.get('agentType') };
    if (f.get('swarm')) body.swarm_id = f.get('swarm');
    const result = await command('Spawn ' + body.type, () => postJson('/api/bots/agents', body),
      (a) => 'agent ' + text(a && a.id) + ' (' + text(a && a.type) + ') spawned' + (a && a.swarm_id ? ' in ' + a.swarm_id : ''));
    if (result) refreshAgents();
  });

  // ---- Swarms --------------------------------------------------------------------------------------------------
  // The REST API lists no swarms: this viewer keeps the ones it created or looked up (in sessionStorage, so a reload
  // keeps them) and adds the swarms its live agents report, reading each with GET /api/bots/multi-agent/{id}.
  const store = {
    load(key) { try { return JSON.parse(sessionStorage.getItem(key) || '[]'); } catch { return []; } },
    save(key, ids) { try { sessionStorage.setItem(key, JSON.stringify(ids)); } catch { /* private mode: keep in memory */ } },
  };
  for (const id of store.load('visionflow.swarms')) state.swarms.set(id, { id, origin: 'viewer' });
  for (const id of store.load('visionflow.tasks')) state.tasks.set(id, { id });
  const saveSwarms = () => store.save('visionflow.swarms', [...state.swarms.values()].filter((s) => s.origin === 'viewer').map((s) => s.id));
  const saveTasks = () => store.save('visionflow.tasks', [...state.tasks.keys()]);

  function swarmsFromAgents() {
    const counts = new Map();
    for (const a of state.agents.values()) if (known(a.swarm_id) && a.swarm_id !== '') counts.set(a.swarm_id, (counts.get(a.swarm_id) || 0) + 1);
    return counts;
  }

  async function readSwarm(id) {
    const entry = state.swarms.get(id) || { id, origin: 'agents' };
    state.swarms.set(id, entry);
    try {
      entry.info = (await api('/api/bots/multi-agent/' + encodeURIComponent(id))).body;
      entry.error = null;
    } catch (e) {
      entry.error = describeError(e);
      if (e.status === 404) entry.gone = true;
    }
  }

  let swarmsRead = 0;
  async function refreshSwarms() {
    const ids = new Set([...state.swarms.keys(), ...swarmsFromAgents().keys()]);
    await Promise.all([...ids].slice(0, 40).filter((id) => !(state.swarms.get(id) || {}).gone).map(readSwarm));
    swarmsRead = performance.now();
    renderSwarms();
  }

  function renderSwarms() {
    const counts = swarmsFromAgents();
    for (const id of counts.keys()) if (!state.swarms.has(id)) state.swarms.set(id, { id, origin: 'agents' });
    const list = $('swarms-list');
    const choice = document.querySelector('#spawn-form .swarm-choice');
    const current = choice.value;
    const ids = [...state.swarms.keys()];
    choice.replaceChildren(el('option', { value: '', text: '(none)' }), ...ids.filter((id) => !state.swarms.get(id).gone).map((id) => el('option', { value: id, text: id })));
    choice.value = ids.includes(current) ? current : '';
    list.replaceChildren(...ids.map((id) => {
      const s = state.swarms.get(id);
      const info = s.info || {};
      const seen = counts.get(id);
      return el('li', { 'data-id': id },
        el('div', { class: 'title' },
          el('code', { text: id }),
          el('span', { class: 'status swarm-status', style: { '--c': s.gone ? PALETTE[C_STALE] : PALETTE[C_ACTIVE] }, text: s.gone ? 'gone' : text(info.status) }),
          el('button', { type: 'button', class: 'danger dissolve', text: 'Dissolve', disabled: s.gone, onclick: () => dissolve(id) })),
        el('div', { class: 'meta', text: 'topology ' + text(info.topology) + ' · max ' + text(info.max_agents) + ' agents · server count '
          + text(info.agent_count) + ' · in telemetry ' + (seen || 0) + ' · strategy ' + text(info.strategy)
          + (s.origin === 'viewer' ? ' · from this viewer' : '') }),
        answerLine(s));
    }));
    if (ids.length === 0) list.append(el('li', { class: 'hint', text: 'No swarms yet: start one above, or look one up by id.' }));
  }

  async function dissolve(id) {
    const entry = state.swarms.get(id);
    const result = await command('Dissolve ' + id, () => api('/api/bots/multi-agent/' + encodeURIComponent(id), { method: 'DELETE' }),
      () => 'swarm ' + id + ' dissolved', entry);
    if (result) await readSwarm(id);
    renderSwarms();
    if (result) refreshAgents();
  }

  $('swarm-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const f = new FormData(event.target);
    const body = { topology: f.get('topology'), max_agents: Number(f.get('maxAgents')) };
    const types = String(f.get('agentTypes') || '').split(/[\s,]+/).filter(Boolean);
    if (types.length) body.agent_types = types;
    if (f.get('task')) body.task = f.get('task');
    const result = await command('Start ' + body.topology + ' swarm', () => postJson('/api/bots/multi-agent/init', body),
      (s) => 'swarm ' + text(s && s.id) + ' ' + text(s && s.status) + ' (' + text(s && s.topology) + ', max ' + text(s && s.max_agents) + ' agents)');
    if (result && result.body && result.body.id) {
      state.swarms.set(result.body.id, { id: result.body.id, origin: 'viewer', info: result.body });
      saveSwarms();
      renderSwarms();
      refreshAgents();
    }
  });

  $('swarm-lookup').addEventListener('submit', async (event) => {
    event.preventDefault();
    const id = new FormData(event.target).get('id').trim();
    const result = await command('Look up swarm ' + id, () => api('/api/bots/multi-agent/' + encodeURIComponent(id)),
      (s) => 'swarm ' + id + ' is ' + text(s && s.status));
    if (result) {
      state.swarms.set(id, { id, origin: 'viewer', info: result.body });
      saveSwarms();
      renderSwarms();
    }
  });

  // ---- Tasks ---------------------------------------------------------------------------------------------------
  const TERMINAL = new Set(['completed', 'cancelled', 'canceled', 'failed', 'done']);

  async function readTask(id) {
    const entry = state.tasks.get(id) || { id };
    state.tasks.set(id, entry);
    try {
      entry.info = (await api('/api/bots/tasks/' + encodeURIComponent(id))).body;
      entry.error = null;
    } catch (e) {
      entry.error = describeError(e);
      if (e.status === 404) entry.gone = true;
    }
  }

  async function refreshTasks() {
    const open = [...state.tasks.values()].filter((t) => !t.gone && !(t.info && TERMINAL.has(String(t.info.status).toLowerCase())));
    await Promise.all(open.slice(0, 40).map((t) => readTask(t.id)));
    renderTasks();
  }

  function renderTasks() {
    const list = $('tasks-list');
    const ids = [...state.tasks.keys()].reverse();
    list.replaceChildren(...ids.map((id) => {
      const t = state.tasks.get(id);
      const info = t.info || {};
      const done = t.gone || TERMINAL.has(String(info.status).toLowerCase());
      const progress = known(info.progress) ? el('div', { class: 'progress', title: pct(info.progress) }, el('span', { style: { width: Math.round(info.progress * 100) + '%' } })) : null;
      return el('li', { 'data-id': id },
        el('div', { class: 'title' },
          el('code', { text: id }),
          el('span', { class: 'status task-status', style: { '--c': PALETTE[done ? C_STALE : C_BUSY] }, text: t.gone ? 'gone' : text(info.status) }),
          el('button', { type: 'button', class: 'danger cancel', text: 'Cancel', disabled: done, onclick: () => cancelTask(id) })),
        el('div', { class: 'meta', text: text(info.description) }),
        el('div', { class: 'meta task-progress', text: 'progress ' + pct(info.progress) + ' · priority ' + text(info.priority)
          + ' · assigned to ' + (info.assigned_to && info.assigned_to.length ? info.assigned_to.join(', ') : DASH) }),
        progress, answerLine(t));
    }));
    if (ids.length === 0) list.append(el('li', { class: 'hint', text: 'No tasks yet: create one above, or look one up by id.' }));
  }

  async function cancelTask(id) {
    const entry = state.tasks.get(id);
    const result = await command('Cancel task ' + id, () => api('/api/bots/tasks/' + encodeURIComponent(id), { method: 'DELETE' }),
      (t) => 'task ' + id + ' is ' + text(t && t.status), entry);
    if (result && result.body) entry.info = result.body;
    renderTasks();
  }

  $('task-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const f = new FormData(event.target);
    const body = { description: f.get('description'), priority: f.get('priority') };
    if (f.get('assignPinned')) {
      const a = state.agents.get(state.pinned);
      if (!a) { answer('Create task', false, 'no agent is pinned: click an agent first, or untick "to the pinned agent"'); return; }
      body.agent_ids = [a.id];
    }
    const result = await command('Create task', () => postJson('/api/bots/tasks', body),
      (t) => 'task ' + text(t && t.id) + ' ' + text(t && t.status) + (t && t.assigned_to && t.assigned_to.length ? ' for ' + t.assigned_to.join(', ') : ''));
    if (result && result.body && result.body.id) {
      event.target.elements.description.value = '';
      state.tasks.set(result.body.id, { id: result.body.id, info: result.body });
      saveTasks();
      renderTasks();
    }
  });

  $('task-lookup').addEventListener('submit', async (event) => {
    event.preventDefault();
    const id = new FormData(event.target).get('id').trim();
    const result = await command('Look up task ' + id, () => api('/api/bots/tasks/' + encodeURIComponent(id)),
      (t) => 'task ' + id + ' is ' + text(t && t.status));
    if (result) {
      state.tasks.set(id, { id, info: result.body });
      saveTasks();
      renderTasks();
    }
  });

  // ---- Test and benchmark hooks (read-only views of the state) -------------------------------------------------
  window.visionflow = Object.assign(state, {
    nodes,
    position: (id) => { const s = nodes.slot.get(id >>> 0); return s === undefined ? null : [nodes.x[s], nodes.y[s]]; },
    screenPosition: (id) => {
      const s = nodes.slot.get(id >>> 0);
      if (s === undefined) return null;
      const r = canvas.getBoundingClientRect();
      return [r.left + sx(nodes.x[s]) / dpr, r.top + sy(nodes.y[s]) / dpr];
    },
    labelOf,
    fitNow,
    pin,
    edgeCount: () => edges.count,
    edgeList: () => edges.list,
  });

  resize();
  renderSwarms();
  renderTasks();
  connect();
  refreshAll();
  setInterval(refreshStatus, 2000);
  setInterval(agentReads.soon, 2000);
  setInterval(() => { if (!$('tab-swarms').hidden || performance.now() - swarmsRead > 10000) refreshSwarms(); }, 3000);
  setInterval(() => { if (!$('tab-tasks').hidden) refreshTasks(); }, 2000);
  setInterval(graphReads.soon, 15000);
  requestAnimationFrame(draw);
})();
