import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AcdEffect, AcdEvent, MissReason } from '../core/acd/acd-types.js';
import type { Telephony, TelephonyEvent } from '../ports/telephony.js';
import { ringAgent, stopRinging } from './acd-agent-ring.js';
import { AcdError } from './acd-control.js';
import type { Ringing } from './acd-agent-ring.js';
import type { QueueDelivery, VoiceEnqueue } from './call-runtime.js';
import type { Conversation } from './recording-service.js';

export type TransferTarget = { queue: string } | { number: string };
export interface ConnectedLeg {
  agentId: string;
  legId: string;
  bridgeId: string;
  connectedAt: number;
}

export interface VoiceLegsDeps {
  telephony: Telephony;
  calls: () => { deliverQueue(requestId: string, delivery: QueueDelivery): Promise<boolean> };
  now: () => number;
  log: Logger;
  handle(event: AcdEvent): void;
  /** Put the caller (back) in a queue as this interaction; arrival keeps the caller's first one. */
  enqueue(interactionId: string, request: VoiceEnqueue, queueId: string, enqueuedAt: number): void;
  /** The caller no longer waits: drop the row that would put them back in line after a restart. */
  forget(interactionId: string): void;
  /** The caller now talks to an agent: keep what a restart needs to re-adopt the conversation. */
  remember(interactionId: string, request: VoiceEnqueue, queueId: string, enqueuedAt: number, connected: ConnectedLeg): void;
  /** A journal row of the shell's own (transfers) for the ACD journal and the call's timeline. */
  record(type: string, callId: string, interactionId: string, data: Record<string, unknown>): void;
  /** Who is bridged with whom (recording follows it). */
  conversations?: {
    started(c: Conversation): void;
    adopted(c: Conversation): void;
    ended(bridgeId: string): void;
  };
}

interface Caller {
  /** The queue node's request: one per node visit, kept across transfers. */
  request: VoiceEnqueue;
  /** The engine's interaction now (a transfer starts a new one). */
  interactionId: string;
  queueId: string;
  enqueuedAt: number;
  segment: number;
  agentId: string | null;
  /** The leg the caller talks to: the agent's, or an external number's after a transfer. */
  talkLeg: string | null;
  bridgeId: string | null;
  connectedAt: number | null;
  /** A blind transfer to a number: that leg, while it rings or talks. */
  external: { legId: string; number: string } | null;
}

interface Leg extends Ringing {
  legId: string;
  offerId: string;
  interactionId: string;
}

// Q.850 causes of an agent leg that ended unanswered: 17 busy, 21 declined on the phone, 18/19
// (and 0 from our own dial timeout) no answer; anything else means the phone was not reachable.
export function missReason(cause: number): MissReason {
  if (cause === 17) return 'busy';
  if (cause === 21) return 'rejected';
  if (cause === 18 || cause === 19 || cause === 0 || cause === 16) return 'noAnswer';
  return 'unavailable';
}

