// Values as words: unknown is "—", never 0. Pure functions; Node's test runner checks them (tests/viewer).

export const DASH = '—';

/** Whether a value is known: not null or undefined, and not a non-finite number. */
export const known = (v) => v !== null && v !== undefined && !(typeof v === 'number' && !Number.isFinite(v));

export const text = (v) => (known(v) && v !== '' ? String(v) : DASH);

export const num = (v, digits = 0, unit = '') => (known(v) && typeof v === 'number'
  ? v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) + unit : DASH);

export const yesNo = (v) => (v === true ? 'yes' : v === false ? 'no' : DASH);

/** A fraction 0-1 as a whole percentage. */
export const pct = (v) => (known(v) ? Math.round(v * 100) + ' %' : DASH);

export const count = (n) => n.toLocaleString('en-US');

/** "12 s ago (10:41:07)", relative to now (ms since the epoch). */
export function ago(iso, now = Date.now()) {
  if (!known(iso)) return DASH;
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return text(iso);
  const s = Math.max(0, (now - t) / 1000);
  const rel = s < 1 ? 'just now' : s < 60 ? Math.round(s) + ' s ago' : s < 3600 ? Math.round(s / 60) + ' min ago' : Math.round(s / 3600) + ' h ago';
  return rel + ' (' + new Date(t).toLocaleTimeString() + ')';
}

/** A duration in milliseconds as "250 ms" or "1.5 s"; null when unknown. */
export function seconds(ms) {
  if (!known(ms)) return null;
  return ms >= 1000 ? (ms / 1000).toLocaleString('en-US', { maximumFractionDigits: 1 }) + ' s' : Math.round(ms) + ' ms';
}
