import type { AcdEffect, EnqueueRequest } from './acd-types.js';
import { cancelTimer, startTimer } from './acd-timers.js';
import { countStaffed, indexChannel } from './agent-index.js';
import { emit, journal, type AcdState, type Interaction, type QueueState, type Work } from './engine-state.js';
import { ewtOf } from './ewt.js';
import { cancelOffer } from './offers.js';
import { dueStep, meetsRequirements, requirementsAt } from './requirements.js';
import { archiveInteraction } from './routing-explain.js';
import { addWaiting, rekey, removeWaiting } from './waiting-index.js';

// An interaction from enqueue to its end in the queue: steps, overflow, max wait, leaving.

function overflowTarget(w: Work, q: QueueState, visited: Set<string>): QueueState | null {
  const id = q.config.overflowQueue;
  const target = id === null ? undefined : w.s.queues.get(id);
  return target && !visited.has(target.id) ? target : null;
}

/** Priority is a head start measured in waiting time, so a long wait still ages past it. */
export function effArrival(s: AcdState, i: Interaction): number {
  return i.enqueuedAt - (i.queue.config.priority + i.request.priority) * s.settings.priorityWeightSec * 1000;
}

export function baseRequirements(i: Interaction) {
  return requirementsAt(i.queue.config.skills, i.queue.steps, i.request.skills, -1);
}

function result(w: Work, i: Interaction, outcome: 'timeout' | 'full' | 'noAgents', data: Record<string, unknown>): void {
  const effect: AcdEffect = { type: 'result', interactionId: i.id, outcome, data: { queueId: i.queue.id, ...data } };
  emit(w, effect);
}

/** A waiting interaction not yet indexed anywhere; requirements and effArrival are set by the caller once its queue is final. */
export function newInteraction(s: AcdState, request: EnqueueRequest, q: QueueState, enqueuedAt: number): Interaction {
  return {
    id: request.id, request, channel: request.channel, queue: q, enqueuedAt, queueEnteredAt: enqueuedAt, effArrival: 0, seq: ++s.seq,
    phase: 'waiting', gone: false, step: -1, requirements: [], bucket: null, offers: new Set(), agentId: null, connectedAt: null,
    missedUntil: new Map(), visited: new Set([q.id]), stepTimer: null, maxWaitAt: null, maxWaitTimer: null, wakeTimers: new Set(), decision: null,
  };
}

export function enqueue(w: Work, request: EnqueueRequest): void {
  const s = w.s;
  if (s.interactions.has(request.id)) return;
  let q = s.queues.get(request.queueId);
  const enqueuedAt = request.enqueuedAt ?? w.at;
  if (!q) {
    journal(w, 'acd.noAgents', { interactionId: request.id, callId: request.callId, queueId: request.queueId }, { reason: 'unknown queue' });
    emit(w, { type: 'result', interactionId: request.id, outcome: 'noAgents', data: { queueId: request.queueId, reason: 'unknown queue' } });
    return;
  }
  const i = newInteraction(s, request, q, enqueuedAt);
  for (;;) {
    const max = q.config.maxLength;
    if (max === null || q.waiting.size < max) break;
    journal(w, 'acd.full', { interaction: i }, { maxLength: max, waiting: q.waiting.size });
    const next = overflowTarget(w, q, i.visited);
    if (!next) return result(w, i, 'full', { maxLength: max });
    journal(w, 'acd.overflow', { interaction: i }, { from: q.id, to: next.id, reason: 'full' });
    i.queue = q = next;
    i.visited.add(q.id);
  }
  i.requirements = baseRequirements(i);
  i.effArrival = effArrival(s, i);
  if (!q.config.joinWhenEmpty && countStaffed(s.staffed, i.requirements) === 0) {
    journal(w, 'acd.noAgents', { interaction: i }, { requirements: i.requirements });
    return result(w, i, 'noAgents', {});
  }
  indexChannel(s, i.channel);
  s.interactions.set(i.id, i);
  q.members.add(i);
  addWaiting(w, i);
  const { position, ewtSec } = ewtOf(s, i);
  journal(w, 'acd.enqueued', { interaction: i }, { priority: request.priority, skills: request.skills, requirements: i.requirements, ewtSec, position });
  scheduleMaxWait(w, i);
  schedulePreferredEnd(w, i);
  syncSteps(w, i);
  w.reroute.add(i);
}

function scheduleMaxWait(w: Work, i: Interaction): void {
  const limits = [i.queue.config.maxWaitSec, i.request.maxWaitSec].filter((x): x is number => x !== null);
  if (limits.length === 0) return;
  i.maxWaitAt = i.queueEnteredAt + Math.min(...limits) * 1000;
  i.maxWaitTimer = startTimer(w, { kind: 'maxWait', interaction: i }, i.maxWaitAt, 'maxwait');
}

function schedulePreferredEnd(w: Work, i: Interaction): void {
  const end = i.enqueuedAt + i.queue.config.preferredAgentSec * 1000;
  if (i.request.preferredAgentId !== null && end > w.at) i.wakeTimers.add(startTimer(w, { kind: 'wake', interaction: i }, end, 'preferred'));
}

