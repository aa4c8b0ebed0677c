// The Health tab: the link, breaker, pool, round trip, telemetry and requests of /api/bots/status and
// /api/health/network, and the stream's and renderer's own figures.

import { state, on } from '../state.js';
import { DASH, known, text, num, ago } from '../format.js';
import { failureLine } from '../failure.js';
import { $ } from '../dom.js';

/** The rows of the health list (element id -> text) for a status and a health answer (either may be null). */
export function healthRows(status, health, now = Date.now()) {
  const s = status || {};
  const h = health || {};
  const c = h.mcp_connection || {};
  const pool = c.connection_pool;
  const stats = h.network_stats || {};
  const details = h.details && h.details.degradation;
  // An average over no requests is not a round trip of 0 ms, nor is a score over none a score of 0.
  const rtt = c.average_response_time_ms;
  return {
    'health-level': text(h.degradation_level || s.degradation_level) + (details && details.message ? ' · ' + details.message : ''),
    'health-mcp': text(s.mcp_state) + (s.mcp_address ? ' · ' + s.mcp_address : '') + (s.mcp_detail ? ' · ' + s.mcp_detail : ''),
    'health-server': s.server ? s.server + (s.dialect ? ' · ' + s.dialect + ' dialect' : '') + (s.simulated ? ' · SIMULATED' : '') : DASH,
    'health-breaker': text(c.circuit_breaker_state),
    'health-pool': pool ? num(pool.active_connections) + ' active · ' + num(pool.idle_connections) + ' idle · ' + num(pool.total_connections) + ' of ' + num(pool.max_connections) : DASH,
    'health-rtt': known(rtt) && !(rtt === 0 && !stats.successful_requests) ? num(rtt, 2, ' ms') : DASH,
    'health-telemetry': text(s.telemetry_mode) + (known(s.telemetry_lines_accepted) ? ' · ' + num(s.telemetry_lines_accepted) + ' lines' : '')
      + (s.telemetry_lines_refused ? ' · ' + num(s.telemetry_lines_refused) + ' refused' : ''),
    'health-score': known(c.health_score) && (c.health_score !== 0 || stats.total_requests) ? num(c.health_score, 2) : DASH,
    'health-last-success': ago(c.last_successful_request, now),
    'health-requests': known(stats.total_requests)
      ? num(stats.total_requests) + ' · ' + num(stats.failed_requests) + ' failed · ' + num(stats.retry_count) + ' retries · ' + num(stats.circuit_breaker_trips) + ' breaker trips'
      : DASH,
    'health-last-failure': failureLine(s.last_failure, now),
    'health-agents': known(s.agent_count) ? num(s.agent_count) + ' of ' + num(s.max_agents) + (s.agent_graph_available === false ? ' · agent graph off' : '') : DASH,
  };
}

const showStream = () => { $('stat-stream').textContent = state.streamOpen ? 'open' : 'reconnecting'; };

function render() {
  for (const [id, value] of Object.entries(healthRows(state.status, state.health))) $(id).textContent = value;
  showStream();
  // A recorded moment keeps its link, level and agents; the rest was not recorded (—).
  $('health-updated').textContent = state.at !== null && state.shownAt !== null
    ? 'as recorded at ' + new Date(state.shownAt).toLocaleTimeString() + ' (link, level and agents; the rest is not recorded)'
    : 'updated ' + new Date().toLocaleTimeString() + ' (every 2 s and on every notice from /ws)';
}

export function init() {
  on('status', render);
  on('stream', showStream);
}
