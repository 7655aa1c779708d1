import { cancelTimer, startTimer } from './acd-timers.js';
import { isRegistered } from './agent-eligibility.js';
import { refreshAgent } from './agent-index.js';
import { journal, type AgentState, type Interaction, type Work } from './engine-state.js';
import { recordHandleTime } from './ewt.js';
import { finishInteraction, leave, returnToWaiting } from './interaction-lifecycle.js';
import { cancelOffer } from './offers.js';

// Agent status (login, pause, logout), registration and the end of a conversation (wrap-up).
// Counters (handled, talk time, misses) count since login.

export function login(w: Work, a: AgentState): void {
  if (a.status !== 'loggedOut') return;
  a.status = 'available';
  a.pauseReason = null;
  a.statusSince = w.at;
  a.idleSince = w.at;
  a.handled = 0;
  a.talkMs = 0;
  a.consecutiveMisses = 0;
  journal(w, 'acd.agent.login', { agentId: a.id }, {});
  refreshAgent(w, a);
}

/** Pending offers are withdrawn; a conversation in progress goes on, but nothing new is offered. */
export function logout(w: Work, a: AgentState): void {
  if (a.status === 'loggedOut') return;
  a.status = 'loggedOut';
  a.pauseReason = null;
  a.statusSince = w.at;
  withdrawOffers(w, a);
  journal(w, 'acd.agent.logout', { agentId: a.id }, {});
  refreshAgent(w, a);
}

export function withdrawOffers(w: Work, a: AgentState): void {
  for (const offer of [...a.offers]) {
    cancelOffer(w, offer, 'agentLoggedOut');
    if (offer.interaction.offers.size === 0) returnToWaiting(w, offer.interaction);
  }
}

/** An offer already ringing keeps ringing: pausing is about what comes next. */
export function pauseAgent(w: Work, a: AgentState, reason: string, auto: boolean): void {
  if (a.status === 'loggedOut' || (a.status === 'paused' && a.pauseReason === reason)) return;
  a.status = 'paused';
  a.pauseReason = reason;
  a.statusSince = w.at;
  const productive = w.s.pauseReasons.get(reason)?.productive ?? false;
  journal(w, 'acd.agent.paused', { agentId: a.id }, { reason, productive, auto });
  refreshAgent(w, a);
}

export function unpause(w: Work, a: AgentState): void {
  if (a.status !== 'paused') return;
  const reason = a.pauseReason;
  const pausedMs = w.at - a.statusSince;
  a.status = 'available';
  a.pauseReason = null;
  a.statusSince = w.at;
  a.consecutiveMisses = 0;
  journal(w, 'acd.agent.unpaused', { agentId: a.id }, { reason, pausedMs });
  refreshAgent(w, a);
}

export function registration(w: Work, endpoint: string, registered: boolean): void {
  const s = w.s;
  if (s.endpointsUp.has(endpoint) === registered) return;
  if (registered) s.endpointsUp.add(endpoint);
  else s.endpointsUp.delete(endpoint);
  for (const a of s.endpointAgents.get(endpoint) ?? []) {
    const before = isRegistered(a);
    a.registeredEndpoints += registered ? 1 : -1;
    journal(w, registered ? 'acd.agent.registered' : 'acd.agent.unregistered', { agentId: a.id }, { endpoint });
    if (isRegistered(a) !== before) refreshAgent(w, a);
  }
}

/** The conversation is over: talk time and count, then wrap-up (queue's length, per agent). */
export function ended(w: Work, i: Interaction, by: 'caller' | 'agent' | 'system'): void {
  if (i.phase !== 'connected') return leave(w, i, 'abandoned');
  const talkMs = w.at - (i.connectedAt ?? w.at);
  journal(w, 'acd.ended', { interaction: i, ...(i.agentId !== null ? { agentId: i.agentId } : {}) }, { by, talkMs });
  finishInteraction(w, i);
  const a = i.agentId === null ? undefined : w.s.agents.get(i.agentId);
  if (!a || !a.connected.has(i.id)) return;
  a.connected.delete(i.id);
  a.talkMs += talkMs;
  a.handled++;
  const wrapMs = i.queue.config.wrapUpSec * 1000;
  a.wrapUps.push({ interactionId: i.id, callId: i.request.callId, queue: i.queue, talkMs, endedAt: w.at });
  if (wrapMs <= 0) {
    // No wrap-up of its own; if another conversation's wrap-up runs, it ends with that one.
    if (a.wrapUpUntil === null) return endWrapUp(w, a, false);
    return refreshAgent(w, a);
  }
  setWrapUpUntil(w, a, Math.max(a.wrapUpUntil ?? 0, w.at + wrapMs));
  journal(w, 'acd.wrapup.started', { interactionId: i.id, callId: i.request.callId, agentId: a.id, queueId: i.queue.id }, { until: a.wrapUpUntil });
  refreshAgent(w, a);
}

export function setWrapUpUntil(w: Work, a: AgentState, until: number): void {
  cancelTimer(w, a.wrapUpTimer);
  a.wrapUpUntil = until;
  a.wrapUpTimer = startTimer(w, { kind: 'wrapUp', agent: a }, until, 'wrapup');
}

/**
 * Wrap-up over (its timer, or the agent early; at once when the queue has none). Each interaction's
 * handle time feeds its queue's AHT and is journaled, which is where AHT comes back from after a restart.
 */
export function endWrapUp(w: Work, a: AgentState, early: boolean): void {
  cancelTimer(w, a.wrapUpTimer);
  a.wrapUpTimer = null;
  a.wrapUpUntil = null;
  for (const item of a.wrapUps) {
    const handleMs = item.talkMs + (w.at - item.endedAt);
    recordHandleTime(item.queue, handleMs, w.s.settings);
    journal(w, 'acd.wrapup.ended', { interactionId: item.interactionId, callId: item.callId, agentId: a.id, queueId: item.queue.id }, { early, handleMs });
    const channel = a.holds.get(item.interactionId);
    if (channel === undefined) continue;
    a.holds.delete(item.interactionId);
    a.perChannel[channel]--;
  }
  a.wrapUps = [];
  a.idleSince = w.at;
  refreshAgent(w, a);
}

export function extendWrapUp(w: Work, a: AgentState, seconds: number): void {
  if (a.wrapUpUntil === null || seconds <= 0) return;
  setWrapUpUntil(w, a, a.wrapUpUntil + seconds * 1000);
  journal(w, 'acd.wrapup.extended', { agentId: a.id }, { seconds, until: a.wrapUpUntil });
  refreshAgent(w, a);
}
