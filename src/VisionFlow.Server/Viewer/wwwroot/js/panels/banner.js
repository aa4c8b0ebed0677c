// The banner: the degradation level, the MCP link's cause and remedy in words (failure.js), and the simulator label.

import { state, on } from '../state.js';
import { linkWords } from '../failure.js';
import { pastBanner } from '../past.js';
import { clockWords } from '../timescale.js';
import { $ } from '../dom.js';

/**
 * What the banner shows for a status and health answer: {level, message}. The level is the service's degradation level
 * (or `disabled` when MCP is off); the message is the link in words, led by what the level switches off while the
 * link is down. `fallback` is the last degradation notice, for when neither answer says.
 */
export function bannerOf(status, health, fallback, now = Date.now()) {
  const s = status, h = health;
  const level = (s && s.degradation_level) || (h && h.degradation_level) || fallback.level;
  const degradationMessage = (s && s.degradation_message) || (h && h.details && h.details.degradation && h.details.degradation.message) || fallback.message;
  let message = s ? linkWords(s, now) : degradationMessage;
  if (s && s.mcp_state !== 'connected' && s.mcp_state !== 'disabled' && degradationMessage && level !== 'fully_operational') {
    message = degradationMessage + ': ' + message;
  }
  return { level: s && s.mcp_state === 'disabled' ? 'disabled' : level, message };
}

/** The banner when the service itself does not answer. */
export const unansweredWords = (host, why) => 'VisionFlow service at ' + host + ' is not answering (' + why + ') · retrying every 2 s · is visionflow still running?';

/** The chip's text for a level. */
export const levelWords = (level) => (level === 'disabled' ? 'MCP off' : level.replace(/_/g, ' '));

function show(level, message) {
  if (!level) return;
  state.degradation = { level, message: message || '' };
  $('banner').className = 'banner level-' + level;
  $('banner-level').textContent = levelWords(level);
  $('banner-message').textContent = message || '';
}

function showSource() {
  const e = $('banner-source');
  if (state.at !== null) {
    e.textContent = state.history && state.history.mode === 'replay' ? 'REPLAY (read-only)' : 'HISTORY';
    e.className = 'past';
  } else if (state.simulated) {
    e.textContent = 'SIMULATED SWARM (built-in simulator)';
    e.className = 'simulated';
  } else {
    e.textContent = state.source && state.source !== 'none' ? 'source: ' + state.source : '';
    e.className = '';
  }
}

export function init() {
  on('status', ({ unanswered } = {}) => {
    if (state.at !== null) {
      // A recorded moment (panels/timeline.js wrote its link and level as the status).
      if (state.status && state.status.recorded) {
        const file = state.history && state.history.mode === 'replay' ? (state.history.file || '').split('/').pop() : null;
        const b = pastBanner(state.status, clockWords(state.shownAt), file);
        show(b.level, b.message);
      }
      showSource();
      return;
    }
    if (unanswered) show('disconnected', unansweredWords(location.host, unanswered));
    else {
      const b = bannerOf(state.status, state.health, state.degradation);
      show(b.level, b.message);
    }
    showSource();
  });
  // A /ws degradation notice shows at once while no status has been read; the status read it triggers says more.
  on('degradation', (d) => {
    if (state.at !== null) return;
    state.degradation = d;
    if (!state.status) show(d.level, d.message);
  });
  on('agents', showSource);
  on('moment', showSource);
}
