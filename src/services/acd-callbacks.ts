import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AcdEffect, AcdEvent } from '../core/acd/acd-types.js';
import type { SavedInteraction } from '../ports/acd-store.js';
import type { Telephony, TelephonyEvent } from '../ports/telephony.js';
import { ringAgent, stopRinging, type Ringing } from './acd-agent-ring.js';
import { missReason, type VoiceLegsDeps } from './acd-voice-legs.js';

export interface CallbacksDeps {
  telephony: Telephony;
  now: () => number;
  log: Logger;
  handle(event: AcdEvent): void;
  save(row: SavedInteraction): void;
  forget(interactionId: string): void;
  record(type: string, callId: string | null, interactionId: string, data: Record<string, unknown>): void;
  /** Who is bridged with whom (recording follows it); callbacks of a call are recorded under it. */
  conversations?: VoiceLegsDeps['conversations'];
  /** Attempts to reach the customer before giving up, and the pause between them. */
  maxAttempts?: number;
  retryDelayMs?: number;
}

export interface CallbackRequest {
  baseId: string;
  callId: string | null;
  queueId: string;
  number: string;
  name: string;
  enqueuedAt: number;
  priority: number;
  skills: string[];
}

interface Callback extends CallbackRequest {
  id: string;
  attempt: number;
  agentId: string | null;
  agentLeg: string | null;
  customerLeg: string | null;
  bridgeId: string | null;
  bridged: boolean;
}

interface Leg extends Ringing {
  cb: Callback;
  role: 'agent' | 'customer';
  offerId: string | null;
}

/** Numbers we dial back through the trunk: digits only, so nothing a caller typed reaches a dial string. */
export const DIALABLE = /^\+?[0-9]{3,20}$/;
const newLegId = () => `leg-acd-${randomUUID().slice(0, 13)}`;

