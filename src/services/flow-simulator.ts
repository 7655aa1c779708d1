import { callStep, initialCallState } from '../core/call/call-machine.js';
import type { CallEffect, CallEvent, CallState, HttpOutcome, QueueOutcome } from '../core/call/call-types.js';
import type { CalendarOverride } from '../core/calendar/calendar-types.js';
import type { FlowLibrary } from '../core/ivr/flow-types.js';
import { parseDuration } from '../core/ivr/duration.js';

// Runs a flow without Asterisk: the same callStep that drives real calls, with a virtual clock
// and a telephony that answers effects from the scenario's mocks. Flow tests (*.test.yaml) and
// POST /flows/:id/simulate both use it, so what they prove is what real calls do.

export type ScenarioStep =
  | { dtmf: string; bargein?: boolean }
  | { silence: true | string | number }
  | { wait: string | number }
  | { hangup: true };

export type HttpMock = { status?: number; body?: unknown; delay?: string | number } | { timeout: true } | { error: string };

export interface Scenario {
  name?: string;
  flow?: string;
  given?: {
    caller?: { number?: string; name?: string };
    dialed?: string;
    time?: string;
    vars?: Record<string, unknown>;
    locale?: string;
  };
  mock?: {
    http?: Record<string, HttpMock>;
    queue?: Record<string, string>;
    transfer?: Record<string, 'answered' | 'busy' | 'noanswer' | 'failed'>;
    voicemail?: Record<string, 'saved' | 'noAudio'>;
    /** Calendar id → manual override state (open, closed, holiday or an exception name). */
    calendars?: Record<string, string>;
  };
  steps?: ScenarioStep[];
}

export type EndKind = 'hangup' | 'fallback' | 'callerHangup' | 'waiting' | 'timeLimit';

export interface SimulationResult {
  flowId: string;
  version: string;
  path: string[];
  heard: string[];
  end: { kind: EndKind; nodeId: string | null; reason?: string };
  vars: Record<string, unknown>;
  tags: string[];
  locale: string;
  durationMs: number;
  journal: { atMs: number; event: string; data?: Record<string, unknown> }[];
}

export class ScenarioError extends Error {}

const PROMPT_MS = 1000;
const DIGIT_GAP_MS = 100;
const DEFAULT_TIME = '2026-01-05T15:00:00Z'; // a Monday afternoon in Europe and the Americas
const MAX_EVENTS = 20_000;

interface Pending {
  at: number;
  order: number;
  event: CallEvent;
}

