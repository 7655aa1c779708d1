import type { Calendar } from '../../core/calendar/calendar-types.js';
import type { CompiledExpression } from '../../core/expr/expression.js';
import type { CompiledTemplate } from '../../core/expr/template.js';
import type { BodyTemplate, FlowNode, InputSettings, MenuOption, PromptRef, QueueNode } from '../../core/ivr/flow-types.js';
import type { RawNodeKind } from './flow-schema.js';
import { isPatternKey, menuOutcome, type RawNode } from './node-outcomes.js';

type Path = (string | number)[];

/** What node compilers use; each helper reports its own problems (with positions) and returns a placeholder on error. */
export interface CompileHelpers {
  prompts(path: Path, value: unknown): PromptRef[];
  escalating(path: Path, value: unknown): PromptRef[][];
  template(path: Path, value: unknown): CompiledTemplate;
  /** A template whose `${env:FLOW_NAME}` parts become secret markers (http url, headers, body). */
  secretTemplate(path: Path, value: unknown): CompiledTemplate;
  expression(path: Path, value: unknown): CompiledExpression;
  /** Milliseconds; `value` is seconds (number) or a string like 5s / 1500ms. */
  duration(path: Path, value: unknown, fallbackMs: number, maxMs?: number): number;
  /** A declared var name (without `vars.`). */
  variable(path: Path, value: unknown): string;
  calendar(path: Path, id: string): Calendar;
  input(node: RawNode): InputSettings;
  menuDefaults: { maxInvalid: number; maxNoInput: number };
  error(path: Path, message: string): void;
  /** Flow id this node calls, checked against the loaded flows. */
  subflow(path: Path, id: string, params: string[]): void;
}

type Compiled<K extends RawNodeKind> = Omit<Extract<FlowNode, { kind: K }>, 'id' | 'maxVisits' | 'exits'>;
type Compilers = { [K in RawNodeKind]: (raw: RawNode, h: CompileHelpers) => Compiled<K> };

const str = (v: unknown) => (v === undefined ? undefined : String(v));

function templatedMap(h: CompileHelpers, path: Path, map: unknown, checkVar: boolean): [string, CompiledTemplate][] {
  return Object.entries((map ?? {}) as Record<string, unknown>).map(([key, value]) => {
    const name = checkVar ? h.variable([...path, key], key) : key;
    return [name, h.template([...path, key], value)];
  });
}

function body(h: CompileHelpers, path: Path, value: unknown): BodyTemplate {
  if (typeof value === 'string') return h.secretTemplate(path, value);
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((v, i) => body(h, [...path, i], v));
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, body(h, [...path, k], v)]));
  h.error(path, 'body values must be JSON');
  return null;
}

