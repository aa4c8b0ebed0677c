import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DASH, known, text, num, yesNo, pct, ago, seconds, count } from '../../src/VisionFlow.Server/Viewer/wwwroot/js/format.js';

test('unknown is a dash, never 0; known zeros stay 0', () => {
  for (const v of [null, undefined, NaN, Infinity, -Infinity]) {
    assert.equal(known(v), false);
    assert.equal(num(v), DASH);
    assert.equal(text(v), DASH);
  }
  assert.equal(known(0), true);
  assert.equal(num(0), '0');
  assert.equal(text(0), '0');
  assert.equal(text(''), DASH);
  assert.equal(text(false), 'false');
});

test('numbers get their digits, grouping and unit', () => {
  assert.equal(num(1234567), '1,234,567');
  assert.equal(num(12.345, 1, ' %'), '12.3 %');
  assert.equal(num(3, 2, ' ms'), '3.00 ms');
  // A numeric string is not a number the API reported as one.
  assert.equal(num('12'), DASH);
  assert.equal(count(10000), '10,000');
});

test('yes, no or unknown', () => {
  assert.equal(yesNo(true), 'yes');
  assert.equal(yesNo(false), 'no');
  assert.equal(yesNo(null), DASH);
  assert.equal(yesNo('true'), DASH);
});

test('fractions as whole percentages', () => {
  assert.equal(pct(0.4), '40 %');
  assert.equal(pct(0), '0 %');
  assert.equal(pct(1), '100 %');
  assert.equal(pct(null), DASH);
});

test('ago says how long before now, then the time', () => {
  const now = Date.parse('2026-01-01T12:00:00Z');
  assert.match(ago('2026-01-01T12:00:00Z', now), /^just now \(/);
  assert.match(ago('2026-01-01T11:59:48Z', now), /^12 s ago \(/);
  assert.match(ago('2026-01-01T11:55:00Z', now), /^5 min ago \(/);
  assert.match(ago('2026-01-01T09:00:00Z', now), /^3 h ago \(/);
  // A clock a little ahead of ours is not "in the future".
  assert.match(ago('2026-01-01T12:00:05Z', now), /^just now/);
  assert.equal(ago(null, now), DASH);
  assert.equal(ago('not a time', now), 'not a time');
});

test('durations in ms below a second, in s from one', () => {
  assert.equal(seconds(250), '250 ms');
  assert.equal(seconds(999.6), '1000 ms');
  assert.equal(seconds(1000), '1 s');
  assert.equal(seconds(1500), '1.5 s');
  assert.equal(seconds(null), null);
});
