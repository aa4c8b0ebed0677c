// The pure parts of the panels: what they show for given answers, without a page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bannerOf, unansweredWords, levelWords } from '../../src/VisionFlow.Server/Viewer/wwwroot/js/panels/banner.js';
import { healthRows } from '../../src/VisionFlow.Server/Viewer/wwwroot/js/panels/health.js';
import { compareBy, tableRows, agentsNote, TABLE_ROWS } from '../../src/VisionFlow.Server/Viewer/wwwroot/js/panels/agents.js';
import { filterOptions, agentValues } from '../../src/VisionFlow.Server/Viewer/wwwroot/js/panels/search.js';
import { swarmsOfAgents, swarmMeta } from '../../src/VisionFlow.Server/Viewer/wwwroot/js/panels/swarms.js';
import { isTerminal, progressLine } from '../../src/VisionFlow.Server/Viewer/wwwroot/js/panels/tasks.js';
import { awaitsConfirmation } from '../../src/VisionFlow.Server/Viewer/wwwroot/js/panels/terminate.js';
import { answerText, okWords } from '../../src/VisionFlow.Server/Viewer/wwwroot/js/panels/answers.js';
import { tooltipLines } from '../../src/VisionFlow.Server/Viewer/wwwroot/js/interaction.js';

const now = Date.parse('2026-01-01T12:00:00Z');
const none = { level: 'unknown', message: '' };

test('banner: MCP off is its own level whatever the degradation says', () => {
  const b = bannerOf({ mcp_state: 'disabled', degradation_level: 'fully_operational', degradation_message: 'All systems operational' }, null, none, now);
  assert.equal(b.level, 'disabled');
  assert.match(b.message, /ENABLE_MCP=false/);
  assert.equal(levelWords('disabled'), 'MCP off');
  assert.equal(levelWords('partial_degradation'), 'partial degradation');
});

test('banner: a link down leads with what the level switches off, then cause, retry and remedy', () => {
  const b = bannerOf({
    mcp_state: 'unavailable', mcp_address: '127.0.0.1:9', retry_interval_ms: 200,
    last_failure: { kind: 'refused', message: 'Connection refused' },
    degradation_level: 'emergency_mode', degradation_message: 'Agent graph and real-time updates off',
  }, null, none, now);
  assert.equal(b.level, 'emergency_mode');
  assert.equal(b.message, 'Agent graph and real-time updates off: MCP server 127.0.0.1:9 refused the connection · retrying every 200 ms · '
    + 'set CLAUDE_FLOW_HOST / MCP_TCP_PORT, or start the built-in simulator with visionflow --simulator');
});

test('banner: connected says to what; without a status the health or the last notice speaks', () => {
  const ok = bannerOf({ mcp_state: 'connected', mcp_address: 'cf:9500', server: 'sim', telemetry_mode: 'push', degradation_level: 'fully_operational', degradation_message: 'x' }, null, none, now);
  assert.deepEqual(ok, { level: 'fully_operational', message: 'Connected to sim at cf:9500 · telemetry push' });
  const health = { degradation_level: 'safe_mode', details: { degradation: { message: 'everything off' } } };
  assert.deepEqual(bannerOf(null, health, none, now), { level: 'safe_mode', message: 'everything off' });
  assert.deepEqual(bannerOf(null, null, { level: 'partial_degradation', message: 'from /ws' }, now), { level: 'partial_degradation', message: 'from /ws' });
  assert.match(unansweredWords('127.0.0.1:8080', 'no answer'), /^VisionFlow service at 127.0.0.1:8080 is not answering \(no answer\)/);
});

test('health rows: unknown is a dash; no requests is no round trip and no score', () => {
  const rows = healthRows(null, null, now);
  for (const [id, value] of Object.entries(rows)) assert.equal(value, '—', id);
  const idle = healthRows({ mcp_state: 'connected' }, {
    mcp_connection: { average_response_time_ms: 0, health_score: 0, circuit_breaker_state: 'closed', connection_pool: { active_connections: 1, idle_connections: 2, total_connections: 3, max_connections: 8 } },
    network_stats: { total_requests: 0, successful_requests: 0 },
  }, now);
  assert.equal(idle['health-rtt'], '—');
  assert.equal(idle['health-score'], '—');
  assert.equal(idle['health-breaker'], 'closed');
  assert.equal(idle['health-pool'], '1 active · 2 idle · 3 of 8');
  const busy = healthRows({
    mcp_state: 'unavailable', mcp_address: 'h:1', telemetry_mode: 'poll', telemetry_lines_accepted: 1200, telemetry_lines_refused: 3,
    last_failure: { kind: 'timeout', message: 'no answer within 3000 ms', at: '2026-01-01T11:59:30Z' }, agent_count: 7, max_agents: 50, agent_graph_available: false,
  }, {
    mcp_connection: { average_response_time_ms: 1.234, health_score: 0 },
    network_stats: { total_requests: 12, successful_requests: 10, failed_requests: 2, retry_count: 1, circuit_breaker_trips: 0 },
  }, now);
  assert.equal(busy['health-rtt'], '1.23 ms');
  assert.equal(busy['health-score'], '0.00');
  assert.equal(busy['health-telemetry'], 'poll · 1,200 lines · 3 refused');
  assert.equal(busy['health-requests'], '12 · 2 failed · 1 retries · 0 breaker trips');
  assert.match(busy['health-last-failure'], /^did not answer in time: no answer within 3000 ms · 30 s ago/);
  assert.equal(busy['health-agents'], '7 of 50 · agent graph off');
});

