import { createAcdEngine } from '../../../../src/core/acd/acd-engine.js';
import {
  DEFAULT_CAPACITY,
  DEFAULT_OFFER_WHILE_BUSY,
  DEFAULT_SETTINGS,
  type AcdConfig,
  type AcdEffect,
  type AcdEngine,
  type AcdEvent,
  type AcdSettings,
  type AgentConfig,
  type EnqueueRequest,
  type MissReason,
  type QueueConfig,
} from '../../../../src/core/acd/acd-types.js';

// A fake shell around the engine: a clock, a scheduler that fires the engine's timers when the
// clock passes them, and short names for the events the tests send.

export const T0 = 1_000_000;

export function agent(id: string, over: Partial<AgentConfig> = {}): AgentConfig {
  return { id, name: id.toUpperCase(), endpoints: [], skills: {}, capacity: { ...DEFAULT_CAPACITY }, offerWhileBusy: { ...DEFAULT_OFFER_WHILE_BUSY }, ...over };
}

export function queue(id: string, over: Partial<QueueConfig> = {}): QueueConfig {
  return {
    id,
    name: id,
    skills: [],
    priority: 0,
    strategy: 'longest-idle',
    ringTimeoutSec: 20,
    wrapUpSec: 0,
    maxWaitSec: null,
    maxLength: null,
    joinWhenEmpty: true,
    leaveWhenEmpty: false,
    serviceLevelSec: 20,
    hold: { moh: 'default', announceEverySec: null, announcePosition: false, announceWait: false },
    overflowQueue: null,
    steps: [],
    ronaMaxMisses: 3,
    preferredAgentSec: 0,
    ...over,
  };
}

export function request(id: string, queueId: string, over: Partial<EnqueueRequest> = {}): EnqueueRequest {
  return { id, channel: 'voice', queueId, callId: `call-${id}`, skills: [], priority: 0, maxWaitSec: null, preferredAgentId: null, callerNumber: '+3310000', callerName: 'Caller', ...over };
}

export function config(agents: AgentConfig[], queues: QueueConfig[], settings: Partial<AcdSettings> = {}): AcdConfig {
  return { agents, queues, pauseReasons: [{ code: 'lunch', label: 'Lunch', productive: false }, { code: 'training', label: 'Training', productive: true }], settings: { ...DEFAULT_SETTINGS, ...settings } };
}

type Offer = AcdEffect & { type: 'offer' };
type Journal = AcdEffect & { type: 'journal' };

export class Acd {
  readonly engine: AcdEngine;
  now = T0;
  /** Every effect since the start, in order. */
  readonly all: AcdEffect[] = [];
  /** Timers the engine asked for and did not cancel, with their due time. */
  readonly timers = new Map<string, number>();

  constructor(cfg: AcdConfig, random?: () => number) {
    this.engine = createAcdEngine(random ? { random } : {});
    this.take(this.engine.configure(cfg, this.now));
  }

  private take(effects: AcdEffect[]): AcdEffect[] {
    for (const e of effects) {
      if (e.type === 'startTimer') this.timers.set(e.timerId, e.at);
      if (e.type === 'cancelTimer') this.timers.delete(e.timerId);
    }
    this.all.push(...effects);
    return effects;
  }

  /** Sends an event at the current time (after firing any timer due before it). */
  send(event: EventInput): AcdEffect[] {
    return this.take(this.engine.handle({ ...event, at: this.now } as AcdEvent));
  }

  configure(cfg: AcdConfig): AcdEffect[] {
    return this.take(this.engine.configure(cfg, this.now));
  }

  /** Moves the clock by `ms`, firing due timers in time order; returns what they produced. */
  advance(ms: number): AcdEffect[] {
    const until = this.now + ms;
    const out: AcdEffect[] = [];
    for (;;) {
      let next: [string, number] | undefined;
      for (const entry of this.timers) if (entry[1] <= until && (!next || entry[1] < next[1])) next = entry;
      if (!next) break;
      this.timers.delete(next[0]);
      this.now = Math.max(this.now, next[1]);
      out.push(...this.send({ type: 'timer', timerId: next[0] }));
    }
    this.now = until;
    return out;
  }

  login(...ids: string[]): AcdEffect[] {
    return ids.flatMap((agentId) => this.send({ type: 'login', agentId }));
  }
  logout(agentId: string): AcdEffect[] {
    return this.send({ type: 'logout', agentId });
  }
  pause(agentId: string, reason = 'lunch'): AcdEffect[] {
    return this.send({ type: 'pause', agentId, reason });
  }
  unpause(agentId: string): AcdEffect[] {
    return this.send({ type: 'unpause', agentId });
  }
  register(endpoint: string, registered = true): AcdEffect[] {
    return this.send({ type: 'registration', endpoint, registered });
  }
  enqueue(id: string, queueId: string, over: Partial<EnqueueRequest> = {}): AcdEffect[] {
    return this.send({ type: 'enqueue', request: request(id, queueId, over) });
  }
  leave(interactionId: string, reason: 'abandoned' | 'option' | 'withdrawn' = 'abandoned'): AcdEffect[] {
    return this.send({ type: 'leave', interactionId, reason });
  }
  ringing(offerId: string): AcdEffect[] {
    return this.send({ type: 'offerRinging', offerId });
  }
  answer(offerId: string): AcdEffect[] {
    return this.send({ type: 'offerAnswered', offerId });
  }
  fail(offerId: string, reason: MissReason = 'busy'): AcdEffect[] {
    return this.send({ type: 'offerFailed', offerId, reason });
  }
  end(interactionId: string, by: 'caller' | 'agent' | 'system' = 'caller'): AcdEffect[] {
    return this.send({ type: 'ended', interactionId, by });
  }

  /** The live offer to this agent (the last one made to them). */
  offerTo(agentId: string): Offer {
    const o = offers(this.all).filter((x) => x.agentId === agentId).at(-1);
    if (!o) throw new Error(`no offer to ${agentId}`);
    return o;
  }

  /** Answers whatever is offered to the agent. */
  answerAs(agentId: string): AcdEffect[] {
    return this.answer(this.offerTo(agentId).offerId);
  }

  /** Offers the interaction, answers it as the agent it went to, returns that agent. */
  connectNext(id: string, queueId: string, over: Partial<EnqueueRequest> = {}): string {
    const o = offers(this.enqueue(id, queueId, over))[0];
    if (!o) throw new Error(`${id} was not offered`);
    this.answer(o.offerId);
    return o.agentId;
  }
}

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;
/** An event without its time: the driver stamps it with its clock. */
export type EventInput = DistributiveOmit<AcdEvent, 'at'>;

export function offers(effects: AcdEffect[]): Offer[] {
  return effects.filter((e): e is Offer => e.type === 'offer');
}

/** "interaction->agent" for every offer, compact for table tests. */
export function offered(effects: AcdEffect[]): string[] {
  return offers(effects).map((o) => `${o.interactionId}->${o.agentId}`);
}

export function ofType<T extends AcdEffect['type']>(effects: AcdEffect[], type: T): (AcdEffect & { type: T })[] {
  return effects.filter((e): e is AcdEffect & { type: T } => e.type === type);
}

export function journals(effects: AcdEffect[], event: string): Journal[] {
  return effects.filter((e): e is Journal => e.type === 'journal' && e.event === event);
}

export function journalData(effects: AcdEffect[], event: string): Record<string, unknown>[] {
  return journals(effects, event).map((j) => j.data);
}