/** Applies the steps due by now (waiting counts from the original arrival) and arms the next one. */
export function syncSteps(w: Work, i: Interaction): void {
  const steps = i.queue.steps;
  const due = dueStep(steps, w.at - i.enqueuedAt);
  for (let k = i.step + 1; k <= due; k++) {
    const target = steps[k]!.overflowQueue;
    const to = target === undefined ? undefined : w.s.queues.get(target);
    if (!to || i.visited.has(to.id)) continue;
    setStep(w, i, k);
    moveToQueue(w, i, to, 'step');
    return;
  }
  if (due > i.step) setStep(w, i, due);
  if (i.stepTimer === null && i.step + 1 < steps.length) {
    i.stepTimer = startTimer(w, { kind: 'step', interaction: i }, i.enqueuedAt + steps[i.step + 1]!.afterSec * 1000, 'step');
  }
}

function setStep(w: Work, i: Interaction, step: number): void {
  rekey(w, i, () => {
    i.step = step;
    i.requirements = requirementsAt(i.queue.config.skills, i.queue.steps, i.request.skills, step);
  });
  journal(w, 'acd.step', { interaction: i }, { step, requirements: i.requirements });
  w.reroute.add(i);
}

/** Overflow (max wait, full, or a step): same arrival, the new queue's priority, requirements and steps. */
function moveToQueue(w: Work, i: Interaction, to: QueueState, reason: 'maxWait' | 'step'): void {
  const from = i.queue;
  rekey(w, i, () => {
    from.members.delete(i);
    i.queue = to;
    i.visited.add(to.id);
    i.queueEnteredAt = w.at;
    i.step = -1;
    i.requirements = baseRequirements(i);
    i.effArrival = effArrival(w.s, i);
    to.members.add(i);
  });
  w.queuesChanged.add(from.id);
  w.queuesChanged.add(to.id);
  journal(w, 'acd.overflow', { interaction: i }, { from: from.id, to: to.id, reason });
  cancelTimer(w, i.stepTimer);
  i.stepTimer = null;
  cancelTimer(w, i.maxWaitTimer);
  i.maxWaitTimer = null;
  i.maxWaitAt = null;
  scheduleMaxWait(w, i);
  schedulePreferredEnd(w, i);
  syncSteps(w, i);
  w.reroute.add(i);
}

/** Max wait reached while waiting. While an offer rings it waits for the offer's outcome instead. */
export function maxWaitReached(w: Work, i: Interaction): void {
  const to = overflowTarget(w, i.queue, i.visited);
  if (to) return moveToQueue(w, i, to, 'maxWait');
  const waitMs = w.at - i.enqueuedAt;
  journal(w, 'acd.timeout', { interaction: i }, { waitMs });
  result(w, i, 'timeout', { waitMs });
  finishInteraction(w, i);
}

export function returnToWaiting(w: Work, i: Interaction): void {
  if (i.gone) return;
  i.phase = 'waiting';
  addWaiting(w, i);
  if (i.maxWaitAt !== null && w.at >= i.maxWaitAt) {
    i.maxWaitTimer = null;
    maxWaitReached(w, i);
    if (i.gone) return;
  }
  syncSteps(w, i);
  w.reroute.add(i);
}

export function leave(w: Work, i: Interaction, reason: 'abandoned' | 'option' | 'withdrawn'): void {
  if (i.phase === 'connected') return;
  for (const offer of [...i.offers]) cancelOffer(w, offer, 'callerLeft');
  const waitMs = w.at - i.enqueuedAt;
  if (reason === 'abandoned') journal(w, 'acd.abandoned', { interaction: i }, { waitMs });
  else journal(w, 'acd.left', { interaction: i }, { reason, waitMs });
  finishInteraction(w, i);
}

/** The queue removed or no staffed agent left: the interaction leaves with `noAgents`. */
export function noAgents(w: Work, i: Interaction, reason: string): void {
  for (const offer of [...i.offers]) cancelOffer(w, offer, 'callerLeft');
  journal(w, 'acd.noAgents', { interaction: i }, { reason, waitMs: w.at - i.enqueuedAt });
  result(w, i, 'noAgents', { reason, waitMs: w.at - i.enqueuedAt });
  finishInteraction(w, i);
}

export function cancelInteractionTimers(w: Work, i: Interaction): void {
  cancelTimer(w, i.stepTimer);
  i.stepTimer = null;
  cancelTimer(w, i.maxWaitTimer);
  i.maxWaitTimer = null;
  for (const id of i.wakeTimers) cancelTimer(w, id);
  i.wakeTimers.clear();
}

/** Out of the engine (answered and ended, left, timed out): only its explanation stays. */
export function finishInteraction(w: Work, i: Interaction): void {
  removeWaiting(w, i);
  cancelInteractionTimers(w, i);
  i.gone = true;
  w.s.interactions.delete(i.id);
  i.queue.members.delete(i);
  w.queuesChanged.add(i.queue.id);
  archiveInteraction(w.s, i);
}

/**
 * leaveWhenEmpty: waiting interactions nobody staffed can take any more leave with `noAgents`. Only
 * those the agents who just left could take are checked, unless the configuration changed (skills,
 * endpoints, agents may all have moved).
 */
export function leaveIfEmpty(w: Work): void {
  const gone = [...w.unstaffed];
  for (const q of w.s.queues.values()) {
    if (!q.config.leaveWhenEmpty || q.waiting.size === 0) continue;
    for (const i of q.waiting.toArray()) {
      if (!w.routeAll && !gone.some((a) => meetsRequirements(a.skills, i.requirements))) continue;
      if (countStaffed(w.s.staffed, i.requirements) === 0) noAgents(w, i, 'no staffed agent left');
    }
  }
}