// A caller who asked to be called back keeps their place: the request waits in the same queue
// with the caller's arrival time, as channel 'callback'. When an agent is free the agent's phone
// rings first; once they answer, the customer is dialled and the two are bridged. A customer who
// does not answer is tried again later, up to maxAttempts.
export function createCallbacks(deps: CallbacksDeps) {
  const { telephony, now, log } = deps;
  const maxAttempts = deps.maxAttempts ?? 3;
  const retryDelayMs = deps.retryDelayMs ?? 120_000;
  const callbacks = new Map<string, Callback>();
  const legs = new Map<string, Leg>();
  const offerLegs = new Map<string, string>();
  const retries = new Set<NodeJS.Timeout>();

  const quietly = (op: Promise<unknown>) =>
    op.catch((err: unknown) => {
      if ((err as { code?: string }).code !== 'channel_gone') log.warn({ err }, 'acd: callback leg operation failed');
    });
  const hangup = (legId: string | null) => (legId ? quietly(telephony.hangup(legId, 'normal')) : Promise.resolve());

  function queueUp(cb: Callback) {
    cb.id = `${cb.baseId}.cb${cb.attempt}`;
    cb.agentId = null;
    cb.agentLeg = null;
    cb.customerLeg = null;
    cb.bridgeId = null;
    cb.bridged = false;
    callbacks.set(cb.id, cb);
    deps.save({ id: cb.id, channel: 'callback', queueId: cb.queueId, callId: cb.callId, enqueuedAt: cb.enqueuedAt, priority: cb.priority, skills: cb.skills, caller: { number: cb.number, name: cb.name, attempt: cb.attempt } });
    deps.handle({
      type: 'enqueue',
      at: now(),
      request: { id: cb.id, channel: 'callback', queueId: cb.queueId, callId: cb.callId, skills: cb.skills, priority: cb.priority, maxWaitSec: null, preferredAgentId: null, callerNumber: cb.number, callerName: cb.name, enqueuedAt: cb.enqueuedAt },
    });
  }

  function finish(cb: Callback) {
    callbacks.delete(cb.id);
    deps.forget(cb.id);
  }

  /** The conversation (or the attempt) is over for the agent: wrap-up follows in the engine. */
  function endForAgent(cb: Callback, by: 'caller' | 'agent' | 'system') {
    deps.handle({ type: 'ended', at: now(), interactionId: cb.id, by });
    if (cb.bridgeId && cb.bridged) deps.conversations?.ended(cb.bridgeId);
    if (cb.bridgeId) void quietly(telephony.destroyBridge(cb.bridgeId));
  }

  function customerMissed(cb: Callback, reason: string) {
    void hangup(cb.agentLeg);
    endForAgent(cb, 'system');
    finish(cb);
    deps.record('acd.callback.noAnswer', cb.callId, cb.id, { number: cb.number, attempt: cb.attempt, reason });
    if (cb.attempt >= maxAttempts) {
      deps.record('acd.callback.failed', cb.callId, cb.id, { number: cb.number, attempts: cb.attempt });
      return;
    }
    cb.attempt += 1;
    // Kept in the store meanwhile, so a restart still calls them back.
    deps.save({ id: `${cb.baseId}.cb${cb.attempt}`, channel: 'callback', queueId: cb.queueId, callId: cb.callId, enqueuedAt: cb.enqueuedAt, priority: cb.priority, skills: cb.skills, caller: { number: cb.number, name: cb.name, attempt: cb.attempt } });
    const timer = setTimeout(() => {
      retries.delete(timer);
      queueUp(cb);
    }, retryDelayMs);
    retries.add(timer);
  }

  return {
    /** A caller waiting in a queue asked to be called back; their place in line is kept. */
    request(req: CallbackRequest) {
      deps.record('acd.callback.requested', req.callId, `${req.baseId}.cb1`, { number: req.number, queueId: req.queueId });
      queueUp({ ...req, id: '', attempt: 1, agentId: null, agentLeg: null, customerLeg: null, bridgeId: null, bridged: false });
    },

    /** After a restart: callbacks that were waiting (or between attempts) wait again, at their place. */
    restore(row: SavedInteraction) {
      if (row.channel !== 'callback' || !row.caller) return;
      const baseId = row.id.replace(/\.cb\d+$/, '');
      deps.forget(row.id);
      queueUp({ baseId, callId: row.callId, queueId: row.queueId, number: row.caller.number, name: row.caller.name, enqueuedAt: row.enqueuedAt, priority: row.priority, skills: row.skills, id: '', attempt: row.caller.attempt, agentId: null, agentLeg: null, customerLeg: null, bridgeId: null, bridged: false });
    },

    owns: (interactionId: string) => callbacks.has(interactionId),

    offer(effect: AcdEffect & { type: 'offer' }) {
      const cb = callbacks.get(effect.interactionId);
      const endpoint = effect.endpoints[0];
      if (!cb || !endpoint) {
        deps.handle({ type: 'offerFailed', at: now(), offerId: effect.offerId, reason: 'failed' });
        return;
      }
      const legId = newLegId();
      offerLegs.set(effect.offerId, legId);
      const callerId = `"Callback ${cb.name.replace(/"/g, '')}" <${cb.number}>`;
      const ringing = ringAgent(deps, effect, legId, { endpoint, callerId }, () => {
        legs.delete(legId);
        offerLegs.delete(effect.offerId);
      });
      legs.set(legId, Object.assign(ringing, { cb, role: 'agent' as const, offerId: effect.offerId }));
    },

    cancelOffer(offerId: string) {
      const legId = offerLegs.get(offerId);
      const leg = legId ? legs.get(legId) : undefined;
      offerLegs.delete(offerId);
      if (leg && legId) stopRinging(leg, () => hangup(legId));
    },

    connect(effect: AcdEffect & { type: 'connect' }) {
      const cb = callbacks.get(effect.interactionId);
      const agentLeg = offerLegs.get(effect.offerId);
      if (!cb || !agentLeg) return;
      cb.agentId = effect.agentId;
      cb.agentLeg = agentLeg;
      const customerLeg = newLegId();
      cb.customerLeg = customerLeg;
      legs.set(customerLeg, { cb, role: 'customer', offerId: null, dialing: Promise.resolve(), cancelled: false });
      deps.record('acd.callback.dialing', cb.callId, cb.id, { number: cb.number, attempt: cb.attempt, agentId: effect.agentId });
      telephony.dial(customerLeg, { endpoint: `PJSIP/${cb.number}@trunk`, timeoutSec: 30 }).catch((err: unknown) => {
        legs.delete(customerLeg);
        log.warn({ err }, 'acd: could not dial the customer back');
        customerMissed(cb, 'dial failed');
      });
    },

    result(interactionId: string, outcome: string) {
      const cb = callbacks.get(interactionId);
      if (!cb) return;
      deps.record('acd.callback.expired', cb.callId, cb.id, { number: cb.number, outcome });
      finish(cb);
    },

    legEvent(event: TelephonyEvent & { type: 'legRinging' | 'legAnswered' | 'legEnded' }) {
      const leg = legs.get(event.legId);
      if (!leg || event.type === 'legRinging') return;
      const { cb } = leg;
      if (event.type === 'legAnswered') {
        if (leg.role === 'agent') {
          if (leg.cancelled) void hangup(event.legId);
          else if (leg.offerId) deps.handle({ type: 'offerAnswered', at: event.at, offerId: leg.offerId });
          return;
        }
        if (!cb.agentLeg) return void hangup(event.legId);
        cb.bridgeId = `acd-${event.legId.slice('leg-acd-'.length)}`;
        cb.bridged = true;
        deps.record('acd.callback.connected', cb.callId, cb.id, { number: cb.number, attempt: cb.attempt, agentId: cb.agentId });
        const bridgeId = cb.bridgeId;
        void telephony.bridge(bridgeId, [cb.agentLeg, event.legId]).then(() => {
          if (cb.callId && cb.bridgeId === bridgeId) {
            deps.conversations?.started({ bridgeId, callId: cb.callId, interactionId: cb.id, queueId: cb.queueId, agentId: cb.agentId, peer: null, callerNumber: cb.number });
          }
        }, (err: unknown) => {
          log.error({ err }, 'acd: could not bridge agent and customer');
          void hangup(cb.agentLeg);
          void hangup(event.legId);
        });
        return;
      }
      legs.delete(event.legId);
      if (leg.role === 'agent') {
        if (leg.offerId) offerLegs.delete(leg.offerId);
        if (cb.agentLeg === event.legId) {
          // The agent hung up: over for the customer too (or the attempt ends while it rings).
          if (cb.customerLeg) void hangup(cb.customerLeg);
          endForAgent(cb, 'agent');
          finish(cb);
        } else if (!leg.cancelled && leg.offerId) deps.handle({ type: 'offerFailed', at: event.at, offerId: leg.offerId, reason: missReason(event.cause) });
        return;
      }
      if (cb.customerLeg !== event.legId) return;
      if (cb.bridged) {
        void hangup(cb.agentLeg);
        endForAgent(cb, 'caller');
        finish(cb);
      } else customerMissed(cb, `cause ${event.cause}`);
    },

    stop() {
      for (const timer of retries) clearTimeout(timer);
      retries.clear();
    },
  };
}
