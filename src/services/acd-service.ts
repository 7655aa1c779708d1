import type { Logger } from 'pino';
import { DEFAULT_SETTINGS, type AcdEffect, type AcdEngine, type AcdEvent, type AcdSettings, type AgentView, type QueueConfig } from '../core/acd/acd-types.js';
import type { QueueContext } from '../core/call/call-types.js';
import type { AcdConfigStore, AcdStateStore, SavedInteraction } from '../ports/acd-store.js';
import type { Telephony, TelephonyEvent } from '../ports/telephony.js';
import { AcdError, type AcdControl, type AcdLiveEvent } from './acd-control.js';
import { createAcdTimers } from './acd-timers.js';
import type { QueueDelivery, VoiceEnqueue, VoiceQueue } from './call-runtime.js';
import { createVoiceLegs } from './acd-voice-legs.js';

export interface AcdServiceDeps {
  engine: AcdEngine;
  configStore: AcdConfigStore;
  stateStore: AcdStateStore;
  telephony: Telephony;
  /** The call runtime, once it exists (the two refer to each other). */
  calls: () => { deliverQueue(requestId: string, delivery: QueueDelivery): Promise<boolean> };
  /** Copies ACD rows that concern a call into that call's own journal (its timeline). */
  callJournal: (callId: string, at: number, type: string, data: Record<string, unknown>) => void;
  now: () => number;
  logger: Logger;
  settings?: Partial<AcdSettings>;
}

export interface AcdService extends AcdControl {
  voice: VoiceQueue;
  /** Load configuration and saved agent state; ask Asterisk who is registered. */
  start(): Promise<void>;
  /** After every ARI (re)connect: registrations may have changed while we were away. */
  resync(): Promise<void>;
  /** Calls were re-adopted: waiting rows whose call did not come back are dropped. */
  afterReconcile(): void;
  handleTelephony(event: TelephonyEvent): void;
  stop(): void;
}

/** How long a returning caller's last agent is remembered for the preferred-agent rule. */
const PREFERRED_MEMORY_MS = 7 * 24 * 3600_000;

