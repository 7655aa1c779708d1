import { compileCalendar } from '../../../src/adapters/flows/calendar-file.js';
import { compileFlowSource, type CompileEnv, type CompileResult } from '../../../src/adapters/flows/flow-compiler.js';
import { compilePromptFile, type PromptFile } from '../../../src/adapters/flows/prompt-catalog.js';
import { formatProblem, parseSource } from '../../../src/adapters/flows/yaml-source.js';
import { callStep, initialCallState } from '../../../src/core/call/call-machine.js';
import type { CallEffect, CallEvent, CallInfo, CallState, FlowPreset, StepContext } from '../../../src/core/call/call-types.js';
import type { Calendar, CalendarOverride } from '../../../src/core/calendar/calendar-types.js';
import type { Flow, FlowLibrary, FlowNode } from '../../../src/core/ivr/flow-types.js';

// Flows for unit tests, written inline as YAML and compiled by the real compiler (with an inline
// prompt catalog and inline calendars), plus a small driver that feeds a call's events to callStep
// at explicit times. No real timers, no clock: every event says when it happens.

/** Joins lines with newlines (and a final one): flows read like files in the test. */
export const yaml = (...lines: string[]): string => `${lines.join('\n')}\n`;

/** The prompt catalog fixtures use unless they bring their own (locale → YAML source). */
export const FIXTURE_PROMPTS: Record<string, string> = {
  default: yaml(
    'hello: sound:hello-world',
    'welcome: sound:dir-welcome',
    'menu.main: [sound:vm-press, digits:1]',
    'menu.short: sound:pm-invalid-option',
    'menu.invalid: sound:invalid',
    'menu.invalid.last: [sound:invalid, sound:please-try-again]',
    'menu.noinput: sound:please-try-again',
    'menu.exit: sound:one-moment-please',
    'enter: sound:vm-enter-num-to-call',
    'bad: sound:pbx-invalid',
    'hold: sound:pls-hold-while-try',
    'goodbye: sound:vm-goodbye',
    'readback: [sound:you-entered, { sayAs: digits, value: "{{vars.account}}" }]',
  ),
};

/** A calendar open mon-fri 09:00-17:00 UTC, with a dated and a manual exception. */
export const FIXTURE_CALENDARS: Record<string, string> = {
  office: yaml(
    'timezone: UTC',
    'weekly:',
    '  mon-fri: ["09:00-17:00"]',
    'holidays:',
    '  - { date: 2026-12-25, name: Christmas }',
    'exceptions:',
    '  - name: inventory',
    '    outcome: closed',
    '    date: 2026-11-27',
    '  - name: storm',
    '    outcome: closed',
    '    manual: true',
  ),
};

export interface FixtureOptions {
  /** Locale → prompt catalog YAML; defaults to FIXTURE_PROMPTS. */
  prompts?: Record<string, string>;
  /** Calendar id → calendar YAML; defaults to FIXTURE_CALENDARS. */
  calendars?: Record<string, string>;
  /** Other flows the compiled one may call (their sources: ids and vars are read from them). */
  flows?: string[];
  mediaExists?: CompileEnv['mediaExists'];
  /** The file name problems are reported against. */
  file?: string;
}

export function compileFixturePrompts(prompts: Record<string, string> = FIXTURE_PROMPTS): Map<string, PromptFile> {
  const out = new Map<string, PromptFile>();
  for (const [locale, source] of Object.entries(prompts)) {
    const file = compilePromptFile(`/fixtures/prompts/${locale}.yaml`, locale, source);
    if (file.problems.length > 0) throw new Error(`fixture prompts ${locale}:\n${file.problems.map(formatProblem).join('\n')}`);
    out.set(locale, file);
  }
  return out;
}

export function compileFixtureCalendars(calendars: Record<string, string> = FIXTURE_CALENDARS): Map<string, Calendar> {
  return new Map(Object.entries(calendars).map(([id, source]) => [id, compileCalendar(`/fixtures/calendars/${id}.yaml`, source)]));
}

/** The flow index the compiler checks subflow targets and params against. */
function flowIndex(sources: string[]): Map<string, { vars: string[] }> {
  const index = new Map<string, { vars: string[] }>();
  for (const source of sources) {
    const raw = parseSource('/fixtures/index.yaml', source).raw as { id?: unknown; vars?: unknown } | null;
    if (raw && typeof raw.id === 'string') index.set(raw.id, { vars: Object.keys((raw.vars ?? {}) as object) });
  }
  return index;
}

/** A CompileEnv built from inline prompt catalogs and calendars through the real compilers. */
export function fixtureEnv(options: FixtureOptions = {}, selfSource?: string): CompileEnv {
  return {
    prompts: compileFixturePrompts(options.prompts),
    calendars: compileFixtureCalendars(options.calendars),
    flows: flowIndex([...(selfSource ? [selfSource] : []), ...(options.flows ?? [])]),
    ...(options.mediaExists ? { mediaExists: options.mediaExists } : {}),
  };
}

/** Compiles one flow source; the result carries every problem (nothing thrown). */
export function compileFixture(source: string, options: FixtureOptions = {}): CompileResult {
  return compileFlowSource(options.file ?? '/fixtures/flow.yaml', source, fixtureEnv(options, source));
}

