import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AcdEffect, AcdEvent, AgentView, InteractionView, MissReason } from '../core/acd/acd-types.js';
import type { Telephony, TelephonyEvent } from '../ports/telephony.js';
import type { QueueDelivery, VoiceEnqueue } from './call-runtime.js';

export interface VoiceLegsDeps {
  telephony: Telephony;
  calls: () => { deliverQueue(requestId: string, delivery: QueueDelivery): Promise<boolean> };
  now: () => number;
  log: Logger;
  handle(event: AcdEvent): void;
  interaction(id: string): InteractionView | undefined;
  /** The caller no longer waits: drop the row that would put them back in line after a restart. */
  forget(interactionId: string): void;
}

interface Caller {
  request: VoiceEnqueue;
  agentId: string | null;
  agentLeg: string | null;
  bridgeId: string | null;
  connectedAt: number | null;
}

interface Leg {
  legId: string;
  offerId: string;
  interactionId: string;
  agentId: string;
  dialing: Promise<void>;
  cancelled: boolean;
}

// Q.850 causes of an agent leg that ended unanswered: 17 busy, 21 declined on the phone, 18/19
// (and 0 from our own dial timeout) no answer; anything else means the phone was not reachable.
export function missReason(cause: number): MissReason {
  if (cause === 17) return 'busy';
  if (cause === 21) return 'rejected';
  if (cause === 18 || cause === 19 || cause === 0 || cause === 16) return 'noAnswer';
  return 'unavailable';
}

const callerId = (r: VoiceEnqueue) => (r.callerName ? `"${r.callerName.replace(/"/g, '')}" <${r.callerNumber}>` : r.callerNumber);