// The imperative shell around the routing engine: it feeds the engine events (API actions,
// callers from queue nodes, agent legs from ARI, timers) and performs what the engine returns.
export function createAcdService(deps: AcdServiceDeps): AcdService {
  const { engine, configStore, stateStore, now, logger } = deps;
  const log = logger.child({ component: 'acd' });
  const listeners = new Set<(event: AcdLiveEvent) => void>();
  let queues = new Map<string, QueueConfig>();
  const saved = new Map<string, SavedInteraction>();
  const reenqueued = new Set<string>();
  const queueChanges = new Set<string>();
  let queueFlush: NodeJS.Immediate | null = null;

  const emit = (event: AcdLiveEvent) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (err) {
        log.warn({ err }, 'acd: live listener failed');
      }
    }
  };

  const timers = createAcdTimers(now, (timerId) => handle({ type: 'timer', at: now(), timerId }));

  const enqueue = (interactionId: string, request: VoiceEnqueue, queueId: string, enqueuedAt: number, preferredAgentId: string | null = null) => {
    stateStore.saveInteraction({ id: interactionId, channel: 'voice', queueId, callId: request.callId, enqueuedAt, priority: request.priority, skills: request.skills });
    handle({
      type: 'enqueue',
      at: now(),
      request: {
        id: interactionId,
        channel: 'voice',
        queueId,
        callId: request.callId,
        skills: request.skills,
        priority: request.priority,
        maxWaitSec: request.maxWaitMs === null ? null : Math.round(request.maxWaitMs / 1000),
        preferredAgentId,
        callerNumber: request.callerNumber,
        callerName: request.callerName,
        enqueuedAt,
      },
    });
  };

  const record = (type: string, callId: string, interactionId: string, data: Record<string, unknown>) => {
    const at = now();
    try {
      stateStore.appendEvent({ at, type, interactionId, agentId: (data.fromAgent as string | undefined) ?? null, queueId: null, callId, data });
      deps.callJournal(callId, at, type, { ...data, interactionId });
    } catch (err) {
      log.error({ err, type }, 'acd: journal write failed');
    }
    emit({ type: 'journal', at, event: type, interactionId, data });
  };

  const voice = createVoiceLegs({
    telephony: deps.telephony,
    calls: deps.calls,
    now,
    log,
    handle: (event) => handle(event),
    enqueue: (interactionId, request, queueId, enqueuedAt) => enqueue(interactionId, request, queueId, enqueuedAt),
    forget: (id) => stateStore.removeInteraction(id),
    record,
  });

  function handle(event: AcdEvent, extra?: Record<string, unknown>): void {
    let effects: AcdEffect[];
    try {
      effects = engine.handle(event);
    } catch (err) {
      log.error({ err, event: event.type }, 'acd: engine failed on an event');
      return;
    }
    apply(effects, extra);
  }

  function apply(effects: AcdEffect[], extra?: Record<string, unknown>): void {
    for (const effect of effects) {
      try {
        perform(effect, extra);
      } catch (err) {
        log.error({ err, effect: effect.type }, 'acd: effect failed');
      }
    }
  }

  function perform(effect: AcdEffect, extra?: Record<string, unknown>): void {
    switch (effect.type) {
      case 'journal': {
        const data = extra ? { ...effect.data, ...extra } : effect.data;
        try {
          stateStore.appendEvent({ at: effect.at, type: effect.event, interactionId: effect.interactionId ?? null, agentId: effect.agentId ?? null, queueId: effect.queueId ?? null, callId: effect.callId ?? null, data });
          if (effect.callId) deps.callJournal(effect.callId, effect.at, effect.event, { ...data, ...(effect.agentId ? { agentId: effect.agentId } : {}), ...(effect.queueId ? { queueId: effect.queueId } : {}) });
        } catch (err) {
          // A full disk must not stop routing: the call goes on, the failure is logged.
          log.error({ err, type: effect.event }, 'acd: journal write failed');
        }
        emit({ type: 'journal', at: effect.at, event: effect.event, ...(effect.interactionId ? { interactionId: effect.interactionId } : {}), ...(effect.agentId ? { agentId: effect.agentId } : {}), ...(effect.queueId ? { queueId: effect.queueId } : {}), data });
        return;
      }
      case 'agentChanged': {
        const agent = engine.agent(effect.agentId);
        if (!agent) return;
        try {
          stateStore.saveAgentState({ agentId: agent.id, status: agent.status, pauseReason: agent.pauseReason, statusSince: agent.statusSince, idleSince: agent.idleSince, wrapUpUntil: agent.wrapUpUntil, handled: agent.handled, talkMs: agent.talkMs });
        } catch (err) {
          log.error({ err, agentId: agent.id }, 'acd: could not save agent state');
        }
        emit({ type: 'agent', at: now(), agent });
        return;
      }
      case 'queueChanged':
        // Several changes in one tick make one snapshot on the stream.
        queueChanges.add(effect.queueId);
        queueFlush ??= setImmediate(() => {
          queueFlush = null;
          for (const queueId of queueChanges) {
            const snapshot = engine.snapshot(queueId, now());
            if (snapshot) emit({ type: 'queue', at: now(), snapshot });
          }
          queueChanges.clear();
        });
        return;
      case 'startTimer':
        timers.start(effect.timerId, effect.at);
        return;
      case 'cancelTimer':
        timers.cancel(effect.timerId);
        return;
      case 'offer':
        if (effect.channel === 'voice') voice.offer(effect);
        return;
      case 'cancelOffer':
        voice.cancelOffer(effect.offerId);
        return;
      case 'connect':
        voice.connect(effect);
        return;
      case 'result':
        stateStore.removeInteraction(effect.interactionId);
        voice.result(effect.interactionId, effect.outcome, effect.data);
        return;
    }
  }

  function loadConfig(): void {
    const config = {
      agents: configStore.listAgents(),
      queues: configStore.listQueues(),
      pauseReasons: configStore.listPauseReasons(),
      settings: { ...DEFAULT_SETTINGS, ...deps.settings },
    };
    queues = new Map(config.queues.map((q) => [q.id, q]));
    apply(engine.configure(config, now()));
  }

  const agentOrThrow = (agentId: string): AgentView => {
    const agent = engine.agent(agentId);
    if (!agent) throw new AcdError('agent_not_found', `agent '${agentId}' does not exist`);
    return agent;
  };

  const act = (agentId: string, event: AcdEvent, by: string): AgentView => {
    agentOrThrow(agentId);
    handle(event, { by });
    return agentOrThrow(agentId);
  };

  const context: QueueContext = {
    hold: (queueId) => queues.get(queueId)?.hold ?? null,
    status: (requestId) => {
      const interaction = engine.interaction(voice.interactionOf(requestId) ?? requestId);
      return interaction ? { position: interaction.position, ewtSec: interaction.ewtSec } : null;
    },
  };

  const voiceQueue: VoiceQueue = {
    context,
    enqueue(request: VoiceEnqueue) {
      const queue = queues.get(request.queueId);
      if (!queue) throw new AcdError('queue_not_found', `queue '${request.queueId}' does not exist`);
      // A restart re-enters the queue node: the caller keeps the arrival time they had.
      const before = [...saved.values()].find((s) => s.callId === request.callId && s.queueId === request.queueId);
      if (before) {
        saved.delete(before.id);
        if (before.id !== request.requestId) stateStore.removeInteraction(before.id);
      }
      reenqueued.add(request.requestId);
      const enqueuedAt = before?.enqueuedAt ?? now();
      const preferredAgentId = queue.preferredAgentSec > 0 && request.callerNumber ? stateStore.lastAgentFor(request.callerNumber, now() - PREFERRED_MEMORY_MS) : null;
      voice.track(request, enqueuedAt);
      enqueue(request.requestId, request, request.queueId, enqueuedAt, preferredAgentId);
    },
    leave(requestId, reason) {
      stateStore.removeInteraction(requestId);
      voice.leave(requestId, reason);
    },
  };

  return {
    voice: voiceQueue,

    async start() {
      loadConfig();
      for (const state of stateStore.loadAgentStates()) apply(engine.restoreAgent(state, now()));
      for (const queue of queues.values()) engine.seedHandleTimes(queue.id, stateStore.recentHandleTimes(queue.id, DEFAULT_SETTINGS.ahtWindow));
      for (const s of stateStore.loadInteractions()) saved.set(s.id, s);
      await this.resync();
    },

    async resync() {
      try {
        for (const { endpoint, registered } of await deps.telephony.endpointStates()) handle({ type: 'registration', at: now(), endpoint, registered });
      } catch (err) {
        log.warn({ err }, 'acd: could not read endpoint states');
      }
    },

    afterReconcile() {
      for (const s of saved.values()) if (!reenqueued.has(s.id)) stateStore.removeInteraction(s.id);
      saved.clear();
    },

    handleTelephony(event) {
      switch (event.type) {
        case 'endpointState':
          handle({ type: 'registration', at: event.at, endpoint: event.endpoint, registered: event.registered });
          return;
        case 'legRinging':
        case 'legAnswered':
        case 'legEnded':
          voice.legEvent(event);
          return;
        default:
          return;
      }
    },

    stop() {
      timers.clear();
      if (queueFlush) clearImmediate(queueFlush);
    },

    login: (agentId, by) => act(agentId, { type: 'login', at: now(), agentId }, by),
    logout: (agentId, by) => act(agentId, { type: 'logout', at: now(), agentId }, by),
    pause(agentId, reason, by) {
      if (!configStore.listPauseReasons().some((r) => r.code === reason)) throw new AcdError('unknown_reason', `pause reason '${reason}' does not exist`);
      if (agentOrThrow(agentId).status === 'loggedOut') throw new AcdError('invalid_state', `agent '${agentId}' is logged out`);
      return act(agentId, { type: 'pause', at: now(), agentId, reason }, by);
    },
    unpause(agentId, by) {
      if (agentOrThrow(agentId).status !== 'paused') throw new AcdError('invalid_state', `agent '${agentId}' is not paused`);
      return act(agentId, { type: 'unpause', at: now(), agentId }, by);
    },
    endWrapUp(agentId, by) {
      if (agentOrThrow(agentId).activity !== 'wrapUp') throw new AcdError('invalid_state', `agent '${agentId}' is not in wrap-up`);
      return act(agentId, { type: 'wrapUpEnd', at: now(), agentId }, by);
    },
    extendWrapUp(agentId, seconds, by) {
      if (agentOrThrow(agentId).activity !== 'wrapUp') throw new AcdError('invalid_state', `agent '${agentId}' is not in wrap-up`);
      return act(agentId, { type: 'wrapUpExtend', at: now(), agentId, seconds }, by);
    },
    agent: (agentId) => engine.agent(agentId),
    agents: () => engine.agents(),
    snapshot: (queueId) => engine.snapshot(queueId, now()),
    snapshots: () => [...queues.keys()].map((id) => engine.snapshot(id, now())).filter((s) => s !== undefined),
    explain: (interactionId) => engine.explain(interactionId, now()),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    reloadConfig: () => loadConfig(),
    transfer(interactionId, target, by) {
      if ('queue' in target && !queues.has(target.queue)) throw new AcdError('queue_not_found', `queue '${target.queue}' does not exist`);
      return { interactionId: voice.transfer(interactionId, target, by) };
    },
  };
}