/** Compiles a flow that must be valid (warnings allowed); throws with every error otherwise. */
export function flowFromYaml(source: string, options: FixtureOptions = {}): Flow {
  const result = compileFixture(source, options);
  if (!result.flow) throw new Error(`fixture flow did not compile:\n${result.problems.map(formatProblem).join('\n')}`);
  return result.flow;
}

/** Several valid flows that may call one another; the first is usually the entry flow. */
export function libraryFromYaml(sources: string[], options: FixtureOptions = {}): Map<string, Flow> {
  const library = new Map<string, Flow>();
  for (const [i, source] of sources.entries()) {
    const flow = flowFromYaml(source, { ...options, file: `/fixtures/flow-${i}.yaml`, flows: [...sources, ...(options.flows ?? [])] });
    library.set(flow.id, flow);
  }
  return library;
}

export const CALLER: CallInfo = { callerNumber: '+15145550100', callerName: 'Test Caller', dialed: '100', direction: 'inbound' };

/** A Monday, 2026-01-05 15:00 UTC: inside the office calendar's hours. */
export const T0 = Date.UTC(2026, 0, 5, 15, 0, 0);

export interface DriverOptions {
  callId?: string;
  library?: FlowLibrary;
  call?: CallInfo;
  preset?: FlowPreset;
  overrides?: CalendarOverride[];
}

/**
 * Drives callStep for one call. Each send() is one event at an explicit time; `last` holds the
 * effects of the last event and `all` every effect so far.
 */
export class CallDriver {
  state: CallState;
  last: CallEffect[] = [];
  all: CallEffect[] = [];
  context: StepContext;
  readonly library: FlowLibrary;

  constructor(
    readonly flow: Flow,
    readonly options: DriverOptions = {},
  ) {
    this.state = initialCallState(options.callId ?? 'c1');
    this.library = options.library ?? new Map([[flow.id, flow]]);
    this.context = { calendarOverrides: new Map((options.overrides ?? []).map((o) => [o.calendarId, o])) };
  }

  /** started then answered, both at `at`; returns the effects of the answer (the flow's start). */
  start(at = T0): CallEffect[] {
    this.send({ type: 'started', at, flow: this.flow, library: this.library, call: this.options.call ?? CALLER, ...(this.options.preset ? { preset: this.options.preset } : {}) });
    return this.send({ type: 'answered', at });
  }

  send(event: CallEvent): CallEffect[] {
    const step = callStep(this.state, event, this.context);
    this.state = step.state;
    this.last = step.effects;
    this.all.push(...step.effects);
    return step.effects;
  }

  /** Each digit as its own event, `gapMs` apart starting at `at`; returns every effect. */
  dtmf(digits: string, at: number, gapMs = 0): CallEffect[] {
    const effects: CallEffect[] = [];
    [...digits].forEach((digit, i) => effects.push(...this.send({ type: 'dtmf', at: at + i * gapMs, digit })));
    this.last = effects;
    return effects;
  }

  /** Finishes the playback the call holds (the latest one when several). */
  finishPlayback(at: number, failed = false): CallEffect[] {
    const id = this.playing();
    if (!id) throw new Error(`no playback is running at node ${this.state.nodeId}`);
    return this.send({ type: 'playbackFinished', at, playbackId: id, failed });
  }

  /** Fires the node's pending timer (the latest one when several). */
  fireTimer(at: number): CallEffect[] {
    const id = this.state.ivr?.owned.timers.at(-1);
    if (!id) throw new Error(`no node timer is pending at node ${this.state.nodeId}`);
    return this.send({ type: 'timer', at, timerId: id });
  }

  playing(): string | undefined {
    return this.state.ivr?.owned.playbacks.at(-1);
  }

  get nodeId(): string | null {
    return this.state.nodeId;
  }

  get vars(): Record<string, unknown> {
    return this.state.ivr?.frames.at(-1)?.vars ?? {};
  }

  node(): FlowNode | undefined {
    const frame = this.state.ivr?.frames.at(-1);
    return this.state.nodeId ? frame?.flow.nodes[this.state.nodeId] : undefined;
  }
}

export const journalOf = (effects: CallEffect[]) => effects.flatMap((e) => (e.type === 'journal' ? [{ event: e.event, ...(e.data ? { data: e.data } : {}) }] : []));
export const journalEvents = (effects: CallEffect[]) => effects.flatMap((e) => (e.type === 'journal' ? [e.event] : []));
export const journalData = (effects: CallEffect[], event: string) => effects.flatMap((e) => (e.type === 'journal' && e.event === event ? [e.data ?? {}] : []));
/** Effects other than journal entries, in order. */
export const actions = (effects: CallEffect[]) => effects.filter((e) => e.type !== 'journal');
export const plays = (effects: CallEffect[]) => effects.flatMap((e) => (e.type === 'play' ? [e] : []));
export const ofType = <T extends CallEffect['type']>(effects: CallEffect[], type: T) => effects.filter((e): e is Extract<CallEffect, { type: T }> => e.type === type);
/** node.entered node ids, in order. */
export const entered = (effects: CallEffect[]) => journalData(effects, 'node.entered').map((d) => d.nodeId as string);
/** node.exited as "nodeId:outcome". */
export const exited = (effects: CallEffect[]) => journalData(effects, 'node.exited').map((d) => `${String(d.nodeId)}:${String(d.outcome)}`);
