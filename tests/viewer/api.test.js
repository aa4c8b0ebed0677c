import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { api, ApiError, describeError, onUnauthorized, reason, REASONS } from '../../src/VisionFlow.Server/Viewer/wwwroot/js/api.js';

const realFetch = globalThis.fetch;
afterEach(() => { globalThis.fetch = realFetch; onUnauthorized(() => {}); });

const problem = (status, body) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/problem+json' } });

test('a problem becomes an error with its title, detail and failure kind', async () => {
  globalThis.fetch = async () => problem(503, {
    title: 'MCP server unavailable', status: 503, detail: 'MCP server 127.0.0.1:9 refused the connection: Connection refused',
    failure_kind: 'refused', degradation_level: 'partial_degradation',
  });
  const e = await api('/api/bots/agents').catch((x) => x);
  assert.ok(e instanceof ApiError);
  assert.equal(e.status, 503);
  assert.equal(e.statusText, 'Service Unavailable');   // HTTP/2 and fetch give no reason phrase: the viewer's own
  assert.equal(e.title, 'MCP server unavailable');
  assert.equal(e.failureKind, 'refused');
  assert.equal(describeError(e), '503 Service Unavailable: MCP server unavailable — MCP server 127.0.0.1:9 refused the connection: '
    + 'Connection refused · set CLAUDE_FLOW_HOST / MCP_TCP_PORT, or start the built-in simulator with visionflow --simulator');
});

test('our own refusals and the server\'s answers get no remedy', () => {
  const limit = new ApiError(409, 'Conflict', { title: 'Agent limit reached', detail: 'MCP_MAX_AGENTS=5 reached' });
  assert.equal(limit.failureKind, null);
  assert.equal(describeError(limit), '409 Conflict: Agent limit reached — MCP_MAX_AGENTS=5 reached');
  const notFound = new ApiError(404, 'Not Found', { title: 'Not found', detail: 'no agent x', failure_kind: 'not_found' });
  assert.equal(describeError(notFound), '404 Not Found: Not found — no agent x');
});

test('a body without a problem still says something', () => {
  assert.equal(describeError(new ApiError(500, 'Internal Server Error', 'boom\n')), '500 Internal Server Error: boom');
  assert.equal(describeError(new ApiError(502, '', null)), '502: HTTP 502');
  // The title alone when there is no detail, said once.
  assert.equal(describeError(new ApiError(429, 'Too Many Requests', { title: 'Too many requests' })), '429 Too Many Requests: Too many requests');
  assert.equal(describeError(new Error('plain')), 'plain');
});

test('no answer at all says the service did not answer', async () => {
  globalThis.fetch = async () => { throw new TypeError('Failed to fetch'); };
  const e = await api('/api/graph').catch((x) => x);
  assert.equal(e.status, 0);
  assert.equal(describeError(e), 'the VisionFlow service did not answer (Failed to fetch)');
});

test('a 401 asks for the key; a success returns status, reason and body', async () => {
  let asked = 0;
  onUnauthorized(() => { asked++; });
  globalThis.fetch = async () => problem(401, { title: 'API key required' });
  await assert.rejects(api('/api/bots/status'), (e) => e.status === 401);
  assert.equal(asked, 1);

  let seen;
  globalThis.fetch = async (path, options) => { seen = options; return new Response(null, { status: 204 }); };
  assert.deepEqual(await api('/api/bots/agents/a', { method: 'DELETE' }), { status: 204, statusText: 'No Content', body: null });
  assert.equal(seen.method, 'DELETE');
  assert.equal(seen.credentials, 'same-origin');
  assert.equal(seen.cache, 'no-store');
});

test('reason phrases: the response\'s own first', () => {
  assert.equal(reason({ statusText: 'Teapot', status: 418 }), 'Teapot');
  assert.equal(reason({ statusText: '', status: 422 }), REASONS[422]);
  assert.equal(reason({ statusText: '', status: 418 }), '');
});
