// VisionFlow viewer: draws the knowledge graph and the agent graph live from the /ws binary stream, and lets an
// operator inspect, find, filter and command agents, swarms and tasks through the REST API. Native ES modules, no
// dependencies, no build step: the files are embedded in the server binary as they are. This module wires them up.

import { state, graph } from './state.js';
import { attach } from './canvas.js';
import { fitNow, screenPosition } from './camera.js';
import { positionOf } from './nodes.js';
import { labelOf } from './lookup.js';
import * as renderer from './renderer.js';
import * as stream from './stream.js';
import * as feed from './feed.js';
import * as interaction from './interaction.js';
import * as banner from './panels/banner.js';
import * as health from './panels/health.js';
import * as details from './panels/details.js';
import * as search from './panels/search.js';
import * as agents from './panels/agents.js';
import * as swarms from './panels/swarms.js';
import * as tasks from './panels/tasks.js';
import * as tabs from './panels/tabs.js';
import * as key from './panels/key.js';
import * as terminate from './panels/terminate.js';
import * as timeline from './panels/timeline.js';
import { $ } from './dom.js';

state.renderer = new URLSearchParams(location.search).get('renderer') || 'auto';

const openStream = () => stream.connect({ notice: feed.onNotice, closed: feed.refreshStatus });

attach($('graph'));
banner.init();
health.init();
details.init();
search.init();
terminate.init(feed.refreshAgents);
agents.init(feed.refreshAgents);
swarms.init(feed.refreshAgents);
tasks.init();
tabs.init();
key.init(() => { openStream(); feed.refreshAll(); });
interaction.init();
// The history timeline; on its way back to now the live reads run again (the stream is asked for everything by it).
timeline.init({ all: () => { feed.refreshAll(); swarms.refresh(); tasks.refresh(); } });

// Test and benchmark hooks: the model itself (read, and the view and renderer set by the harness) and a few questions.
// A hook must not hide a field of the model of the same name.
const hooks = {
  nodes: graph,
  position: (id) => positionOf(graph, id >>> 0),
  screenPosition,
  labelOf: (id) => labelOf(id, state.agents, state.meta),
  fitNow,
  pin: details.pin,
  edgeCount: () => graph.edges.count,
  edgeList: () => state.edges,
  timeline: timeline.hooks,
};
for (const name of Object.keys(hooks)) if (name in state) throw new Error('the test hook ' + name + ' would hide state.' + name);
window.visionflow = Object.assign(state, hooks);

renderer.start(interaction.retestHover);
openStream();
feed.refreshAll();
feed.startPolling();
swarms.startPolling();
tasks.startPolling();