test('agents table: filtered, sorted with unknowns last either way, capped with a note', () => {
  const agents = new Map([[1, { id: 'b', type: 'coder', status: 'idle', cpu_usage: 5 }], [2, { id: 'a', type: 'coder', status: 'busy', cpu_usage: null }],
    [3, { id: 'c', type: 'tester', status: 'idle', cpu_usage: 50 }], [4, { id: 'd', type: 'coder', status: 'idle', cpu_usage: 9 }]]);
  const all = { type: '', status: '' };
  assert.deepEqual(tableRows(agents, all, { key: 'id', dir: 1 }).map((a) => a.id), ['a', 'b', 'c', 'd']);
  assert.deepEqual(tableRows(agents, all, { key: 'cpu_usage', dir: 1 }).map((a) => a.id), ['b', 'd', 'c', 'a']);
  assert.deepEqual(tableRows(agents, all, { key: 'cpu_usage', dir: -1 }).map((a) => a.id), ['c', 'd', 'b', 'a']);
  assert.deepEqual(tableRows(agents, { type: 'coder', status: 'idle' }, { key: 'id', dir: -1 }).map((a) => a.id), ['d', 'b']);
  assert.equal(compareBy({ key: 'x', dir: 1 })({}, {}), 0);
  assert.equal(agentsNote(null, 10), '');
  assert.equal(agentsNote({ available: false, unavailable_reason: 'MCP down' }, 0), 'No agents: MCP down. Commands are refused (503) until the MCP server is back.');
  assert.equal(agentsNote({ rejected_over_limit: 1500, max_agents: 50 }, TABLE_ROWS + 1),
    '1,500 agents beyond MCP_MAX_AGENTS=50 are not tracked. Showing 300 of 301 agents; sort or filter to see others.');
});

test('filters offer all, the reported values sorted, and a chosen value that went away', () => {
  const { types, statuses } = agentValues(new Map([[1, { type: 'tester', status: 'idle' }], [2, { type: 'coder', status: null }]]));
  assert.deepEqual(filterOptions(types, ''), ['', 'coder', 'tester']);
  assert.deepEqual(filterOptions(statuses, 'busy'), ['', 'idle', 'busy']);
});

test('swarms: counted from the agents; their line says what is known', () => {
  const counts = swarmsOfAgents(new Map([[1, { swarm_id: 's1' }], [2, { swarm_id: 's1' }], [3, { swarm_id: '' }], [4, { swarm_id: null }], [5, { swarm_id: 's2' }]]));
  assert.deepEqual([...counts], [['s1', 2], ['s2', 1]]);
  assert.equal(swarmMeta({ topology: 'mesh', max_agents: 8, agent_count: 3, strategy: null }, 2, true),
    'topology mesh · max 8 agents · server count 3 · in telemetry 2 · strategy — · from this viewer');
  assert.equal(swarmMeta({}, undefined, false), 'topology — · max — agents · server count — · in telemetry 0 · strategy —');
});

test('tasks: final statuses are not read again; the progress line', () => {
  for (const s of ['completed', 'Cancelled', 'canceled', 'failed', 'done']) assert.equal(isTerminal(s), true, s);
  for (const s of ['pending', 'running', undefined, null]) assert.equal(isTerminal(s), false, String(s));
  assert.equal(progressLine({ progress: 0.4, priority: 'high', assigned_to: ['a1', 'a2'] }), 'progress 40 % · priority high · assigned to a1, a2');
  assert.equal(progressLine({ assigned_to: [] }), 'progress — · priority — · assigned to —');
});

test('terminate asks to confirm for 4 s, for that agent only', () => {
  const pending = { id: 'a1', at: 1000 };
  assert.equal(awaitsConfirmation(pending, 'a1', 4999), true);
  assert.equal(awaitsConfirmation(pending, 'a1', 5000), false);
  assert.equal(awaitsConfirmation(pending, 'a2', 1001), false);
  assert.equal(awaitsConfirmation(null, 'a1', 1001), false);
});

test('answers: action, arrow, status and what the body says', () => {
  assert.equal(answerText('Terminate a1', okWords({ status: 204, statusText: 'No Content', body: null }, () => 'agent a1 terminated')),
    'Terminate a1 → 204 No Content: agent a1 terminated');
  assert.equal(okWords({ status: 200, statusText: 'OK' }), '200 OK');
});

test('tooltips: an agent\'s figures, a note\'s links, else the label', () => {
  const A = (0x80000001) >>> 0;
  const agents = new Map([[A, { id: 'a1', type: 'coder', status: 'busy', stale: true, cpu_usage: 12.34, memory_usage: null, tasks_active: 0, tokens_used: 1500 }]]);
  const meta = new Map([[5, { kind: 'knowledge', label: 'Pool' }]]);
  assert.deepEqual(tooltipLines(A, agents, meta, []), ['coder · a1', 'status busy (stale)', 'cpu 12.3 % · memory —', 'tasks 0 · tokens 1,500', 'click to pin the details']);
  assert.deepEqual(tooltipLines(5, agents, meta, [[5, 6, 1, 'link'], [7, 5, 1, 'link']]), ['note · Pool', '1 links · 1 backlinks', 'click to pin the details']);
  assert.deepEqual(tooltipLines(9, agents, meta, []), ['note 9']);
});
