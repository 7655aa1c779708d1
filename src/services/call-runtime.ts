import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { callStep, initialCallState } from '../core/call/call-machine.js';
import type { CalendarOverride } from '../core/calendar/calendar-types.js';
import type { CallEffect, CallEvent, CallInfo, CallState, QueueContext, QueueOutcome, StepContext } from '../core/call/call-types.js';
import type { FlowLibrary } from '../core/ivr/flow-types.js';
import type { CallStore } from '../ports/call-store.js';
import type { HttpClient } from '../ports/http-client.js';
import { TelephonyError, type LiveChannel, type Telephony, type TelephonyEvent } from '../ports/telephony.js';
import { createMailbox, type Mailbox } from './mailbox.js';

export interface CallRuntimeDeps {
  telephony: Telephony;
  store: CallStore;
  flows: { library(): FlowLibrary; route(dialed: string): string };
  http: HttpClient;
  calendarOverrides: () => ReadonlyMap<string, CalendarOverride>;
  fallbackContext: string;
  now: () => number;
  logger: Logger;
  /** The ACD; without one every queue answers noAgents. */
  queues?: VoiceQueue;
  /** A masked collect starts or ends (PCI): a live conversation recording pauses meanwhile. */
  onMask?(callId: string, on: boolean, nodeId: string): void;
}

export interface VoiceEnqueue {
  requestId: string;
  callId: string;
  channelId: string;
  callerNumber: string;
  callerName: string;
  queueId: string;
  skills: string[];
  priority: number;
  maxWaitMs: number | null;
  /** The flow's recording mode for this caller, overriding the queue's. */
  recording?: 'all' | 'onDemand' | 'never';
}

/** What the call runtime needs from the ACD for a caller in a queue node. */
export interface VoiceQueue {
  /**
   * Results come back through CallRuntime.deliverQueue; a throw fails the enqueue (the node's error
   * route). 'connected': after a restart the caller is still bridged with an agent (no music).
   */
  enqueue(request: VoiceEnqueue): 'waiting' | 'connected';
  /** The caller pressed the callback key: keep their place as a callback to their number. */
  callback(requestId: string): void;
  /** The node released the queue: 'abandoned' when the caller is gone, 'option' when the flow moved on. */
  leave(requestId: string, reason: 'abandoned' | 'option'): void;
  context: QueueContext;
}

export type QueueDelivery =
  | { type: 'queueConnect'; agentId: string }
  | { type: 'queueRequeued'; queue: string }
  | { type: 'queueResult'; outcome: QueueOutcome; data?: Record<string, unknown> };

interface Session {
  callId: string;
  channelId: string;
  state: CallState;
  mailbox: Mailbox;
  timers: Map<string, NodeJS.Timeout>;
  log: Logger;
  info: CallInfo | null;
  /** A re-adopted caller still talking to an agent: the queue node's music must not start. */
  skipMoh: boolean;
}

// ChannelDestroyed (with the real hangup cause) often arrives after StasisEnd; remember ended
// channels briefly so the cause still lands on the right call.
const ENDED_MEMORY_MS = 30_000;

export interface CallRuntime {
  handle(event: TelephonyEvent): void;
  /** Compare what Asterisk has with what we think is live; run on every ARI (re)connect. */
  reconcile(): Promise<{ adopted: number; lost: number; added: number }>;
  activeCount(): number;
  /** Resolves once every call's queued work is done (for shutdown and tests). */
  idle(): Promise<void>;
  /** The ACD's word for a queued caller; resolves once the call has acted on it (false: the call is gone). */
  deliverQueue(requestId: string, delivery: QueueDelivery): Promise<boolean>;
}