export function simulate(library: FlowLibrary, flowId: string, scenario: Scenario): SimulationResult {
  const flow = library.get(flowId);
  if (!flow) throw new ScenarioError(`flow '${flowId}' is not loaded`);
  const start = scenario.given?.time === undefined ? Date.parse(DEFAULT_TIME) : Date.parse(scenario.given.time);
  if (Number.isNaN(start)) throw new ScenarioError(`given.time '${scenario.given?.time}' is not an ISO date-time`);
  const mock = scenario.mock ?? {};
  const overrides = new Map<string, CalendarOverride>(
    Object.entries(mock.calendars ?? {}).map(([calendarId, state]) => [calendarId, { calendarId, state, until: null, setAt: start, reason: 'scenario' }]),
  );
  const context = { calendarOverrides: overrides };

  let now = start;
  let order = 0;
  let state: CallState = initialCallState('sim');
  let ended: SimulationResult['end'] | null = null;
  const pending: Pending[] = [];
  const heard: string[] = [];
  const path: string[] = [];
  const journal: SimulationResult['journal'] = [];
  const legTargets = new Map<string, string>();
  let processed = 0;

  const schedule = (delay: number, event: CallEvent) => pending.push({ at: now + delay, order: order++, event: { ...event, at: now + delay } as CallEvent });
  const cancel = (match: (e: CallEvent) => boolean) => {
    for (let i = pending.length - 1; i >= 0; i--) if (match((pending[i] as Pending).event)) pending.splice(i, 1);
  };

  const perform = (effect: CallEffect) => {
    const nodeId = state.nodeId ?? '';
    switch (effect.type) {
      case 'journal':
        journal.push({ atMs: now - start, event: effect.event, ...(effect.data ? { data: effect.data } : {}) });
        if (effect.event === 'node.entered' && effect.data) {
          const d = effect.data as { flowId: string; nodeId: string; depth?: number };
          path.push(d.depth ? `${d.flowId}/${d.nodeId}` : d.nodeId);
        }
        return;
      case 'answer':
        return schedule(0, { type: 'answered', at: now });
      case 'play':
        heard.push(...effect.prompts);
        return schedule(Math.max(1, effect.media.length) * PROMPT_MS, { type: 'playbackFinished', at: now, playbackId: effect.playbackId, failed: false });
      case 'stopPlayback':
        // Asterisk reports a stopped playback as finished too; nodes must ignore it.
        cancel((e) => e.type === 'playbackFinished' && e.playbackId === effect.playbackId);
        return schedule(0, { type: 'playbackFinished', at: now, playbackId: effect.playbackId, failed: false });
      case 'startTimer':
        return schedule(effect.ms, { type: 'timer', at: now, timerId: effect.timerId });
      case 'cancelTimer':
        return cancel((e) => e.type === 'timer' && e.timerId === effect.timerId);
      case 'hangup':
        ended = { kind: 'hangup', nodeId: state.nodeId, reason: effect.reason };
        return;
      case 'continueToFallback':
        ended = { kind: 'fallback', nodeId: state.nodeId, reason: effect.reason };
        return;
      case 'httpRequest': {
        const m = mock.http?.[effect.nodeId];
        const { result, delay } = httpMock(m, effect.request.timeoutMs);
        return schedule(delay, { type: 'httpResult', at: now, requestId: effect.requestId, result });
      }
      case 'record': {
        const saved = (mock.voicemail?.[nodeId] ?? 'saved') === 'saved';
        return schedule(saved ? 5000 : 1000, { type: 'recordingFinished', at: now, name: effect.name, durationSec: saved ? 5 : 0, talkingSec: saved ? 4 : 0, failed: false });
      }
      case 'sendDtmf':
        return schedule(effect.digits.length * effect.betweenMs, { type: 'effectDone', at: now, effectId: effect.effectId });
      case 'dial': {
        const outcome = mock.transfer?.[nodeId] ?? 'noanswer';
        legTargets.set(effect.legId, outcome);
        if (outcome === 'answered') return schedule(2000, { type: 'legAnswered', at: now, legId: effect.legId });
        const cause = { busy: 17, noanswer: 19, failed: 34 }[outcome];
        return schedule(outcome === 'noanswer' ? effect.timeoutSec * 1000 : 1000, { type: 'legEnded', at: now, legId: effect.legId, cause });
      }
      case 'bridge':
        // The agent talks for a minute, then hangs up.
        return schedule(60_000, { type: 'legEnded', at: now, legId: effect.legId, cause: 16 });
      case 'enqueue': {
        const outcome = (mock.queue?.[nodeId] ?? 'noAgents') as QueueOutcome;
        return schedule(1000, { type: 'queueResult', at: now, requestId: effect.requestId, outcome });
      }
      case 'hangupLeg':
        return cancel((e) => (e.type === 'legAnswered' || e.type === 'legEnded') && e.legId === effect.legId);
      case 'setLanguage':
      case 'stopRecording':
      case 'destroyBridge':
      case 'leaveQueue':
      case 'startMoh':
      case 'stopMoh':
      case 'queueCallback':
      case 'mask':
        return;
    }
  };

  const dispatch = (event: CallEvent) => {
    now = Math.max(now, event.at);
    const step = callStep(state, event, context);
    state = step.state;
    for (const effect of step.effects) perform(effect);
    if (++processed > MAX_EVENTS) throw new ScenarioError(`the flow did not settle after ${MAX_EVENTS} events`);
  };

  const next = (): Pending | undefined => {
    pending.sort((a, b) => a.at - b.at || a.order - b.order);
    return pending.shift();
  };
  const limitAt = start + flow.limits.maxDurationMs + 60_000;
  const waitingForCaller = () => {
    const node = state.nodeId && state.ivr ? state.ivr.frames[state.ivr.frames.length - 1]?.flow.nodes[state.nodeId] : undefined;
    return state.phase === 'running' && (node?.kind === 'menu' || node?.kind === 'collect') && state.ivr?.owned.playbacks.length === 0;
  };
  /** Runs until the flow waits for the caller (or ends). */
  const settle = () => {
    while (!ended && !waitingForCaller()) {
      const item = next();
      if (!item) break;
      if (item.at > limitAt) {
        ended = { kind: 'timeLimit', nodeId: state.nodeId };
        break;
      }
      dispatch(item.event);
    }
  };
  const advance = (ms: number) => {
    const until = now + ms;
    while (!ended) {
      pending.sort((a, b) => a.at - b.at || a.order - b.order);
      const first = pending[0];
      if (!first || first.at > until) break;
      pending.shift();
      dispatch(first.event);
    }
    now = Math.max(now, until);
  };

  dispatch({
    type: 'started',
    at: now,
    flow,
    library,
    call: {
      callerNumber: scenario.given?.caller?.number ?? '+15145550100',
      callerName: scenario.given?.caller?.name ?? 'Test Caller',
      dialed: scenario.given?.dialed ?? '100',
      direction: 'inbound',
    },
    preset: { ...(scenario.given?.vars ? { vars: scenario.given.vars } : {}), ...(scenario.given?.locale ? { locale: scenario.given.locale } : {}) },
  });
  for (const [index, step] of (scenario.steps ?? []).entries()) {
    // Digits and silences answer the flow once it waits for the caller; a barge-in digit, a wait
    // or a hangup happens right after the previous step, whatever is playing.
    const immediate = ('dtmf' in step && step.bargein) || 'wait' in step || 'hangup' in step;
    if (immediate) advance(0);
    else settle();
    if (ended) throw new ScenarioError(`step ${index + 1}: the call already ended (${(ended as SimulationResult['end']).kind} at '${(ended as SimulationResult['end']).nodeId}')`);
    if ('dtmf' in step) {
      const digits = String(step.dtmf);
      if (!/^[0-9*#A-D]+$/.test(digits)) throw new ScenarioError(`step ${index + 1}: '${digits}' is not DTMF`);
      for (const digit of digits) {
        dispatch({ type: 'dtmf', at: now, digit });
        advance(DIGIT_GAP_MS);
      }
    } else if ('silence' in step) {
      if (step.silence === true) {
        // Silence until the node's input timer gives up on the caller.
        const timers = pending.filter((p) => p.event.type === 'timer').sort((a, b) => a.at - b.at);
        advance(timers[0] ? timers[0].at - now : 0);
      } else advance(durationOf(step.silence, index));
    } else if ('wait' in step) {
      advance(durationOf(step.wait, index));
    } else if ('hangup' in step) {
      dispatch({ type: 'hangupRequested', at: now, cause: 16 });
      dispatch({ type: 'left', at: now });
      ended = { kind: 'callerHangup', nodeId: state.nodeId };
    } else {
      throw new ScenarioError(`step ${index + 1}: a step is one of dtmf, silence, wait, hangup`);
    }
  }
  settle();
  const ivr = state.ivr;
  return {
    flowId: flow.id,
    version: flow.version,
    path,
    heard,
    end: ended ?? { kind: 'waiting', nodeId: state.nodeId },
    vars: ivr?.frames[0]?.vars ?? {},
    tags: ivr?.tags ?? [],
    locale: ivr?.locale ?? flow.locales[0] ?? 'en',
    durationMs: now - start,
    journal,
  };
}

function durationOf(value: string | number, index: number): number {
  const ms = parseDuration(value);
  if (ms === null) throw new ScenarioError(`step ${index + 1}: '${String(value)}' is not a duration`);
  return ms;
}

function httpMock(m: HttpMock | undefined, timeoutMs: number): { result: HttpOutcome; delay: number } {
  if (!m) return { result: { kind: 'error', status: null, message: 'no mock for this http node' }, delay: 10 };
  if ('timeout' in m) return { result: { kind: 'timeout' }, delay: timeoutMs };
  if ('error' in m) return { result: { kind: 'error', status: null, message: m.error }, delay: 10 };
  const delay = m.delay === undefined ? 50 : (parseDuration(m.delay) ?? 50);
  if (delay >= timeoutMs) return { result: { kind: 'timeout' }, delay: timeoutMs };
  const status = m.status ?? 200;
  if (status >= 200 && status < 300) return { result: { kind: 'ok', status, body: m.body ?? null, headers: { 'content-type': 'application/json' } }, delay };
  return { result: { kind: 'error', status, message: `HTTP ${status}`, body: m.body ?? null }, delay };
}
