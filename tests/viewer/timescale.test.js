import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xOf, momentAt, markerOf, clusterMarkers, outages, mergeMarkers, levelRank } from '../../src/VisionFlow.Server/Viewer/wwwroot/js/timescale.js';

const span = { from: 1_000_000, to: 1_060_000 };   // one minute on a 600 px track: 100 ms a pixel

test('a moment and its x map onto each other, clamped to the span', () => {
  assert.equal(xOf(1_030_000, span, 600), 300);
  assert.equal(momentAt(300, span, 600), 1_030_000);
  assert.equal(momentAt(xOf(1_012_345, span, 600), span, 600), 1_012_345, 'round trip at a fraction of a pixel');
  assert.equal(xOf(0, span, 600), 0);
  assert.equal(xOf(2_000_000, span, 600), 600);
  assert.equal(momentAt(-50, span, 600), span.from);
  assert.equal(momentAt(900, span, 600), span.to);
  // Nothing to span (one moment recorded): every x is that moment, and it sits at the end.
  assert.equal(momentAt(10, { from: 5, to: 5 }, 600), 5);
  assert.equal(xOf(5, { from: 5, to: 5 }, 600), 600);
});

const at = (ms) => new Date(ms).toISOString();

test('events become markers by what they mean: link lost or back, level down or up, commands and failed ones', () => {
  assert.equal(markerOf({ at: at(1), kind: 'link', state: 'reconnecting', reason: 'refused', detail: 'ECONNREFUSED' }).cls, 'link-down');
  assert.match(markerOf({ at: at(1), kind: 'link', state: 'reconnecting', reason: 'refused', detail: 'ECONNREFUSED' }).words, /refused.*ECONNREFUSED/);
  assert.equal(markerOf({ at: at(1), kind: 'link', state: 'connected' }).cls, 'link-up');
  assert.equal(markerOf({ at: at(1), kind: 'link', state: 'connecting' }).cls, 'link-connecting', 'the first connection is not a loss');
  assert.equal(markerOf({ at: at(1), kind: 'link', state: 'connecting', reason: 'refused' }).cls, 'link-down');
  assert.equal(markerOf({ at: at(1), kind: 'degradation', from: 'fully_operational', to: 'emergency_mode' }).cls, 'degraded');
  assert.equal(markerOf({ at: at(1), kind: 'degradation', from: 'safe_mode', to: 'partial_degradation' }).cls, 'recovered');
  assert.equal(markerOf({ at: at(1), kind: 'command', operation: 'POST /api/bots/agents', status: 201 }).cls, 'command');
  assert.equal(markerOf({ at: at(1), kind: 'command', operation: 'DELETE /api/bots/agents/{id}', id: 'a1', status: 409 }).cls, 'command-failed');
  assert.equal(markerOf({ at: at(1), kind: 'agent' }), null);
  assert.equal(markerOf({ at: 'not a moment', kind: 'link', state: 'connected' }), null);
  assert.equal(levelRank('safe_mode'), 3);
  assert.equal(levelRank('something new'), 4, 'an unknown level counts as the worst');
});

test('markers closer than a few pixels are gathered, drawn as the most alarming of them', () => {
  const m = (t, cls) => ({ at: t, cls, words: cls + '@' + t });
  const markers = [m(1_000_000, 'command'), m(1_000_200, 'link-down'), m(1_000_400, 'command'), m(1_030_000, 'link-up'), m(2_000_000, 'command')];
  const clusters = clusterMarkers(markers, span, 600, 6);
  assert.equal(clusters.length, 2, 'the last marker lies outside the span');
  assert.equal(clusters[0].count, 3);
  assert.equal(clusters[0].cls, 'link-down');
  assert.deepEqual(clusters[0].classes, ['command', 'link-down']);
  assert.equal(clusters[0].x, 0);
  assert.equal(clusters[1].x, 300);
  // The title lists a few and says there were more.
  const many = Array.from({ length: 20 }, (_, i) => m(1_000_000 + i, 'command'));
  const [one] = clusterMarkers(many, span, 600, 6, 8);
  assert.equal(one.count, 20);
  assert.equal(one.words.length, 9);
  assert.equal(one.words[8], '…');
});

test('outages run from a loss to the next return, and an open one to the end', () => {
  const m = (t, cls) => ({ at: t, cls });
  assert.deepEqual(outages([m(10, 'link-down'), m(12, 'link-down'), m(20, 'link-up'), m(25, 'link-up'), m(30, 'link-down')], 50),
    [{ from: 10, to: 20 }, { from: 30, to: 50 }]);
  assert.deepEqual(outages([m(10, 'link-up'), m(11, 'command')], 50), []);
});

test('markers read again from the last moment seen are not doubled, and late ones are sorted in', () => {
  const list = [];
  const e1 = { at: at(1000), kind: 'link', state: 'connected' };
  const e2 = { at: at(2000), kind: 'command', operation: 'POST /api/bots/agents', status: 201 };
  mergeMarkers(list, [e1, e2]);
  mergeMarkers(list, [e2, { at: at(3000), kind: 'degradation', from: 'fully_operational', to: 'safe_mode' }, { at: at(1500), kind: 'agent' }]);
  assert.deepEqual(list.map((m) => m.at), [1000, 2000, 3000]);
  mergeMarkers(list, [{ at: at(500), kind: 'link', state: 'reconnecting' }]);
  assert.deepEqual(list.map((m) => m.at), [500, 1000, 2000, 3000]);
});