// The voice side of the ACD: agent legs (originate, ring, answer, hang up), the bridge between
// caller and agent, and what the caller's queue node is told. The engine decides; this acts.
export function createVoiceLegs(deps: VoiceLegsDeps) {
  const { telephony, now, log } = deps;
  const callers = new Map<string, Caller>();
  const legs = new Map<string, Leg>();
  const offerLegs = new Map<string, string>();

  const quietly = (what: string, op: Promise<unknown>) =>
    op.catch((err: unknown) => {
      if ((err as { code?: string }).code !== 'channel_gone') log.warn({ err }, `acd: ${what} failed`);
    });
  const hangupLeg = (legId: string) => quietly('agent leg hangup', telephony.hangup(legId, 'normal'));
  const destroyBridge = (bridgeId: string | null) => (bridgeId ? quietly('bridge destroy', telephony.destroyBridge(bridgeId)) : Promise.resolve());
  const deliver = (requestId: string, delivery: QueueDelivery) =>
    deps
      .calls()
      .deliverQueue(requestId, delivery)
      .catch((err: unknown) => {
        log.error({ err, requestId }, 'acd: could not tell the call');
        return false;
      });

  function endConversation(caller: Caller, by: 'caller' | 'agent' | 'system') {
    callers.delete(caller.request.requestId);
    deps.handle({ type: 'ended', at: now(), interactionId: caller.request.requestId, by });
    void destroyBridge(caller.bridgeId);
  }

  return {
    track(request: VoiceEnqueue) {
      callers.set(request.requestId, { request, agentId: null, agentLeg: null, bridgeId: null, connectedAt: null });
    },

    offer(effect: AcdEffect & { type: 'offer' }, agent: AgentView | undefined) {
      const caller = callers.get(effect.interactionId);
      const endpoint = effect.endpoints[0];
      if (!caller || !endpoint) {
        deps.handle({ type: 'offerFailed', at: now(), offerId: effect.offerId, reason: 'failed' });
        return;
      }
      const legId = `leg-acd-${randomUUID().slice(0, 13)}`;
      const leg: Leg = { legId, offerId: effect.offerId, interactionId: effect.interactionId, agentId: effect.agentId, dialing: Promise.resolve(), cancelled: false };
      legs.set(legId, leg);
      offerLegs.set(effect.offerId, legId);
      log.debug({ legId, agentId: agent?.id, endpoint, interactionId: effect.interactionId }, 'acd: ringing agent');
      // A little longer than the engine's ring timeout: the engine's timer decides the miss, the
      // dial timeout only guarantees the leg cannot ring forever if we die.
      leg.dialing = telephony.dial(legId, { endpoint, callerId: callerId(caller.request), timeoutSec: effect.timeoutSec + 5 }).then(
        () => {
          if (!leg.cancelled) deps.handle({ type: 'offerRinging', at: now(), offerId: effect.offerId });
        },
        (err: unknown) => {
          legs.delete(legId);
          offerLegs.delete(effect.offerId);
          log.warn({ err, endpoint }, 'acd: could not ring the agent');
          if (!leg.cancelled) deps.handle({ type: 'offerFailed', at: now(), offerId: effect.offerId, reason: (err as { code?: string }).code === 'rejected' ? 'unavailable' : 'failed' });
        },
      );
    },

    cancelOffer(offerId: string) {
      const legId = offerLegs.get(offerId);
      const leg = legId ? legs.get(legId) : undefined;
      offerLegs.delete(offerId);
      if (!leg) return;
      leg.cancelled = true;
      // Hanging up before the originate has created the channel would miss it.
      void leg.dialing.then(() => hangupLeg(leg.legId));
    },

    connect(effect: AcdEffect & { type: 'connect' }) {
      const legId = offerLegs.get(effect.offerId);
      const caller = callers.get(effect.interactionId);
      if (!legId || !caller) {
        log.warn({ offerId: effect.offerId }, 'acd: connect for a leg or caller that is gone');
        if (legId) void hangupLeg(legId);
        if (caller) endConversation(caller, 'system');
        return;
      }
      caller.agentLeg = legId;
      caller.agentId = effect.agentId;
      caller.connectedAt = now();
      caller.bridgeId = `acd-${legId.slice('leg-acd-'.length)}`;
      deps.forget(effect.interactionId);
      const { requestId, channelId } = caller.request;
      void (async () => {
        // The queue node stops music and announcements first: the caller never hears both.
        const alive = await deliver(requestId, { type: 'queueConnect', agentId: effect.agentId });
        if (!alive || !callers.has(requestId)) return; // the caller left; leave() tears down
        try {
          await telephony.bridge(caller.bridgeId!, [channelId, legId]);
        } catch (err) {
          log.error({ err, requestId }, 'acd: could not bridge caller and agent');
          endConversation(caller, 'system');
          void hangupLeg(legId);
          await deliver(requestId, { type: 'queueResult', outcome: 'error', data: { reason: 'bridge failed' } });
        }
      })();
    },

    result(interactionId: string, outcome: 'timeout' | 'full' | 'noAgents', data: Record<string, unknown>) {
      const caller = callers.get(interactionId);
      callers.delete(interactionId);
      if (caller) void deliver(interactionId, { type: 'queueResult', outcome, data });
    },

    leave(requestId: string, reason: 'abandoned' | 'option') {
      const caller = callers.get(requestId);
      if (!caller) return;
      if (caller.agentLeg) {
        endConversation(caller, 'caller');
        void hangupLeg(caller.agentLeg);
        return;
      }
      callers.delete(requestId);
      deps.handle({ type: 'leave', at: now(), interactionId: requestId, reason });
    },

    legEvent(event: TelephonyEvent & { type: 'legRinging' | 'legAnswered' | 'legEnded' }) {
      const leg = legs.get(event.legId);
      if (!leg) return;
      if (event.type === 'legRinging') return;
      if (event.type === 'legAnswered') {
        if (leg.cancelled) void hangupLeg(leg.legId);
        else deps.handle({ type: 'offerAnswered', at: event.at, offerId: leg.offerId });
        return;
      }
      legs.delete(leg.legId);
      offerLegs.delete(leg.offerId);
      const caller = callers.get(leg.interactionId);
      if (caller && caller.agentLeg === leg.legId) {
        // The agent hung up: the conversation is over and the caller goes on in the flow.
        const talkMs = caller.connectedAt === null ? 0 : now() - caller.connectedAt;
        endConversation(caller, 'agent');
        void deliver(caller.request.requestId, { type: 'queueResult', outcome: 'answered', data: { agentId: caller.agentId, talkMs } });
        return;
      }
      if (!leg.cancelled) deps.handle({ type: 'offerFailed', at: event.at, offerId: leg.offerId, reason: missReason(event.cause) });
    },
  };
}