export function createCallRuntime(deps: CallRuntimeDeps): CallRuntime {
  const { telephony, store, now, logger } = deps;
  const sessions = new Map<string, Session>();
  /** Outbound legs (transfers) by leg id: their events belong to the call that dialed them. */
  const legs = new Map<string, Session>();
  const ended = new Map<string, { callId: string; at: number }>();
  /** Queue requests by id: the ACD answers them later. */
  const queued = new Map<string, Session>();

  const newSession = (callId: string, channelId: string, seq: number): Session => {
    const session: Session = {
      callId,
      channelId,
      state: initialCallState(callId, seq),
      mailbox: createMailbox((err) => session.log.error({ err }, 'call: mailbox task failed')),
      timers: new Map(),
      log: logger.child({ callId, channelId }),
      info: null,
      skipMoh: false,
    };
    sessions.set(channelId, session);
    return session;
  };

  const journal = (session: Session, type: string, data?: Record<string, unknown>) => {
    try {
      store.append(session.callId, now(), type, data);
    } catch (err) {
      // A full disk or a locked database must not drop the call: log it and carry on.
      session.log.error({ err, type }, 'call: journal write failed');
    }
  };

  const stepContext = (): StepContext => ({ calendarOverrides: deps.calendarOverrides(), ...(deps.queues ? { queues: deps.queues.context } : {}) });

  async function dispatch(session: Session, event: CallEvent): Promise<void> {
    const step = callStep(session.state, event, stepContext());
    session.state = step.state;
    for (const effect of step.effects) {
      if (sessions.get(session.channelId) !== session) return;
      await perform(session, effect);
    }
    if (session.state.phase === 'ended') finish(session);
  }

  async function perform(session: Session, effect: CallEffect): Promise<void> {
    const { channelId } = session;
    try {
      switch (effect.type) {
        case 'journal':
          journal(session, effect.event, effect.data);
          return;
        case 'answer':
          await telephony.answer(channelId);
          journal(session, 'call.answered');
          await dispatch(session, { type: 'answered', at: now() });
          return;
        case 'play':
          journal(session, 'playback.started', { playbackId: effect.playbackId, prompts: effect.prompts, media: effect.media, nodeId: session.state.nodeId });
          await telephony.play(channelId, effect.playbackId, effect.media);
          return;
        case 'setLanguage':
          await telephony.setLanguage(channelId, effect.language);
          return;
        case 'httpRequest':
          // Not awaited: the call's mailbox stays free for DTMF and hangups while the dip runs.
          void deps.http.request(effect.request).then((result) =>
            session.mailbox.post(() => dispatch(session, { type: 'httpResult', at: now(), requestId: effect.requestId, result })),
          );
          return;
        case 'record':
          journal(session, 'recording.started', { name: effect.name, nodeId: session.state.nodeId });
          await telephony.record(channelId, { name: effect.name, maxDurationSec: effect.maxDurationSec, maxSilenceSec: effect.maxSilenceSec, beep: effect.beep, terminateOn: effect.terminateOn });
          return;
        case 'stopRecording':
          await telephony.stopRecording(effect.name);
          return;
        case 'sendDtmf':
          await telephony.sendDtmf(channelId, effect.digits, effect.betweenMs);
          session.mailbox.post(() => dispatch(session, { type: 'effectDone', at: now(), effectId: effect.effectId }));
          return;
        case 'dial':
          legs.set(effect.legId, session);
          await telephony.dial(effect.legId, { endpoint: effect.endpoint, timeoutSec: effect.timeoutSec, ...(effect.callerId ? { callerId: effect.callerId } : {}) });
          return;
        case 'hangupLeg':
          await telephony.hangup(effect.legId, 'normal');
          return;
        case 'bridge':
          await telephony.bridge(effect.bridgeId, [channelId, effect.legId]);
          return;
        case 'destroyBridge':
          await telephony.destroyBridge(effect.bridgeId);
          return;
        case 'enqueue':
          journal(session, 'queue.entered', { queue: effect.queue, requestId: effect.requestId, skills: effect.skills, priority: effect.priority });
          if (!deps.queues) {
            // Without an ACD (tests, tools) every queue answers "no agents", so flows take their
            // noAgents route (voicemail, callback) instead of waiting forever.
            journal(session, 'queue.unavailable', { queue: effect.queue, reason: 'no ACD is running' });
            session.mailbox.post(() => dispatch(session, { type: 'queueResult', at: now(), requestId: effect.requestId, outcome: 'noAgents' }));
            return;
          }
          queued.set(effect.requestId, session);
          session.skipMoh = 'connected' === deps.queues.enqueue({
            requestId: effect.requestId,
            callId: session.callId,
            channelId,
            callerNumber: session.info?.callerNumber ?? '',
            callerName: session.info?.callerName ?? '',
            queueId: effect.queue,
            skills: effect.skills,
            priority: effect.priority,
            maxWaitMs: effect.maxWaitMs,
            ...(effect.recording ? { recording: effect.recording } : {}),
          });
          return;
        case 'leaveQueue':
          if (!queued.delete(effect.requestId)) return;
          deps.queues?.leave(effect.requestId, effect.callerGone ? 'abandoned' : 'option');
          return;
        case 'queueCallback':
          journal(session, 'queue.callback', { requestId: effect.requestId });
          deps.queues?.callback(effect.requestId);
          return;
        case 'startMoh':
          if (session.skipMoh) {
            session.skipMoh = false;
            return;
          }
          await telephony.startMoh(channelId, effect.mohClass);
          return;
        case 'stopMoh':
          await telephony.stopMoh(channelId);
          return;
        case 'mask':
          journal(session, effect.on ? 'mask.started' : 'mask.ended', { nodeId: effect.nodeId });
          deps.onMask?.(session.callId, effect.on, effect.nodeId);
          return;
        case 'stopPlayback':
          await telephony.stopPlayback(effect.playbackId);
          return;
        case 'startTimer': {
          const timer = setTimeout(() => {
            session.timers.delete(effect.timerId);
            session.mailbox.post(() => dispatch(session, { type: 'timer', at: now(), timerId: effect.timerId }));
          }, effect.ms);
          session.timers.set(effect.timerId, timer);
          return;
        }
        case 'cancelTimer':
          clearTimeout(session.timers.get(effect.timerId));
          session.timers.delete(effect.timerId);
          return;
        case 'hangup':
          journal(session, 'call.hangup', { by: 'switchboard', reason: effect.reason });
          await telephony.hangup(channelId, effect.reason);
          return;
        case 'continueToFallback':
          session.log.warn({ reason: effect.reason }, 'call: sending the caller to the dialplan fallback');
          journal(session, 'call.fallback', { reason: effect.reason, context: deps.fallbackContext });
          await telephony.continueInDialplan(channelId, deps.fallbackContext);
          return;
      }
    } catch (err) {
      const code = err instanceof TelephonyError ? err.code : 'internal';
      if (code !== 'channel_gone') session.log.error({ err, effect: effect.type }, 'call: effect failed');
      const leg = effect.type === 'hangupLeg' || effect.type === 'dial' ? effect.legId : null;
      if (leg && code === 'channel_gone') return; // the leg is gone: nothing to undo, not the caller's channel
      await dispatch(session, { type: 'effectFailed', at: now(), effect: effect.type, code, message: (err as Error).message });
    }
  }

  function finish(session: Session) {
    if (sessions.get(session.channelId) !== session) return;
    for (const timer of session.timers.values()) clearTimeout(timer);
    session.timers.clear();
    journal(session, 'call.ended', { endReason: session.state.endReason });
    sessions.delete(session.channelId);
    for (const [legId, owner] of legs) if (owner === session) legs.delete(legId);
    for (const [requestId, owner] of queued) if (owner === session) queued.delete(requestId);
    ended.set(session.channelId, { callId: session.callId, at: now() });
    session.log.info({ endReason: session.state.endReason }, 'call: ended');
    for (const [channelId, e] of ended) if (now() - e.at > ENDED_MEMORY_MS) ended.delete(channelId);
  }

  const callInfo = (channel: LiveChannel, args: string[]): CallInfo => ({
    callerNumber: channel.callerNumber,
    callerName: channel.callerName,
    dialed: channel.dialed,
    direction: args[0] === 'internal' ? 'internal' : 'inbound',
  });

  function startCall(channel: LiveChannel, args: string[], at: number) {
    // One snapshot per call: hot reloads never change the flows a call is running.
    const library = deps.flows.library();
    const flowId = deps.flows.route(channel.dialed);
    const flow = library.get(flowId);
    const callId = randomUUID();
    try {
      store.startCall({
        id: callId,
        channelId: channel.id,
        direction: args[0] === 'internal' ? 'internal' : 'inbound',
        callerNumber: channel.callerNumber,
        callerName: channel.callerName,
        dialed: channel.dialed,
        flowId: flow?.id ?? null,
        startedAt: at,
      });
    } catch (err) {
      logger.error({ err, channelId: channel.id }, 'call: could not store a new call; continuing without a call log row');
    }
    const session = newSession(callId, channel.id, 0);
    session.info = callInfo(channel, args);
    session.log.info({ caller: channel.callerNumber, dialed: channel.dialed, flowId: flow?.id, version: flow?.version }, 'call: started');
    session.mailbox.post(async () => {
      await telephony.watch(channel.id).catch((err: unknown) => session.log.debug({ err }, 'call: watch failed'));
      if (!flow) {
        journal(session, 'call.error', { code: 'flow_not_found', message: `flow '${flowId}' (for ${channel.dialed || 'no number'}) is not loaded` });
        session.state = { ...session.state, phase: 'ending', endReason: 'fallback' };
        await perform(session, { type: 'continueToFallback', reason: 'flow_not_found' });
        return;
      }
      await dispatch(session, { type: 'started', at, flow, library, call: callInfo(channel, args) });
    });
  }

  // The call log has ended already; a late hangup cause still belongs on it.
  function afterEnd(event: TelephonyEvent) {
    if (event.type !== 'channelDestroyed' && event.type !== 'hangupRequested') return;
    const callId = ended.get(event.channelId)?.callId;
    if (!callId) return;
    try {
      if (event.type === 'channelDestroyed') store.append(callId, event.at, 'channel.destroyed', { cause: event.cause, causeText: event.causeText });
      else if (event.cause) store.append(callId, event.at, 'hangup.requested', { cause: event.cause });
    } catch (err) {
      logger.error({ err, callId }, 'call: journal write failed');
    }
  }

  return {
    handle(event) {
      if (event.type === 'channelEntered') {
        if (sessions.has(event.channel.id)) return;
        startCall(event.channel, event.args, event.at);
        return;
      }
      // Agent phones and ringing legs are the ACD's business.
      if (event.type === 'legRinging' || event.type === 'legHangupRequested' || event.type === 'endpointState' || event.type === 'transferRequested' || event.type === 'bridgeRecording') return;
      if (event.type === 'legAnswered' || event.type === 'legEnded') {
        const owner = legs.get(event.legId);
        if (!owner) return;
        if (event.type === 'legEnded') legs.delete(event.legId);
        owner.mailbox.post(() => dispatch(owner, event));
        return;
      }
      const session = sessions.get(event.channelId);
      if (!session) return afterEnd(event);
      session.mailbox.post(async () => {
        if (sessions.get(session.channelId) !== session) return afterEnd(event);
        switch (event.type) {
          case 'hangupRequested':
            journal(session, 'hangup.requested', { cause: event.cause });
            return dispatch(session, { type: 'hangupRequested', at: event.at, cause: event.cause });
          case 'channelDestroyed':
            journal(session, 'channel.destroyed', { cause: event.cause, causeText: event.causeText });
            return dispatch(session, { type: 'left', at: event.at });
          case 'channelLeft':
            journal(session, 'stasis.left');
            return dispatch(session, { type: 'left', at: event.at });
          case 'playbackFinished':
            journal(session, 'playback.finished', { playbackId: event.playbackId, failed: event.failed });
            return dispatch(session, { type: 'playbackFinished', at: event.at, playbackId: event.playbackId, failed: event.failed });
          case 'dtmf':
            return dispatch(session, { type: 'dtmf', at: event.at, digit: event.digit });
          case 'recordingFinished':
            journal(session, 'recording.finished', { name: event.name, durationSec: event.durationSec, talkingSec: event.talkingSec, failed: event.failed });
            return dispatch(session, { type: 'recordingFinished', at: event.at, name: event.name, durationSec: event.durationSec, talkingSec: event.talkingSec, failed: event.failed });
        }
      });
    },

    async reconcile() {
      const live = new Map((await telephony.appChannels()).map((c) => [c.id, c]));
      let adopted = 0;
      let lost = 0;
      let added = 0;
      const known = new Set<string>();
      for (const call of store.active()) {
        known.add(call.channelId);
        const channel = live.get(call.channelId);
        const existing = sessions.get(call.channelId);
        if (!channel) {
          // Gone while we were not listening: the hangup happened, we just never heard of it.
          const session = existing ?? newSession(call.id, call.channelId, 0);
          session.mailbox.post(async () => {
            journal(session, 'call.lost', { reason: 'channel gone at reconcile' });
            session.state = { ...session.state, phase: 'ended', endReason: 'lost' };
            finish(session);
          });
          lost++;
          continue;
        }
        // Events may have been missed (a PlaybackFinished, say): re-enter the current node so no
        // caller waits in silence for an event that will never come.
        const events = store.events(call.id);
        // A call inside a subflow is re-adopted at the entry flow's node that called it: the subflow
        // stack is not rebuilt, so the subflow starts again from its entry.
        const lastNode = [...events].reverse().find((e) => e.type === 'node.entered' && !e.data.depth);
        const lastPlayback = [...events].reverse().find((e) => e.type === 'playback.started');
        const library = deps.flows.library();
        const flow = library.get(call.flowId ?? deps.flows.route(call.dialed)) ?? library.get(deps.flows.route(call.dialed));
        const session = existing ?? newSession(call.id, call.channelId, events.length);
        session.info = { callerNumber: call.callerNumber, callerName: call.callerName, dialed: call.dialed, direction: call.direction };
        session.mailbox.post(async () => {
          for (const timer of session.timers.values()) clearTimeout(timer);
          session.timers.clear();
          if (!flow) {
            await perform(session, { type: 'continueToFallback', reason: 'flow_not_found' });
            return;
          }
          session.state = { ...session.state, seq: Math.max(session.state.seq, events.length) };
          await dispatch(session, {
            type: 'adopted',
            at: now(),
            flow,
            library,
            call: { callerNumber: call.callerNumber, callerName: call.callerName, dialed: call.dialed, direction: call.direction },
            nodeId: (lastNode?.data.nodeId as string | undefined) ?? null,
            lastPlaybackId: (lastPlayback?.data.playbackId as string | undefined) ?? null,
            answered: call.answeredAt !== null || channel.state === 'Up',
          });
        });
        adopted++;
      }
      for (const [channelId, channel] of live) {
        if (known.has(channelId) || sessions.has(channelId) || channelId.startsWith('leg-')) continue;
        startCall(channel, ['inbound'], now());
        added++;
      }
      logger.info({ adopted, lost, added }, 'calls: reconciled with Asterisk');
      return { adopted, lost, added };
    },

    deliverQueue(requestId, delivery) {
      const session = queued.get(requestId);
      if (!session) return Promise.resolve(false);
      if (delivery.type === 'queueResult') queued.delete(requestId);
      return new Promise<boolean>((resolve) => {
        session.mailbox.post(async () => {
          try {
            if (sessions.get(session.channelId) !== session) return;
            await dispatch(session, { ...delivery, at: now(), requestId });
          } finally {
            resolve(sessions.get(session.channelId) === session);
          }
        });
      });
    },

    activeCount: () => sessions.size,
    idle: async () => {
      await Promise.all([...sessions.values()].map((s) => s.mailbox.idle()));
    },
  };
}