export const nodeCompilers: Compilers = {
  play: (raw, h) => {
    const input = h.input(raw);
    // An announcement is heard to the end unless the flow says otherwise; digits pressed over it
    // are still kept for the next menu when type-ahead is on.
    return { kind: 'play', prompts: h.prompts(['prompt'], raw.prompt), bargein: (raw.bargein as boolean | undefined) ?? false, typeAhead: input.typeAhead };
  },
  pause: (raw, h) => ({ kind: 'pause', ms: h.duration(['duration'], raw.duration, 1000, 600_000) }),
  hangup: (raw) => ({ kind: 'hangup', reason: (raw.reason as 'normal' | undefined) ?? 'normal' }),
  menu: (raw, h) => {
    const options: MenuOption[] = [];
    let longest = 1;
    let patterns = false;
    for (const [key, value] of Object.entries((raw.options ?? {}) as Record<string, unknown>)) {
      const option: MenuOption = { outcome: menuOutcome(key) };
      if (isPatternKey(key)) {
        patterns = true;
        try {
          option.pattern = new RegExp(`^(?:${key.slice(1, -1)})$`);
        } catch (err) {
          h.error(['options', key], `bad pattern ${key}: ${(err as Error).message}`);
        }
      } else if (/^[0-9*#]+$/.test(key)) {
        option.digits = key;
        longest = Math.max(longest, key.length);
      } else {
        h.error(['options', key], `menu option '${key}' must be digits (0-9 * #) or a /pattern/`);
      }
      if (typeof value === 'object' && value !== null) {
        const v = value as { set?: unknown; locale?: string };
        if (v.set !== undefined) option.set = templatedMap(h, ['options', key, 'set'], v.set, true);
        if (v.locale !== undefined) option.locale = v.locale;
      }
      options.push(option);
    }
    return {
      kind: 'menu',
      greeting: h.prompts(['greeting'], raw.greeting),
      reprompt: raw.reprompt === undefined ? [] : h.prompts(['reprompt'], raw.reprompt),
      invalid: raw.invalid === undefined ? [] : h.escalating(['invalid'], raw.invalid),
      noInput: raw.noInput === undefined ? [] : h.escalating(['noInput'], raw.noInput),
      exitPrompt: raw.exitPrompt === undefined ? [] : h.prompts(['exitPrompt'], raw.exitPrompt),
      maxInvalid: (raw.maxInvalid as number | undefined) ?? h.menuDefaults.maxInvalid,
      maxNoInput: (raw.maxNoInput as number | undefined) ?? h.menuDefaults.maxNoInput,
      options,
      maxDigits: (raw.maxDigits as number | undefined) ?? (patterns ? 20 : longest),
      input: h.input(raw),
    };
  },
  collect: (raw, h) => {
    const digits = (raw.digits ?? {}) as { min?: number; max?: number; terminators?: string };
    const min = digits.min ?? 1;
    const max = digits.max ?? Math.max(min, 20);
    if (max < min) h.error(['digits', 'max'], `digits.max (${max}) is less than digits.min (${min})`);
    return {
      kind: 'collect',
      prompt: h.prompts(['prompt'], raw.prompt),
      invalid: raw.invalid === undefined ? [] : h.escalating(['invalid'], raw.invalid),
      noInput: raw.noInput === undefined ? [] : h.escalating(['noInput'], raw.noInput),
      minDigits: min,
      maxDigits: max,
      terminators: digits.terminators ?? '#',
      ...(raw.validate !== undefined ? { validate: h.expression(['validate'], raw.validate) } : {}),
      retries: (raw.retries as number | undefined) ?? 2,
      ...(raw.store !== undefined ? { store: h.variable(['store'], raw.store) } : {}),
      mask: (raw.mask as boolean | undefined) ?? false,
      input: h.input(raw),
    };
  },
  switch: (raw, h) => ({
    kind: 'switch',
    cases: ((raw.cases ?? []) as { when: string }[]).map((c, i) => h.expression(['cases', i, 'when'], c.when)),
  }),
  set: (raw, h) => ({
    kind: 'set',
    vars: templatedMap(h, ['vars'], raw.vars, true),
    ...(raw.locale !== undefined ? { locale: h.template(['locale'], raw.locale) } : {}),
  }),
  hours: (raw, h) => ({ kind: 'hours', calendar: h.calendar(['calendar'], String(raw.calendar)) }),
  http: (raw, h) => {
    const hold = raw.hold as { after: unknown; prompt: unknown } | undefined;
    return {
      kind: 'http',
      method: (raw.method as 'GET' | undefined) ?? (raw.body === undefined ? 'GET' : 'POST'),
      url: h.secretTemplate(['url'], raw.url),
      headers: Object.entries((raw.headers ?? {}) as Record<string, unknown>).map(([name, value]) => [name, h.secretTemplate(['headers', name], value)]),
      ...(raw.body !== undefined ? { body: body(h, ['body'], raw.body) } : {}),
      timeoutMs: h.duration(['timeout'], raw.timeout, 3000, 10_000),
      retries: (raw.retries as number | undefined) ?? 0,
      ...(hold ? { hold: { afterMs: h.duration(['hold', 'after'], hold.after, 1500), prompts: h.prompts(['hold', 'prompt'], hold.prompt) } } : {}),
      map: Object.entries((raw.map ?? {}) as Record<string, unknown>).map(([key, expr]) => [h.variable(['map', key], key), h.expression(['map', key], expr)]),
    };
  },
  subflow: (raw, h) => {
    const params = templatedMap(h, ['params'], raw.params, false);
    h.subflow(['flow'], String(raw.flow), params.map(([name]) => name));
    return { kind: 'subflow', flow: String(raw.flow), params, ...(raw.store !== undefined ? { store: h.variable(['store'], raw.store) } : {}) };
  },
  return: (raw, h) => ({ kind: 'return', ...(raw.value !== undefined ? { value: h.template(['value'], raw.value) } : {}) }),
  queue: (raw, h) => {
    const wait = (raw.wait ?? {}) as { moh?: string; announce?: { every: unknown; prompt: unknown }; maxWait?: unknown; options?: Record<string, string>; callback?: string };
    return {
      kind: 'queue',
      queue: String(raw.queue),
      skills: ((raw.skills ?? []) as unknown[]).map((s, i) => h.template(['skills', i], s)),
      priority: (raw.priority as number | undefined) ?? 0,
      ...(raw.recording !== undefined ? { recording: raw.recording as QueueNode['recording'] } : {}),
      wait: {
        ...(wait.moh ? { moh: wait.moh } : {}),
        ...(wait.announce ? { announce: { everyMs: h.duration(['wait', 'announce', 'every'], wait.announce.every, 45_000), prompts: h.prompts(['wait', 'announce', 'prompt'], wait.announce.prompt) } } : {}),
        ...(wait.maxWait !== undefined ? { maxWaitMs: h.duration(['wait', 'maxWait'], wait.maxWait, 600_000) } : {}),
        options: wait.options ?? {},
        ...(wait.callback !== undefined ? { callbackKey: wait.callback } : {}),
      },
    };
  },
  transfer: (raw, h) => {
    const to = raw.to as { endpoint?: string; number?: string };
    // An external number goes out through the trunk endpoint; the template is checked once
    // rendered (at call time) so a caller-provided number cannot inject a dial string.
    const endpoint = to.endpoint !== undefined ? h.template(['to', 'endpoint'], to.endpoint) : h.template(['to', 'number'], `PJSIP/${str(to.number) ?? ''}@trunk`);
    return {
      kind: 'transfer',
      endpoint,
      timeoutSec: Math.round(h.duration(['timeout'], raw.timeout, 30_000, 300_000) / 1000),
      ...(raw.callerId !== undefined ? { callerId: h.template(['callerId'], raw.callerId) } : {}),
    };
  },
  voicemail: (raw, h) => ({
    kind: 'voicemail',
    prompt: raw.prompt === undefined ? [] : h.prompts(['prompt'], raw.prompt),
    mailbox: h.template(['mailbox'], raw.mailbox),
    maxDurationSec: Math.round(h.duration(['maxDuration'], raw.maxDuration, 120_000, 3_600_000) / 1000),
    maxSilenceSec: Math.round(h.duration(['maxSilence'], raw.maxSilence, 5000, 60_000) / 1000),
    beep: (raw.beep as boolean | undefined) ?? true,
    terminator: (raw.terminator as '#' | undefined) ?? '#',
    minDurationSec: h.duration(['minDuration'], raw.minDuration, 1000) / 1000,
  }),
  sendDtmf: (raw, h) => ({ kind: 'sendDtmf', digits: h.template(['digits'], raw.digits), betweenMs: h.duration(['between'], raw.between, 100, 5000) }),
  tag: (raw) => ({ kind: 'tag', tags: Array.isArray(raw.tags) ? (raw.tags as string[]) : [String(raw.tags)] }),
};
