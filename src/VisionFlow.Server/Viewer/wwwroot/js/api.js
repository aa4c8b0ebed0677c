// The REST client: one fetch wrapper, errors that carry the problem's fields (RFC 7807), and one way of saying them.

import { remedyOf } from './failure.js';

// HTTP/2 carries no reason phrase: the answers are worded the same over either protocol.
export const REASONS = {
  200: 'OK', 201: 'Created', 204: 'No Content', 400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found',
  409: 'Conflict', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Entity',
  429: 'Too Many Requests', 500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway',
  503: 'Service Unavailable', 504: 'Gateway Timeout',
};

export const reason = (response) => response.statusText || REASONS[response.status] || '';

/** A failed request: its status and, for a problem body, its title, detail and the failure's kind (`failure_kind`). */
export class ApiError extends Error {
  constructor(status, statusText, body) {
    const problem = body && typeof body === 'object' ? body : null;
    const detail = problem ? (problem.detail || problem.title) : (typeof body === 'string' ? body.trim() : '');
    super(detail || statusText || ('HTTP ' + status));
    this.status = status;
    this.statusText = statusText;
    this.title = problem ? problem.title : null;
    this.failureKind = problem && typeof problem.failure_kind === 'string' ? problem.failure_kind : null;
    this.body = body;
  }
}

/**
 * Every failed command in words: "Terminate agent-7 → 409 Conflict: Agent limit reached — MCP_MAX_AGENTS=50 reached".
 * A failure the server classified as a link failure gets the remedy for its kind.
 */
export function describeError(e) {
  if (!(e instanceof ApiError)) return e.message;
  if (e.status === 0) return e.message;
  const head = (e.status + ' ' + (e.statusText || '')).trim();
  const title = e.title && e.title !== e.message ? e.title + ' — ' : '';
  const remedy = e.failureKind ? remedyOf(e.failureKind) : null;
  return head + ': ' + title + e.message + (remedy ? ' · ' + remedy : '');
}

let unauthorized = () => {};

/** What to do on a 401 (ask for the API key); set once by the page. */
export function onUnauthorized(handler) { unauthorized = handler; }

/** A request to the service: resolves to {status, statusText, body}, rejects with an ApiError. */
export async function api(path, options) {
  let response;
  try {
    response = await fetch(path, Object.assign({ credentials: 'same-origin', cache: 'no-store' }, options));
  } catch (e) {
    throw new ApiError(0, 'no answer', 'the VisionFlow service did not answer (' + e.message + ')');
  }
  if (response.status === 401) unauthorized();
  const type = response.headers.get('content-type') || '';
  let body = null;
  if (response.status !== 204) body = type.includes('json') ? await response.json().catch(() => null) : await response.text();
  if (!response.ok) throw new ApiError(response.status, reason(response), body);
  return { status: response.status, statusText: reason(response), body };
}

export const postJson = (path, body) => api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

export const del = (path) => api(path, { method: 'DELETE' });

/** A path with one id segment, encoded: path('/api/bots/tasks/', id). */
export const path = (prefix, id) => prefix + encodeURIComponent(id);
