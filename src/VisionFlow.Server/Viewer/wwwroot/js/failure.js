// A failure, in words, from its kind: the one place the viewer words MCP failures. The server classifies every failure
// once (FailureClassifier) and sends its kind's name: `last_failure.kind` in GET /api/bots/status, `failure_kind` in the
// problem of a failed command. Nothing here reads a message to guess what happened.
//
// FAILURES has one line per kind the server names. `phrase` is McpFailure.Phrase word for word (what the server's logs
// and problem details say), `remedy` is what an operator can do about it. ViewerFailureWordsTests reads this table as
// served and checks it against the server's enum, so a kind added there without words here fails a test.

import { DASH, text, seconds, known, ago } from './format.js';

const ADDRESS = 'set CLAUDE_FLOW_HOST / MCP_TCP_PORT, or start the built-in simulator with visionflow --simulator';
const KEY = 'set MCP_API_KEY (--mcp-api-key) to the bridge\'s token';
const BRIDGE = 'check that CLAUDE_FLOW_HOST / MCP_TCP_PORT point at a Claude Flow MCP bridge (visionflow mcp tools shows what answers there)';

export const FAILURES = Object.freeze({
  refused: { phrase: 'refused the connection', remedy: ADDRESS },
  timeout: { phrase: 'did not answer in time', remedy: ADDRESS },
  reset: { phrase: 'reset the connection', remedy: ADDRESS },
  closed: { phrase: 'closed the connection', remedy: ADDRESS },
  dns: { phrase: 'has a host name that does not resolve', remedy: ADDRESS },
  unreachable: { phrase: 'is unreachable', remedy: ADDRESS },
  auth: { phrase: 'refused our MCP_API_KEY', remedy: KEY },
  protocol: { phrase: 'broke the protocol', remedy: BRIDGE },
  circuit_open: { phrase: 'failed too often (circuit breaker open)', remedy: null },
  pool_exhausted: { phrase: 'is too busy (no pooled connection free)', remedy: null },
  link_down: { phrase: 'is not connected', remedy: ADDRESS },
  not_offered: { phrase: 'failed', remedy: null },
  not_found: { phrase: 'failed', remedy: null },
  invalid_params: { phrase: 'failed', remedy: null },
  refusal: { phrase: 'failed', remedy: null },
  server_error: { phrase: 'failed', remedy: null },
  cancelled: { phrase: 'failed', remedy: null },
  other: { phrase: 'failed', remedy: ADDRESS },
});

/** The words for a kind; a kind this viewer does not know (a newer server) reads as `other`. */
export const wordsOf = (kind) => (typeof kind === 'string' && Object.hasOwn(FAILURES, kind) ? FAILURES[kind] : FAILURES.other);

/** What an operator can do about a failure of this kind; null when there is nothing to say. */
export const remedyOf = (kind) => wordsOf(kind).remedy;

/**
 * "MCP server host:port refused the connection". A phrase that says nothing specific ("failed") carries the failure's
 * own message, so the reader still learns what happened.
 */
export function failureCause(kind, address, message) {
  const phrase = wordsOf(kind).phrase;
  return serverAt(address) + ' ' + phrase + (phrase === 'failed' && message ? ': ' + message : '');
}

const serverAt = (address) => 'MCP server' + (address ? ' ' + address : '');

/** A failure as the health panel lists it: "refused the connection: Connection refused · 3 s ago". */
export function failureLine(failure, now = Date.now()) {
  if (!failure) return DASH;
  return wordsOf(failure.kind).phrase + ': ' + text(failure.message) + (failure.at ? ' · ' + ago(failure.at, now) : '');
}

/** When the link tries again, from the status' retry_interval_ms or next_attempt_at. */
export function retryWords(status, now = Date.now()) {
  const every = seconds(status.retry_interval_ms);
  if (every) return 'retrying every ' + every;
  if (known(status.next_attempt_at)) {
    const wait = (Date.parse(status.next_attempt_at) - now) / 1000;
    if (Number.isFinite(wait)) return wait > 0.5 ? 'next attempt in ' + Math.round(wait) + ' s' : 'retrying now';
  }
  return 'retrying';
}

export const DISABLED_WORDS = 'MCP is off (ENABLE_MCP=false) · showing the knowledge graph only · set ENABLE_MCP=true and CLAUDE_FLOW_HOST / MCP_TCP_PORT, or run visionflow --simulator';

/**
 * The MCP link's state (GET /api/bots/status) as words a stranger can act on: what is wrong, when we try again, and what
 * to do about it.
 */
export function linkWords(status, now = Date.now()) {
  const address = status.mcp_address;
  switch (status.mcp_state) {
    case 'disabled':
      return DISABLED_WORDS;
    case 'connected':
      return 'Connected to ' + (status.server || 'the MCP server') + (address ? ' at ' + address : '') + ' · telemetry ' + text(status.telemetry_mode);
    case 'connecting':
      if (!status.last_failure) return 'Connecting to ' + serverAt(address) + '…';
      // falls through: a first attempt already failed
    default: {
      const failure = status.last_failure;
      if (!failure) return text(status.mcp_detail);
      return [failureCause(failure.kind, address, failure.message), retryWords(status, now), remedyOf(failure.kind)]
        .filter(Boolean).join(' · ');
    }
  }
}
