import { DEFAULT_SETTINGS, type AcdEffect, type AcdEngine, type AcdEvent } from './acd-types.js';
import { configure, restoreAgent } from './acd-configure.js';
import { adoptConnected } from './adopt.js';
import { agentView, interactionsOf, interactionView, snapshot } from './acd-views.js';
import { endWrapUp, ended, extendWrapUp, login, logout, pauseAgent, registration, unpause } from './agent-lifecycle.js';
import { newState, newWork, type AcdState, type TimerTask, type Work } from './engine-state.js';
import { enqueue, leave, maxWaitReached, syncSteps } from './interaction-lifecycle.js';
import { answerOffer, missOffer, offerRinging, offerTimedOut, staleOffer } from './offers.js';
import { settle } from './router.js';
import { explain } from './routing-explain.js';

// The ACD routing engine: events in, effects out, state kept inside for speed. Every event ends
// with `settle` (routing what changed) and the change notifications, deduplicated.

export function createAcdEngine(options: { random?: () => number } = {}): AcdEngine {
  const s = newState(DEFAULT_SETTINGS, options.random ?? Math.random);

  function run(at: number, body: (w: Work) => void): AcdEffect[] {
    const w = newWork(s, at);
    body(w);
    settle(w);
    for (const agentId of w.agentsChanged) w.effects.push({ type: 'agentChanged', agentId });
    for (const queueId of w.queuesChanged) w.effects.push({ type: 'queueChanged', queueId });
    return w.effects;
  }

  return {
    configure: (config, at) => run(at, (w) => configure(w, config)),
    handle: (event) => run(event.at, (w) => dispatch(s, w, event)),
    restoreAgent: (saved, at) => run(at, (w) => restoreAgent(w, saved)),
    seedHandleTimes(queueId, handleMs) {
      const q = s.queues.get(queueId);
      // The store gives newest first; the window keeps oldest first.
      if (q) q.handleTimes = handleMs.slice(0, s.settings.ahtWindow).reverse();
    },
    agent(agentId) {
      const a = s.agents.get(agentId);
      return a && agentView(a);
    },
    agents: () => [...s.agents.values()].map(agentView),
    interaction(interactionId) {
      const i = s.interactions.get(interactionId);
      return i && interactionView(s, i);
    },
    interactionsOf(queueId) {
      const q = s.queues.get(queueId);
      return q ? interactionsOf(s, q) : [];
    },
    snapshot(queueId, at) {
      const q = s.queues.get(queueId);
      return q && snapshot(s, q, at);
    },
    explain: (interactionId, at) => explain(s, interactionId, at),
  };
}

function dispatch(s: AcdState, w: Work, e: AcdEvent): void {
  switch (e.type) {
    case 'login':
    case 'logout':
    case 'pause':
    case 'unpause':
    case 'wrapUpEnd':
    case 'wrapUpExtend': {
      const a = s.agents.get(e.agentId);
      if (!a) return;
      if (e.type === 'login') login(w, a);
      else if (e.type === 'logout') logout(w, a);
      else if (e.type === 'pause') pauseAgent(w, a, e.reason, false);
      else if (e.type === 'unpause') unpause(w, a);
      else if (e.type === 'wrapUpEnd') {
        if (a.wrapUpUntil !== null) endWrapUp(w, a, true);
      } else extendWrapUp(w, a, e.seconds);
      return;
    }
    case 'registration':
      return registration(w, e.endpoint, e.registered);
    case 'enqueue':
      return enqueue(w, e.request);
    case 'leave':
    case 'ended': {
      const i = s.interactions.get(e.interactionId);
      if (!i) return;
      if (e.type === 'leave') leave(w, i, e.reason);
      else ended(w, i, e.by);
      return;
    }
    case 'offerRinging':
    case 'offerAnswered':
    case 'offerFailed': {
      const offer = s.offers.get(e.offerId);
      if (!offer) return e.type === 'offerFailed' ? undefined : staleOffer(w, e.offerId);
      if (e.type === 'offerRinging') offerRinging(w, offer);
      else if (e.type === 'offerAnswered') answerOffer(w, offer);
      else missOffer(w, offer, e.reason);
      return;
    }
    case 'adoptConnected':
      return adoptConnected(w, e.request, e.agentId, e.connectedAt);
    case 'timer': {
      const task = s.timers.get(e.timerId);
      if (!task) return;
      s.timers.delete(e.timerId);
      return fire(s, w, e.timerId, task);
    }
  }
}

function fire(s: AcdState, w: Work, timerId: string, task: TimerTask): void {
  switch (task.kind) {
    case 'ring':
      task.offer.timerId = null;
      if (s.offers.get(task.offer.id) === task.offer) offerTimedOut(w, task.offer);
      return;
    case 'wrapUp':
      task.agent.wrapUpTimer = null;
      if (s.agents.get(task.agent.id) === task.agent) endWrapUp(w, task.agent, false);
      return;
  }
  const i = task.interaction;
  if (task.kind === 'step') i.stepTimer = null;
  if (task.kind === 'maxWait') i.maxWaitTimer = null;
  if (task.kind === 'wake') i.wakeTimers.delete(timerId);
  // While an offer rings, steps and max wait are caught up when the interaction is back waiting.
  if (i.gone || i.phase !== 'waiting') return;
  if (task.kind === 'step') syncSteps(w, i);
  else if (task.kind === 'maxWait') maxWaitReached(w, i);
  else w.reroute.add(i);
}
