import { test } from 'node:test';
import assert from 'node:assert/strict';
import { colourOfStatus, rgbOf, packRgb, PALETTE, C_ACTIVE, C_BUSY, C_IDLE, C_STARTING, C_ERROR, C_STALE, C_UNKNOWN } from '../../src/VisionFlow.Server/Viewer/wwwroot/js/palette.js';

test('status words of the simulator and of Claude Flow 3.x get their colour, in any case', () => {
  const expect = {
    active: C_ACTIVE, busy: C_BUSY, working: C_BUSY, running: C_BUSY, idle: C_IDLE, registered: C_IDLE,
    initializing: C_STARTING, spawning: C_STARTING, starting: C_STARTING, pending: C_STARTING,
    error: C_ERROR, failed: C_ERROR, terminated: C_STALE, stopped: C_STALE, offline: C_STALE, stale: C_STALE,
  };
  for (const [status, colour] of Object.entries(expect)) {
    assert.equal(colourOfStatus(status, false), colour, status);
    assert.equal(colourOfStatus(status.toUpperCase(), false), colour, status);
  }
});

test('stale wins over any status; unknown or missing status is its own colour', () => {
  assert.equal(colourOfStatus('active', true), C_STALE);
  assert.equal(colourOfStatus('pondering', false), C_UNKNOWN);
  assert.equal(colourOfStatus(null, false), C_UNKNOWN);
  assert.equal(colourOfStatus(undefined, undefined), C_UNKNOWN);
  // An inherited property is no status.
  assert.equal(colourOfStatus('constructor', false), C_UNKNOWN);
  assert.equal(colourOfStatus('toString', false), C_UNKNOWN);
});

test('colours pack as little-endian RGBA pixels', () => {
  assert.deepEqual(rgbOf('#3fb950'), [0x3f, 0xb9, 0x50]);
  assert.equal(packRgb([0x11, 0x22, 0x33]), 0xff332211);
  assert.equal(new Set(PALETTE).size, PALETTE.length, 'every colour tells a different thing');
});
