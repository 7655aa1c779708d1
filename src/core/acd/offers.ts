import { NO_ANSWER_REASON, type MissReason } from './acd-types.js';
import { cancelTimer, startTimer } from './acd-timers.js';
import { refreshAgent } from './agent-index.js';
import { pauseAgent } from './agent-lifecycle.js';
import { emit, journal, type AgentState, type Interaction, type Offer, type Work } from './engine-state.js';
import { cancelInteractionTimers, returnToWaiting } from './interaction-lifecycle.js';
import { removeWaiting } from './waiting-index.js';

// Offers: one per agent rung (ring-all rings several). Exactly one offer of an interaction can
// win; every other one is cancelled, and a late answer on a dead offer is hung up again.

type CancelReason = 'timeout' | 'lostRace' | 'callerLeft' | 'agentLoggedOut';

export function makeOffer(w: Work, i: Interaction, agents: AgentState[], candidates: number, why: string): void {
  const s = w.s;
  const q = i.queue;
  const strategy = q.config.strategy;
  removeWaiting(w, i);
  i.phase = 'offering';
  i.decision = { at: w.at, agentIds: agents.map((a) => a.id), strategy, candidates, why };
  for (const a of agents) {
    const offer: Offer = { id: `o-${++s.offerSeq}`, interaction: i, agent: a, at: w.at, ringing: false, timerId: null };
    s.offers.set(offer.id, offer);
    i.offers.add(offer);
    a.offers.add(offer);
    a.holds.set(i.id, i.channel);
    a.perChannel[i.channel]++;
    journal(w, 'acd.offered', { interaction: i, agentId: a.id }, { offerId: offer.id, agentId: a.id, strategy, candidates, why });
    emit(w, {
      type: 'offer',
      offerId: offer.id,
      interactionId: i.id,
      agentId: a.id,
      endpoints: a.config.endpoints,
      channel: i.channel,
      queueId: q.id,
      timeoutSec: q.config.ringTimeoutSec,
      callerNumber: i.request.callerNumber,
      callerName: i.request.callerName,
    });
    offer.timerId = startTimer(w, { kind: 'ring', offer }, w.at + q.config.ringTimeoutSec * 1000, 'ring');
    refreshAgent(w, a);
  }
  q.rrLast = agents[agents.length - 1]?.id ?? q.rrLast;
}

/** Takes the offer off the books (agent and interaction) and remembers it for late answers. */
function release(w: Work, offer: Offer, won: boolean): void {
  const { interaction: i, agent: a } = offer;
  w.s.offers.delete(offer.id);
  w.s.pastOffers.set(offer.id, { interactionId: i.id, agentId: a.id, won });
  cancelTimer(w, offer.timerId);
  offer.timerId = null;
  i.offers.delete(offer);
  a.offers.delete(offer);
  if (!won) {
    a.holds.delete(i.id);
    a.perChannel[i.channel]--;
  }
}

export function cancelOffer(w: Work, offer: Offer, reason: CancelReason): void {
  release(w, offer, false);
  const { interaction: i, agent: a } = offer;
  emit(w, { type: 'cancelOffer', offerId: offer.id, interactionId: i.id, agentId: a.id, reason });
  if (reason !== 'timeout') journal(w, 'acd.offer.cancelled', { interaction: i, agentId: a.id }, { offerId: offer.id, reason });
  refreshAgent(w, a);
}

export function missOffer(w: Work, offer: Offer, reason: MissReason): void {
  const { interaction: i, agent: a } = offer;
  if (w.s.offers.get(offer.id) === offer) release(w, offer, false);
  a.consecutiveMisses++;
  journal(w, 'acd.offer.missed', { interaction: i, agentId: a.id }, { offerId: offer.id, reason, misses: a.consecutiveMisses });
  const retryMs = w.s.settings.retryAfterSec * 1000;
  if (retryMs > 0) {
    i.missedUntil.set(a.id, w.at + retryMs);
    i.wakeTimers.add(startTimer(w, { kind: 'wake', interaction: i }, w.at + retryMs, 'retry'));
  }
  const max = i.queue.config.ronaMaxMisses;
  if (max > 0 && a.consecutiveMisses >= max && a.status === 'available') pauseAgent(w, a, NO_ANSWER_REASON, true);
  refreshAgent(w, a);
  if (i.offers.size === 0) returnToWaiting(w, i);
}

export function offerTimedOut(w: Work, offer: Offer): void {
  offer.timerId = null;
  cancelOffer(w, offer, 'timeout');
  missOffer(w, offer, 'noAnswer');
}

export function answerOffer(w: Work, offer: Offer): void {
  const { interaction: i, agent: a } = offer;
  release(w, offer, true);
  emit(w, { type: 'connect', offerId: offer.id, interactionId: i.id, agentId: a.id });
  i.phase = 'connected';
  i.agentId = a.id;
  i.connectedAt = w.at;
  a.connected.add(i.id);
  a.consecutiveMisses = 0;
  journal(w, 'acd.offer.answered', { interaction: i, agentId: a.id }, { offerId: offer.id, waitMs: w.at - i.enqueuedAt });
  for (const other of [...i.offers]) cancelOffer(w, other, 'lostRace');
  cancelInteractionTimers(w, i);
  w.queuesChanged.add(i.queue.id);
  refreshAgent(w, a);
}

export function offerRinging(w: Work, offer: Offer): void {
  if (offer.ringing) return;
  offer.ringing = true;
  journal(w, 'acd.offer.ringing', { interaction: offer.interaction, agentId: offer.agent.id }, { offerId: offer.id });
  refreshAgent(w, offer.agent);
}

/** An answer or ringing for an offer that is no longer live: hang that leg up (again). */
export function staleOffer(w: Work, offerId: string): void {
  const past = w.s.pastOffers.get(offerId);
  if (past && !past.won) emit(w, { type: 'cancelOffer', offerId, interactionId: past.interactionId, agentId: past.agentId, reason: 'lostRace' });
}
