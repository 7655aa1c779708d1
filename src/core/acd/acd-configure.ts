import { CHANNELS, type AcdConfig, type AgentConfig, type AgentSavedState } from './acd-types.js';
import { cancelTimer } from './acd-timers.js';
import { levelOf, refreshAgent } from './agent-index.js';
import { setWrapUpUntil, withdrawOffers } from './agent-lifecycle.js';
import { newFreeIndexes, newStaffedIndex, type AgentState, type Interaction, type QueueState, type Work } from './engine-state.js';
import { effArrival, noAgents, syncSteps } from './interaction-lifecycle.js';
import { requirementsAt, sortSteps } from './requirements.js';
import { compareKeys, SortedList } from './sorted-list.js';
import { addWaiting, bucketKey } from './waiting-index.js';

// Configuration changes keep each agent's runtime state (by id) and every waiting caller's place;
// the indexes are rebuilt from scratch since skills, endpoints and priorities may all have moved.

function newAgent(config: AgentConfig, at: number): AgentState {
  return {
    id: config.id, config, skills: new Map(), skillList: [], skillLevels: [], bucketKeys: [], status: 'loggedOut', pauseReason: null, statusSince: at, activity: 'idle', activitySince: at, idleSince: at, idleKey: at,
    wrapUpUntil: null, wrapUpTimer: null, wrapUps: [], handled: 0, talkMs: 0, consecutiveMisses: 0, registeredEndpoints: 0,
    holds: new Map(), perChannel: { voice: 0, chat: 0, email: 0, callback: 0 }, offers: new Set(), connected: new Set(), freeMask: 0, indexedMask: 0, staffedIndexed: false,
  };
}

export function configure(w: Work, config: AcdConfig): void {
  const s = w.s;
  s.settings = config.settings;
  s.pauseReasons = new Map(config.pauseReasons.map((r) => [r.code, r]));

  const agents = new Map<string, AgentState>();
  for (const c of config.agents) {
    const a = s.agents.get(c.id) ?? newAgent(c, w.at);
    a.config = c;
    a.skills = new Map(Object.entries(c.skills));
    a.skillList = [...a.skills.keys()];
    a.skillLevels = a.skillList.map((skill) => levelOf(a.skills.get(skill)!));
    a.bucketKeys = CHANNELS.map((channel) => [bucketKey(channel, ''), ...a.skillList.map((skill) => bucketKey(channel, skill))]);
    agents.set(c.id, a);
  }
  for (const a of s.agents.values()) {
    if (agents.has(a.id)) continue;
    withdrawOffers(w, a);
    cancelTimer(w, a.wrapUpTimer);
    a.wrapUpTimer = null;
  }

  const queues = new Map<string, QueueState>();
  for (const c of config.queues) {
    const q = s.queues.get(c.id) ?? { id: c.id, config: c, steps: [], waiting: new SortedList<Interaction>(compareKeys), members: new Set(), handleTimes: [], rrLast: null };
    q.config = c;
    q.steps = sortSteps(c.steps);
    queues.set(c.id, q);
  }
  for (const q of s.queues.values()) {
    if (queues.has(q.id)) continue;
    for (const i of [...q.members]) if (i.phase !== 'connected') noAgents(w, i, 'queue removed');
  }

  s.agents = agents;
  s.queues = queues;
  rebuildAgentIndexes(w);
  rebuildWaiting(w);
  w.routeAll = true;
}

function rebuildAgentIndexes(w: Work): void {
  const s = w.s;
  s.endpointAgents = new Map();
  s.agentsBySkill = new Map();
  s.free = newFreeIndexes();
  s.staffed = newStaffedIndex();
  const changed = new Set(w.agentsChanged);
  for (const a of s.agents.values()) {
    a.registeredEndpoints = 0;
    for (const e of a.config.endpoints) {
      const list = s.endpointAgents.get(e) ?? [];
      list.push(a);
      s.endpointAgents.set(e, list);
      if (s.endpointsUp.has(e)) a.registeredEndpoints++;
    }
    for (const skill of a.skillList) {
      const list = s.agentsBySkill.get(skill) ?? [];
      list.push(a);
      s.agentsBySkill.set(skill, list);
    }
    a.freeMask = 0;
    a.indexedMask = 0;
    a.staffedIndexed = false;
    refreshAgent(w, a);
  }
  w.agentsChanged = changed;
}

function rebuildWaiting(w: Work): void {
  const s = w.s;
  s.waiting = new Map();
  const waiting: Interaction[] = [];
  for (const q of s.queues.values()) {
    q.waiting = new SortedList<Interaction>(compareKeys);
    for (const i of q.members) {
      if (i.phase === 'connected') continue;
      // An interaction being offered goes back to waiting with these if the offer is missed.
      i.step = Math.min(i.step, q.steps.length - 1);
      i.requirements = requirementsAt(q.config.skills, q.steps, i.request.skills, i.step);
      i.effArrival = effArrival(s, i);
      if (i.phase !== 'waiting') continue;
      i.bucket = null;
      waiting.push(i);
    }
  }
  for (const i of waiting) addWaiting(w, i);
  for (const i of waiting) if (!i.gone) syncSteps(w, i);
}

export function restoreAgent(w: Work, saved: AgentSavedState): void {
  const a = w.s.agents.get(saved.agentId);
  if (!a) return;
  a.status = saved.status;
  a.pauseReason = saved.status === 'paused' ? saved.pauseReason : null;
  a.statusSince = saved.statusSince;
  a.idleSince = saved.idleSince;
  a.handled = saved.handled;
  a.talkMs = saved.talkMs;
  // A conversation already adopted wins over a saved wrap-up, whichever of the two came first.
  if (saved.wrapUpUntil !== null && saved.wrapUpUntil > w.at && a.connected.size === 0) setWrapUpUntil(w, a, saved.wrapUpUntil);
  else {
    cancelTimer(w, a.wrapUpTimer);
    a.wrapUpTimer = null;
    a.wrapUpUntil = null;
  }
  refreshAgent(w, a);
}