const NUMBER = /^\+?[0-9*#]{2,20}$/;
const callerId = (r: VoiceEnqueue) => (r.callerName ? `"${r.callerName.replace(/"/g, '')}" <${r.callerNumber}>` : r.callerNumber);
const newLegId = () => `leg-acd-${randomUUID().slice(0, 13)}`;

// The voice side of the ACD: agent legs (originate, ring, answer, hang up), the bridge between
// caller and agent, blind transfers, and what the caller's queue node is told. The engine
// decides who; this does it.
export function createVoiceLegs(deps: VoiceLegsDeps) {
  const { telephony, now, log } = deps;
  const callers = new Map<string, Caller>();
  const byRequest = new Map<string, Caller>();
  const legs = new Map<string, Leg>();
  const offerLegs = new Map<string, string>();
  const externalLegs = new Map<string, Caller>();

  const quietly = (what: string, op: Promise<unknown>) =>
    op.catch((err: unknown) => {
      if ((err as { code?: string }).code !== 'channel_gone') log.warn({ err }, `acd: ${what} failed`);
    });
  const hangupLeg = (legId: string) => quietly('leg hangup', telephony.hangup(legId, 'normal'));
  const destroyBridge = (bridgeId: string | null) => (bridgeId ? quietly('bridge destroy', telephony.destroyBridge(bridgeId)) : Promise.resolve());
  const deliver = (requestId: string, delivery: QueueDelivery) =>
    deps
      .calls()
      .deliverQueue(requestId, delivery)
      .catch((err: unknown) => {
        log.error({ err, requestId }, 'acd: could not tell the call');
        return false;
      });

  const drop = (caller: Caller) => {
    callers.delete(caller.interactionId);
    byRequest.delete(caller.request.requestId);
    if (caller.external) externalLegs.delete(caller.external.legId);
  };

  /** The caller and whoever they talked to are apart now; the engine hears it for an agent. */
  function separate(caller: Caller, by: 'caller' | 'agent' | 'system') {
    if (caller.agentId) deps.handle({ type: 'ended', at: now(), interactionId: caller.interactionId, by });
    deps.forget(caller.interactionId);
    if (caller.bridgeId) deps.conversations?.ended(caller.bridgeId);
    void destroyBridge(caller.bridgeId);
    const leg = caller.talkLeg;
    caller.agentId = null;
    caller.talkLeg = null;
    caller.bridgeId = null;
    caller.connectedAt = null;
    return leg;
  }

  const conversation = (caller: Caller): Conversation => ({
    bridgeId: caller.bridgeId ?? '',
    callId: caller.request.callId,
    interactionId: caller.interactionId,
    queueId: caller.queueId,
    agentId: caller.agentId,
    peer: caller.external?.number ?? null,
    callerNumber: caller.request.callerNumber,
    ...(caller.request.recording ? { mode: caller.request.recording } : {}),
  });

  async function bridge(caller: Caller, legId: string, who: string) {
    caller.talkLeg = legId;
    caller.connectedAt = now();
    caller.bridgeId = `acd-${legId.slice('leg-acd-'.length)}`;
    const { requestId, channelId } = caller.request;
    // The queue node stops music and announcements first: the caller never hears both.
    const alive = await deliver(requestId, { type: 'queueConnect', agentId: who });
    if (!alive || byRequest.get(requestId) !== caller) return; // the caller left; leave() tears down
    try {
      await telephony.bridge(caller.bridgeId, [channelId, legId]);
      if (caller.talkLeg === legId) deps.conversations?.started(conversation(caller));
      if (caller.agentId && caller.talkLeg === legId) {
        deps.remember(caller.interactionId, caller.request, caller.queueId, caller.enqueuedAt, { agentId: caller.agentId, legId, bridgeId: caller.bridgeId, connectedAt: caller.connectedAt ?? now() });
      }
    } catch (err) {
      log.error({ err, requestId }, 'acd: could not bridge the caller');
      separate(caller, 'system');
      drop(caller);
      void hangupLeg(legId);
      await deliver(requestId, { type: 'queueResult', outcome: 'error', data: { reason: 'bridge failed' } });
    }
  }

  function requeue(caller: Caller, queueId: string) {
    caller.segment += 1;
    callers.delete(caller.interactionId);
    caller.interactionId = `${caller.request.requestId}.t${caller.segment}`;
    caller.queueId = queueId;
    callers.set(caller.interactionId, caller);
    deps.enqueue(caller.interactionId, caller.request, queueId, caller.enqueuedAt);
  }

  function dialExternal(caller: Caller, number: string) {
    const legId = newLegId();
    caller.external = { legId, number };
    externalLegs.set(legId, caller);
    telephony.dial(legId, { endpoint: `PJSIP/${number}@trunk`, callerId: callerId(caller.request), timeoutSec: 30 }).catch((err: unknown) => {
      log.warn({ err, number }, 'acd: transfer dial failed');
      externalFailed(caller, legId, 'dial failed');
    });
  }

  function externalFailed(caller: Caller, legId: string, reason: string) {
    if (caller.external?.legId !== legId) return;
    const { number } = caller.external;
    externalLegs.delete(legId);
    caller.external = null;
    deps.record('acd.transfer.failed', caller.request.callId, caller.interactionId, { to: { number }, reason });
    // Nobody took the call: back to the queue the caller came from, at their old place.
    requeue(caller, caller.queueId);
  }

  return {
    track(request: VoiceEnqueue, enqueuedAt: number) {
      const caller: Caller = { request, interactionId: request.requestId, queueId: request.queueId, enqueuedAt, segment: 0, agentId: null, talkLeg: null, bridgeId: null, connectedAt: null, external: null };
      callers.set(request.requestId, caller);
      byRequest.set(request.requestId, caller);
    },

    /** After a restart: the caller is still bridged with the agent; pick the conversation up where it is. */
    adopt(request: VoiceEnqueue, enqueuedAt: number, connected: ConnectedLeg) {
      const caller: Caller = {
        request,
        interactionId: request.requestId,
        queueId: request.queueId,
        enqueuedAt,
        segment: 0,
        agentId: connected.agentId,
        talkLeg: connected.legId,
        bridgeId: connected.bridgeId,
        connectedAt: connected.connectedAt,
        external: null,
      };
      callers.set(request.requestId, caller);
      byRequest.set(request.requestId, caller);
      legs.set(connected.legId, { legId: connected.legId, offerId: `adopted-${connected.legId}`, interactionId: request.requestId, dialing: Promise.resolve(), cancelled: false });
      deps.conversations?.adopted(conversation(caller));
      void deliver(request.requestId, { type: 'queueConnect', agentId: connected.agentId });
    },

    /** A waiting caller leaves the line to be called back: what the callback needs to keep their place. */
    withdraw(requestId: string): { request: VoiceEnqueue; queueId: string; enqueuedAt: number } | null {
      const caller = byRequest.get(requestId);
      if (!caller || caller.talkLeg || caller.external) return null;
      drop(caller);
      deps.handle({ type: 'leave', at: now(), interactionId: caller.interactionId, reason: 'withdrawn' });
      deps.forget(caller.interactionId);
      return { request: caller.request, queueId: caller.queueId, enqueuedAt: caller.enqueuedAt };
    },

    callerNumber: (requestId: string) => byRequest.get(requestId)?.request.callerNumber ?? '',

    /** Still waiting (not talking, not being transferred to a number). */
    waiting: (requestId: string) => {
      const caller = byRequest.get(requestId);
      return Boolean(caller && !caller.talkLeg && !caller.external);
    },

    /** The engine's interaction for a queue node's request (they differ after a transfer). */
    interactionOf: (requestId: string) => byRequest.get(requestId)?.interactionId,

    offer(effect: AcdEffect & { type: 'offer' }) {
      const caller = callers.get(effect.interactionId);
      const endpoint = effect.endpoints[0];
      if (!caller || !endpoint) {
        deps.handle({ type: 'offerFailed', at: now(), offerId: effect.offerId, reason: 'failed' });
        return;
      }
      const legId = newLegId();
      offerLegs.set(effect.offerId, legId);
      // ariTransfers: the phone's transfer key (REFER) comes to us instead of Asterisk's dialplan.
      const ringing = ringAgent(deps, effect, legId, { endpoint, callerId: callerId(caller.request), ariTransfers: true }, () => {
        legs.delete(legId);
        offerLegs.delete(effect.offerId);
      });
      legs.set(legId, Object.assign(ringing, { legId, offerId: effect.offerId, interactionId: effect.interactionId }));
    },

    cancelOffer(offerId: string) {
      const legId = offerLegs.get(offerId);
      const leg = legId ? legs.get(legId) : undefined;
      offerLegs.delete(offerId);
      if (leg) stopRinging(leg, () => hangupLeg(leg.legId));
    },

    connect(effect: AcdEffect & { type: 'connect' }) {
      const legId = offerLegs.get(effect.offerId);
      const caller = callers.get(effect.interactionId);
      if (!legId || !caller) {
        log.warn({ offerId: effect.offerId }, 'acd: connect for a leg or caller that is gone');
        if (legId) void hangupLeg(legId);
        if (caller) {
          caller.agentId = effect.agentId;
          separate(caller, 'system');
        }
        return;
      }
      caller.agentId = effect.agentId;
      void bridge(caller, legId, effect.agentId);
    },

    result(interactionId: string, outcome: 'timeout' | 'full' | 'noAgents', data: Record<string, unknown>) {
      const caller = callers.get(interactionId);
      if (!caller) return;
      drop(caller);
      void deliver(caller.request.requestId, { type: 'queueResult', outcome, data });
    },

    leave(requestId: string, reason: 'abandoned' | 'option') {
      const caller = byRequest.get(requestId);
      if (!caller) return;
      drop(caller);
      if (caller.external) void hangupLeg(caller.external.legId);
      if (caller.talkLeg) {
        const leg = separate(caller, 'caller');
        if (leg) void hangupLeg(leg);
        return;
      }
      if (!caller.external) deps.handle({ type: 'leave', at: now(), interactionId: caller.interactionId, reason });
    },

    /** A blind transfer by the agent (API or the phone's transfer key): the agent is free, the caller goes on. */
    transfer(interactionId: string, target: TransferTarget, by: string) {
      const caller = callers.get(interactionId);
      if (!caller || !caller.agentId || !caller.talkLeg) throw new AcdError('invalid_state', `interaction '${interactionId}' is not connected to an agent`);
      if ('number' in target && !NUMBER.test(target.number)) throw new AcdError('invalid_state', `'${target.number}' is not a phone number`);
      const fromAgent = caller.agentId;
      deps.record('acd.transferred', caller.request.callId, interactionId, { mode: 'blind', fromAgent, to: target, by });
      const leg = separate(caller, 'agent');
      if (leg) void hangupLeg(leg);
      void deliver(caller.request.requestId, { type: 'queueRequeued', queue: 'queue' in target ? target.queue : caller.queueId });
      if ('queue' in target) requeue(caller, target.queue);
      else dialExternal(caller, target.number);
      return caller.interactionId;
    },

    /** The connected caller an agent's leg talks to (a REFER from that phone concerns them). */
    talkingOn(legId: string): { interactionId: string; agentId: string } | null {
      for (const caller of callers.values()) if (caller.talkLeg === legId && caller.agentId) return { interactionId: caller.interactionId, agentId: caller.agentId };
      return null;
    },

    legEvent(raw: TelephonyEvent & { type: 'legRinging' | 'legAnswered' | 'legEnded' | 'legHangupRequested' }) {
      // A talking leg's conversation ends at the hang-up request; an unanswered offer waits for
      // legEnded, whose cause says busy, declined or no answer.
      let event: TelephonyEvent & { type: 'legRinging' | 'legAnswered' | 'legEnded' };
      if (raw.type === 'legHangupRequested') {
        const leg = legs.get(raw.legId);
        const talking = externalLegs.get(raw.legId)?.talkLeg === raw.legId || (leg !== undefined && callers.get(leg.interactionId)?.talkLeg === raw.legId);
        if (!talking) return;
        event = { type: 'legEnded', at: raw.at, legId: raw.legId, cause: raw.cause ?? 16 };
      } else event = raw;
      const external = externalLegs.get(event.legId);
      if (external) {
        if (event.type === 'legAnswered') {
          // The call log's 'transferred' outcome rests on this row: the number took the call.
          deps.record('acd.transfer.answered', external.request.callId, external.interactionId, { to: { number: external.external?.number } });
          void bridge(external, event.legId, 'external');
        }
        if (event.type !== 'legEnded') return;
        if (external.talkLeg === event.legId) {
          // The transferred-to party hung up: that conversation is over, the flow goes on.
          const talkMs = external.connectedAt === null ? 0 : now() - external.connectedAt;
          separate(external, 'agent');
          drop(external);
          void deliver(external.request.requestId, { type: 'queueResult', outcome: 'answered', data: { transferredTo: external.external?.number, talkMs } });
        } else externalFailed(external, event.legId, `cause ${event.cause}`);
        return;
      }
      const leg = legs.get(event.legId);
      if (!leg || event.type === 'legRinging') return;
      if (event.type === 'legAnswered') {
        if (leg.cancelled) void hangupLeg(leg.legId);
        else deps.handle({ type: 'offerAnswered', at: event.at, offerId: leg.offerId });
        return;
      }
      legs.delete(leg.legId);
      offerLegs.delete(leg.offerId);
      const caller = callers.get(leg.interactionId);
      if (caller && caller.talkLeg === leg.legId) {
        // The agent hung up: the conversation is over and the caller goes on in the flow.
        const agentId = caller.agentId;
        const talkMs = caller.connectedAt === null ? 0 : now() - caller.connectedAt;
        separate(caller, 'agent');
        drop(caller);
        void deliver(caller.request.requestId, { type: 'queueResult', outcome: 'answered', data: { agentId, talkMs } });
        return;
      }
      if (!leg.cancelled) deps.handle({ type: 'offerFailed', at: event.at, offerId: leg.offerId, reason: missReason(event.cause) });
    },
  };
}
