import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FAILURES, wordsOf, remedyOf, failureCause, failureLine, retryWords, linkWords, DISABLED_WORDS } from '../../src/VisionFlow.Server/Viewer/wwwroot/js/failure.js';

const ADDRESS_REMEDY = 'set CLAUDE_FLOW_HOST / MCP_TCP_PORT, or start the built-in simulator with visionflow --simulator';
const now = Date.parse('2026-01-01T12:00:00Z');

test('every kind has a phrase; the link failures have a remedy', () => {
  for (const [kind, words] of Object.entries(FAILURES)) {
    assert.ok(words.phrase.length > 0, kind);
  }
  for (const kind of ['refused', 'timeout', 'reset', 'closed', 'dns', 'unreachable', 'link_down']) {
    assert.equal(remedyOf(kind), ADDRESS_REMEDY, kind);
  }
  assert.match(remedyOf('auth'), /MCP_API_KEY/);
  assert.match(remedyOf('protocol'), /Claude Flow MCP bridge/);
  // An answer from the server is not a reason to move the server.
  for (const kind of ['not_found', 'invalid_params', 'refusal', 'not_offered']) assert.equal(remedyOf(kind), null, kind);
});

test('a kind this viewer does not know reads as other', () => {
  assert.equal(wordsOf('melted'), FAILURES.other);
  assert.equal(wordsOf(undefined), FAILURES.other);
  assert.equal(wordsOf('constructor'), FAILURES.other, 'an inherited property is no kind');
});

test('the cause is worded from the kind, never from the message', () => {
  assert.equal(failureCause('refused', '127.0.0.1:9', 'Connection refused'), 'MCP server 127.0.0.1:9 refused the connection');
  // The message has words another kind would match; the kind decides.
  assert.equal(failureCause('timeout', 'h:1', 'connection refused after reset'), 'MCP server h:1 did not answer in time');
  assert.equal(failureCause('dns', 'nowhere:9500', 'x'), 'MCP server nowhere:9500 has a host name that does not resolve');
  assert.equal(failureCause('auth', 'h:1', 'x'), 'MCP server h:1 refused our MCP_API_KEY');
  // A phrase that says nothing specific carries the message.
  assert.equal(failureCause('other', 'h:1', 'disk on fire'), 'MCP server h:1 failed: disk on fire');
  assert.equal(failureCause('other', 'h:1', ''), 'MCP server h:1 failed');
});

test('the health panel lists the failure with its message and age', () => {
  assert.match(failureLine({ kind: 'reset', message: 'Connection reset by peer', at: '2026-01-01T11:59:50Z' }, now),
    /^reset the connection: Connection reset by peer · 10 s ago \(/);
  assert.equal(failureLine({ kind: 'closed', message: null, at: null }, now), 'closed the connection: —');
  assert.equal(failureLine(null, now), '—');
});

test('retry words come from the interval, else from the next attempt', () => {
  assert.equal(retryWords({ retry_interval_ms: 200 }, now), 'retrying every 200 ms');
  assert.equal(retryWords({ retry_interval_ms: 5000 }, now), 'retrying every 5 s');
  assert.equal(retryWords({ retry_interval_ms: null, next_attempt_at: '2026-01-01T12:00:07Z' }, now), 'next attempt in 7 s');
  assert.equal(retryWords({ next_attempt_at: '2026-01-01T12:00:00.2Z' }, now), 'retrying now');
  assert.equal(retryWords({}, now), 'retrying');
});

test('the link in words: off, connecting, connected, down with cause, retry and remedy', () => {
  assert.equal(linkWords({ mcp_state: 'disabled' }, now), DISABLED_WORDS);
  assert.equal(linkWords({ mcp_state: 'connecting', mcp_address: 'cf:9500' }, now), 'Connecting to MCP server cf:9500…');
  assert.equal(linkWords({ mcp_state: 'connected', mcp_address: 'cf:9500', server: 'ruflo 3.43.0', telemetry_mode: 'poll' }, now),
    'Connected to ruflo 3.43.0 at cf:9500 · telemetry poll');
  const down = { mcp_state: 'unavailable', mcp_address: '127.0.0.1:9', retry_interval_ms: 1000, last_failure: { kind: 'refused', message: 'Connection refused' } };
  assert.equal(linkWords(down, now), 'MCP server 127.0.0.1:9 refused the connection · retrying every 1 s · ' + ADDRESS_REMEDY);
  // A first attempt that already failed says why, not "connecting".
  assert.match(linkWords({ ...down, mcp_state: 'connecting' }, now), /^MCP server 127.0.0.1:9 refused the connection · /);
  // A kind without a remedy ends with the retry.
  assert.equal(linkWords({ ...down, last_failure: { kind: 'pool_exhausted', message: '' } }, now),
    'MCP server 127.0.0.1:9 is too busy (no pooled connection free) · retrying every 1 s');
  // Down with no failure reported: the server's own detail.
  assert.equal(linkWords({ mcp_state: 'reconnecting', mcp_address: 'a:1', mcp_detail: 'reconnecting after a restart' }, now), 'reconnecting after a restart');
  assert.equal(linkWords({ mcp_state: 'unavailable', last_failure: { kind: 'timeout' } }, now), 'MCP server did not answer in time · retrying · ' + ADDRESS_REMEDY);
});
