import type { Channel, EnqueueRequest } from './acd-types.js';
import { refreshAgent } from './agent-index.js';
import { endWrapUp } from './agent-lifecycle.js';
import { journal, type AgentState, type Work } from './engine-state.js';
import { baseRequirements, effArrival, newInteraction, returnToWaiting } from './interaction-lifecycle.js';
import { cancelOffer } from './offers.js';

// Re-adopting, after a restart, a conversation the media server kept up: the engine lost it with
// its memory, but the caller is still talking to the agent. It comes back as if answered at
// `connectedAt` (no offer, no decision), so that capacity, offer-while-busy, `ended`, wrap-up and
// handle time work exactly as for a conversation this engine connected itself.

export function adoptConnected(w: Work, request: EnqueueRequest, agentId: string, connectedAt: number): void {
  const s = w.s;
  // Failures change nothing: the row is how the shell (and the journal) learn the legs must go.
  const fail = (reason: string) => journal(w, 'acd.adopt.failed', { interactionId: request.id, callId: request.callId, queueId: request.queueId, agentId }, { agentId, reason });
  const existing = s.interactions.get(request.id);
  if (existing) {
    // A repeated adoption (shell retry) is harmless; anything else is a shell bug not to paper over.
    if (existing.phase === 'connected' && existing.agentId === agentId) return;
    return fail(`interaction already ${existing.phase}`);
  }
  const a = s.agents.get(agentId);
  if (!a) return fail('unknown agent');
  const q = s.queues.get(request.queueId);
  // Wrap-up length and handle times belong to a queue: without one there is nothing to end into.
  if (!q) return fail('unknown queue');

  // A saved wrap-up was the last known state; the surviving call proves the agent is past it.
  if (a.wrapUpUntil !== null) endWrapUp(w, a, true);
  // Without the original arrival, connectedAt is the latest the caller can have arrived.
  const i = newInteraction(s, request, q, request.enqueuedAt ?? connectedAt);
  i.requirements = baseRequirements(i);
  i.effArrival = effArrival(s, i);
  i.phase = 'connected';
  i.agentId = a.id;
  i.connectedAt = connectedAt;
  s.interactions.set(i.id, i);
  q.members.add(i);
  w.queuesChanged.add(q.id);
  // Booked even over capacity: the conversation exists whatever the configuration now says.
  a.holds.set(i.id, i.channel);
  a.perChannel[i.channel]++;
  a.connected.add(i.id);
  journal(w, 'acd.adopted', { interaction: i, agentId: a.id }, { agentId: a.id, connectedAt });
  withdrawConflictingOffers(w, a, i.channel);
  refreshAgent(w, a);
}

/**
 * Offers made before the adoption (only if the shell sent events out of order) that could not be
 * made to an agent busy with `channel`: they lost the race to the conversation already there.
 */
function withdrawConflictingOffers(w: Work, a: AgentState, channel: Channel): void {
  const allowed = a.config.offerWhileBusy[channel] ?? [];
  for (const offer of [...a.offers]) {
    if (allowed.includes(offer.interaction.channel)) continue;
    cancelOffer(w, offer, 'lostRace');
    if (offer.interaction.offers.size === 0) returnToWaiting(w, offer.interaction);
  }
}
