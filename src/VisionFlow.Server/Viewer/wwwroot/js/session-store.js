// Ids kept for this browser session (sessionStorage, so a reload keeps them); in memory only where storage is refused.

export function load(key, storage = globalThis.sessionStorage) {
  try { return JSON.parse(storage.getItem(key) || '[]'); } catch { return []; }
}

export function save(key, ids, storage = globalThis.sessionStorage) {
  try { storage.setItem(key, JSON.stringify(ids)); } catch { /* private mode: kept in memory */ }
}
