import { CHANNELS } from './acd-types.js';
import { CHANNEL_BIT, canTake, preferredAgent } from './agent-eligibility.js';
import { choose } from './candidates.js';
import type { AgentState, Interaction, Work } from './engine-state.js';
import { leaveIfEmpty } from './interaction-lifecycle.js';
import { makeOffer } from './offers.js';
import { compareKeys } from './sorted-list.js';
import { walkWaiting } from './waiting-index.js';

// The decision. Between events the engine keeps one invariant: no waiting interaction has an
// eligible free agent. So a newly waiting interaction only competes with interactions that could
// take none of the agents it can (it picks by its strategy), and a newly free agent takes the first
// waiting interaction it can in routing order. Several agents freed at once walk the interactions
// any of them could take, in order, each picking by its strategy. Timers (steps, preferred-agent
// window, retry delay) re-route when time changes eligibility.

export function routeInteraction(w: Work, i: Interaction): void {
  if (i.phase !== 'waiting' || i.gone) return;
  const choice = choose(w.s, i, w.at);
  if (choice) makeOffer(w, i, choice.agents, choice.candidates, choice.why);
}

function eligibleNow(w: Work, a: AgentState, i: Interaction): boolean {
  if (!canTake(a, i, w.at)) return false;
  const preferred = preferredAgent(w.s, i, w.at);
  return preferred === null || preferred === a;
}

export function routeAgents(w: Work, agents: AgentState[]): void {
  const keys = new Set<string>();
  for (const a of agents) {
    for (let k = 0; k < CHANNELS.length; k++) {
      if ((a.freeMask & CHANNEL_BIT[CHANNELS[k]!]) === 0) continue;
      for (const key of a.bucketKeys[k]!) keys.add(key);
    }
  }
  if (keys.size === 0) return;
  walkWaiting(w.s, keys, (i) => {
    if (agents.some((a) => eligibleNow(w, a, i))) routeInteraction(w, i);
    return agents.some((a) => a.freeMask !== 0);
  });
}

function routeEverything(w: Work): void {
  const all: Interaction[] = [];
  for (const q of w.s.queues.values()) for (const i of q.waiting.toArray()) all.push(i);
  all.sort(compareKeys);
  for (const i of all) routeInteraction(w, i);
}

/** End of every event: leaveWhenEmpty, then routing of what the event changed. */
export function settle(w: Work): void {
  if (w.unstaffed.size > 0 || w.routeAll) leaveIfEmpty(w);
  w.unstaffed.clear();
  if (w.routeAll) {
    w.routeAll = false;
    w.reroute.clear();
    w.freed.clear();
    routeEverything(w);
    return;
  }
  const interactions = [...w.reroute].sort(compareKeys);
  w.reroute.clear();
  for (const i of interactions) routeInteraction(w, i);
  const agents = [...w.freed].filter((a) => a.freeMask !== 0 && w.s.agents.get(a.id) === a);
  w.freed.clear();
  if (agents.length > 0) routeAgents(w, agents);
}
