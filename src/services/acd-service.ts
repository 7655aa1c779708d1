import type { Logger } from 'pino';
import { DEFAULT_SETTINGS, type AcdEffect, type AcdEngine, type AcdEvent, type AcdSettings, type AgentView, type EnqueueRequest, type QueueConfig } from '../core/acd/acd-types.js';
import type { QueueContext } from '../core/call/call-types.js';
import type { AcdConfigStore, AcdStateStore, SavedInteraction } from '../ports/acd-store.js';
import type { Telephony, TelephonyEvent, TransferProgressState } from '../ports/telephony.js';
import { AcdError, type AcdControl, type AcdLiveEvent } from './acd-control.js';
import { createAcdTimers } from './acd-timers.js';
import { createWriteBehind } from './acd-write-behind.js';
import { createCallbacks, DIALABLE } from './acd-callbacks.js';
import type { QueueDelivery, VoiceEnqueue, VoiceQueue } from './call-runtime.js';
import { createVoiceLegs, type VoiceLegsDeps } from './acd-voice-legs.js';

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
  /** Pause between attempts to reach a customer who asked to be called back (default 2 min). */
  callbackRetryDelayMs?: number;
  /** Told who is bridged with whom (the recording service). */
  conversations?: VoiceLegsDeps['conversations'];
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
  /** Interactions of calls that did not come back after a restart, already closed in the journal. */
  const lostJournaled = new Set<string>();
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

  // A full disk or a locked database must not stop routing: the call goes on, the failure is logged.
  const writes = createWriteBehind((err) => log.error({ err }, 'acd: store write failed'));
  const store: Pick<AcdStateStore, 'saveAgentState' | 'saveInteraction' | 'removeInteraction' | 'appendEvent'> = {
    saveAgentState: (state) => writes.later(() => stateStore.saveAgentState(state)),
    saveInteraction: (row) => writes.later(() => stateStore.saveInteraction(row)),
    removeInteraction: (id) => writes.later(() => stateStore.removeInteraction(id)),
    appendEvent: (row) => writes.later(() => stateStore.appendEvent(row)),
  };
  const callJournal = (callId: string, at: number, type: string, data: Record<string, unknown>) => writes.later(() => deps.callJournal(callId, at, type, data));

  const timers = createAcdTimers(now, (timerId) => handle({ type: 'timer', at: now(), timerId }));

  const engineRequest = (interactionId: string, request: VoiceEnqueue, queueId: string, enqueuedAt: number, preferredAgentId: string | null): EnqueueRequest => ({
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
  });

  const enqueue = (interactionId: string, request: VoiceEnqueue, queueId: string, enqueuedAt: number, preferredAgentId: string | null = null) => {
    store.saveInteraction({ id: interactionId, channel: 'voice', queueId, callId: request.callId, enqueuedAt, priority: request.priority, skills: request.skills });
    handle({ type: 'enqueue', at: now(), request: engineRequest(interactionId, request, queueId, enqueuedAt, preferredAgentId) });
  };

  const record = (type: string, callId: string | null, interactionId: string, data: Record<string, unknown>) => {
    const at = now();
    try {
      store.appendEvent({ at, type, interactionId, agentId: ((data.fromAgent ?? data.agentId) as string | undefined) ?? null, queueId: (data.queueId as string | undefined) ?? null, callId, data });
      if (callId) callJournal(callId, at, type, { ...data, interactionId });
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
    forget: (id) => store.removeInteraction(id),
    remember: (id, request, queueId, enqueuedAt, connected) =>
      store.saveInteraction({ id, channel: 'voice', queueId, callId: request.callId, enqueuedAt, priority: request.priority, skills: request.skills, connected }),
    record,
    ...(deps.conversations ? { conversations: deps.conversations } : {}),
  });
  const callbacks = createCallbacks({
    telephony: deps.telephony,
    now,
    log,
    handle: (event) => handle(event),
    save: (row) => store.saveInteraction(row),
    forget: (id) => store.removeInteraction(id),
    record: (type, callId, interactionId, data) => record(type, callId, interactionId, data),
    ...(deps.callbackRetryDelayMs !== undefined ? { retryDelayMs: deps.callbackRetryDelayMs } : {}),
    ...(deps.conversations ? { conversations: deps.conversations } : {}),
  });

  const voiceCallerNumber = (requestId: string) => voice.callerNumber(requestId);

  /**
   * The agent pressed transfer on the phone (a REFER Asterisk hands us). The destination is a queue
   * id or a phone number; anything else (another agent's extension, an attended transfer) is
   * declined, and the phone says so.
   */
  async function phoneTransfer(event: TelephonyEvent & { type: 'transferRequested' }) {
    const talking = event.legId ? voice.talkingOn(event.legId) : null;
    if (!talking) return;
    const progress = (state: TransferProgressState) =>
      deps.telephony.transferProgress(event.channelId, state).catch((err: unknown) => log.warn({ err, state }, 'acd: transfer progress report failed'));
    const dest = event.destination ?? '';
    const agentPhone = configStore.listAgents().some((a) => a.endpoints.some((e) => e.endsWith(`/${dest}`)));
    const target = event.kind !== 'blind' || agentPhone ? null : queues.has(dest) ? { queue: dest } : /^\+?[0-9]{2,20}$/.test(dest) ? { number: dest } : null;
    if (!target) {
      record('acd.transfer.refused', engine.interaction(talking.interactionId)?.callId ?? null, talking.interactionId, { agentId: talking.agentId, kind: event.kind, destination: event.destination, reason: event.kind !== 'blind' ? 'attended transfers are not supported' : 'not a queue or a phone number' });
      await progress('declined');
      return;
    }
    // The phone hears success before its leg is hung up: a blind transfer is done once we own it.
    await progress('progress');
    await progress('answered');
    try {
      voice.transfer(talking.interactionId, target, `phone of ${talking.agentId}`);
    } catch (err) {
      log.warn({ err }, 'acd: phone transfer failed');
    }
  }

  /** Channels Asterisk still had in our app at start (null: could not ask): which agent legs survived. */
  let liveAtStart: Set<string> | null = null;

  /** A caller who was talking to an agent when the last process died. */
  function readopt(request: VoiceEnqueue, before: SavedInteraction & { connected: NonNullable<SavedInteraction['connected']> }): 'connected' {
    const c = before.connected;
    if (liveAtStart === null || liveAtStart.has(c.legId)) {
      voice.adopt(request, before.enqueuedAt, c);
      store.saveInteraction({ ...before, id: request.requestId, connected: c });
      handle({ type: 'adoptConnected', at: now(), agentId: c.agentId, connectedAt: c.connectedAt, request: engineRequest(request.requestId, request, request.queueId, before.enqueuedAt, null) });
      return 'connected';
    }
    // The agent hung up while nobody listened: the conversation is over, the flow goes on.
    record('acd.ended', request.callId, request.requestId, { agentId: c.agentId, by: 'agent', recovered: true });
    void deps.telephony.destroyBridge(c.bridgeId).catch(() => undefined);
    void deps.calls().deliverQueue(request.requestId, { type: 'queueResult', outcome: 'answered', data: { agentId: c.agentId, recovered: true } });
    return 'connected';
  }

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
          store.appendEvent({ at: effect.at, type: effect.event, interactionId: effect.interactionId ?? null, agentId: effect.agentId ?? null, queueId: effect.queueId ?? null, callId: effect.callId ?? null, data });
          if (effect.callId) callJournal(effect.callId, effect.at, effect.event, { ...data, ...(effect.agentId ? { agentId: effect.agentId } : {}), ...(effect.queueId ? { queueId: effect.queueId } : {}) });
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
          store.saveAgentState({ agentId: agent.id, status: agent.status, pauseReason: agent.pauseReason, statusSince: agent.statusSince, idleSince: agent.idleSince, wrapUpUntil: agent.wrapUpUntil, handled: agent.handled, talkMs: agent.talkMs });
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
        else if (effect.channel === 'callback') callbacks.offer(effect);
        return;
      case 'cancelOffer':
        if (callbacks.owns(effect.interactionId)) callbacks.cancelOffer(effect.offerId);
        else voice.cancelOffer(effect.offerId);
        return;
      case 'connect':
        if (callbacks.owns(effect.interactionId)) callbacks.connect(effect);
        else voice.connect(effect);
        return;
      case 'result':
        store.removeInteraction(effect.interactionId);
        if (callbacks.owns(effect.interactionId)) callbacks.result(effect.interactionId, effect.outcome);
        else voice.result(effect.interactionId, effect.outcome, effect.data);
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
    // Only a caller whose number we can dial back through the trunk, and who is still waiting.
    callbackAllowed: (requestId) => voice.waiting(requestId) && DIALABLE.test(voiceCallerNumber(requestId)),
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
        if (before.id !== request.requestId) store.removeInteraction(before.id);
      }
      reenqueued.add(request.requestId);
      if (before?.connected) return readopt(request, { ...before, connected: before.connected });
      const enqueuedAt = before?.enqueuedAt ?? now();
      const preferredAgentId = queue.preferredAgentSec > 0 && request.callerNumber ? stateStore.lastAgentFor(request.callerNumber, now() - PREFERRED_MEMORY_MS) : null;
      voice.track(request, enqueuedAt);
      enqueue(request.requestId, request, request.queueId, enqueuedAt, preferredAgentId);
      return 'waiting';
    },
    callback(requestId) {
      const number = voiceCallerNumber(requestId);
      const waiting = DIALABLE.test(number) ? voice.withdraw(requestId) : null;
      if (!waiting) return;
      callbacks.request({
        baseId: requestId,
        callId: waiting.request.callId,
        queueId: waiting.queueId,
        number,
        name: waiting.request.callerName,
        enqueuedAt: waiting.enqueuedAt,
        priority: waiting.request.priority,
        skills: waiting.request.skills,
      });
    },
    leave(requestId, reason) {
      store.removeInteraction(requestId);
      voice.leave(requestId, reason);
    },
  };

  return {
    voice: voiceQueue,

    async start() {
      loadConfig();
      for (const state of stateStore.loadAgentStates()) apply(engine.restoreAgent(state, now()));
      for (const queue of queues.values()) engine.seedHandleTimes(queue.id, stateStore.recentHandleTimes(queue.id, DEFAULT_SETTINGS.ahtWindow));
      for (const s of stateStore.loadInteractions()) {
        if (s.channel === 'callback') callbacks.restore(s);
        else saved.set(s.id, s);
      }
      if ([...saved.values()].some((s) => s.connected)) {
        try {
          liveAtStart = new Set((await deps.telephony.appChannels()).map((c) => c.id));
        } catch (err) {
          log.warn({ err }, 'acd: could not list channels; conversations in progress are assumed alive');
        }
      }
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
      // Rows of calls that did not come back go; the map stays, so a re-adopted call whose queue
      // node runs late still finds its place in line (it saves its row again).
      for (const s of saved.values()) {
        if (reenqueued.has(s.id)) continue;
        store.removeInteraction(s.id);
        // The call ended while we were away; when exactly is unknown, so the journal closes it now
        // (an upper bound, marked lost) rather than leaving a visit open forever in the stats.
        if (s.channel !== 'voice' || lostJournaled.has(s.id)) continue;
        lostJournaled.add(s.id);
        const at = now();
        if (s.connected) record('acd.ended', s.callId, s.id, { agentId: s.connected.agentId, queueId: s.queueId, by: 'system', talkMs: at - s.connected.connectedAt, lost: true });
        else record('acd.abandoned', s.callId, s.id, { queueId: s.queueId, waitMs: at - s.enqueuedAt, lost: true });
      }
    },

    handleTelephony(event) {
      switch (event.type) {
        case 'endpointState':
          handle({ type: 'registration', at: event.at, endpoint: event.endpoint, registered: event.registered });
          return;
        case 'legHangupRequested':
          voice.legEvent(event);
          return;
        case 'legRinging':
        case 'legAnswered':
        case 'legEnded':
          voice.legEvent(event);
          callbacks.legEvent(event);
          return;
        case 'transferRequested':
          void phoneTransfer(event);
          return;
        default:
          return;
      }
    },

    stop() {
      writes.flush();
      timers.clear();
      callbacks.stop();
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
