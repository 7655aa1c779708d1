import { createHash } from 'node:crypto';
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import type { Calendar } from '../../core/calendar/calendar-types.js';
import { compileExpression, type CompiledExpression, type ExprReference } from '../../core/expr/expression.js';
import { compileTemplate, type CompiledTemplate } from '../../core/expr/template.js';
import type { Exit, Flow, FlowNode, InputSettings, PromptRef, VarDecl } from '../../core/ivr/flow-types.js';
import { parseDuration } from '../../core/ivr/duration.js';
import { markSecrets } from '../../core/ivr/secret-refs.js';
import { NODE_SCHEMAS, FlowFileSchema, type RawNodeKind } from './flow-schema.js';
import { checkGraph } from './flow-graph-checks.js';
import { nodeCompilers, type CompileHelpers } from './node-compilers.js';
import { outcomeSpec, type RawNode } from './node-outcomes.js';
import { isMediaLiteral, mediaUri, type PromptFile } from './prompt-catalog.js';
import { parseSource, type FlowProblem, type SourceFile, type YamlPath } from './yaml-source.js';

export interface CompileEnv {
  /** Prompt catalogs by locale ('default' is the last fallback). */
  prompts: ReadonlyMap<string, PromptFile>;
  calendars: ReadonlyMap<string, Calendar>;
  /** Every flow id in the directory with its declared vars (subflow targets and their params). */
  flows: ReadonlyMap<string, { vars: string[] }>;
  /** Says whether a media URI's file exists; undefined skips the check (no Asterisk sounds here). */
  mediaExists?: (uri: string) => boolean | undefined;
}

export interface Fallback {
  nodeId: string;
  outcome: string;
  target: string | null;
  via: Exit['via'];
}

export interface CompileResult {
  flow: Flow | null;
  /** Errors reject the file; warnings are reported with it. */
  problems: FlowProblem[];
  fallbacks: Fallback[];
  /** The flow's id as written, even when it failed (so the catalog can keep its last good version). */
  id: string | null;
  /** Prompt files and calendars the flow used, for reload bookkeeping. */
  uses: { prompts: string[]; calendars: string[]; flows: string[] };
}

const KINDS = Object.keys(NODE_SCHEMAS) as RawNodeKind[];
const DEFAULT_INPUT: InputSettings = { timeoutMs: 5000, interDigitMs: 3000, bargein: true, typeAhead: true };

/** Both validation passes over one flow file; every problem at file:line:col, all at once. */
export function compileFlowSource(file: string, source: string, env: CompileEnv): CompileResult {
  const src = parseSource(file, source);
  const problems: FlowProblem[] = [...src.problems];
  const result = (flow: Flow | null, id: string | null, fallbacks: Fallback[] = [], uses = { prompts: [] as string[], calendars: [] as string[], flows: [] as string[] }): CompileResult => ({
    flow: problems.some((p) => p.severity !== 'warning') ? null : flow,
    problems: problems.sort((a, b) => a.line - b.line || a.col - b.col),
    fallbacks,
    id,
    uses,
  });
  if (src.problems.length > 0) return result(null, null);
  const raw = src.raw as Record<string, unknown> | null;
  const id = typeof raw?.id === 'string' ? raw.id : null;

  schemaProblems(src, FlowFileSchema, raw, [], problems, '');
  if (!raw || typeof raw.nodes !== 'object' || raw.nodes === null || Array.isArray(raw.nodes) || typeof raw.entry !== 'string') return result(null, id);

  const rawNodes = raw.nodes as Record<string, RawNode>;
  const defaultsRaw = (raw.defaults ?? {}) as { input?: Record<string, unknown>; menu?: { maxInvalid?: number; maxNoInput?: number }; maxVisits?: number; on?: Record<string, string> };
  const locales = (raw.locales as string[] | undefined) ?? ['en'];
  const vars = declaredVars(raw.vars);
  const usedPrompts = new Set<string>();
  const usedCalendars = new Set<string>();
  const usedFlows = new Set<string>();
  const promptShas: string[] = [];
  const problem = (path: YamlPath, message: string, severity: 'error' | 'warning' = 'error') => problems.push(src.problem(path, message, severity));

  const checkRefs = (path: YamlPath, refs: ExprReference[], base = 0) => {
    for (const ref of refs) {
      if (ref.path[0] === 'vars' && ref.path[1] !== undefined && !(ref.path[1] in vars)) {
        problems.push({ file, ...src.inside(path, base + ref.offset), message: `'vars.${ref.path[1]}' is not declared in vars` });
      }
      if (ref.path[0] === 'http' && ref.path[1] !== undefined && rawNodes[ref.path[1]]?.type !== 'http') {
        problems.push({ file, ...src.inside(path, base + ref.offset), message: `'http.${ref.path[1]}' is not an http node of this flow` });
      }
    }
  };

  // Nodes are compiled with helpers that know where each value sits in the file.
  const helpersFor = (nodeId: string): CompileHelpers => {
    const at = (path: YamlPath): YamlPath => ['nodes', nodeId, ...path];
    const template = (path: YamlPath, value: unknown): CompiledTemplate => {
      if (typeof value !== 'string') return constantTemplate(value);
      const compiled = compileTemplate(value);
      if (!compiled.ok) {
        problems.push({ file, ...src.inside(at(path), compiled.offset), message: `node '${nodeId}': ${compiled.message}` });
        return constantTemplate(value);
      }
      checkRefs(at(path), compiled.value.references);
      return compiled.value;
    };
    const promptList = (path: YamlPath, value: unknown): PromptRef[] => {
      const keys = Array.isArray(value) ? (value as string[]) : [String(value)];
      return keys.map((key, i) => resolvePrompt(Array.isArray(value) ? [...path, i] : path, key));
    };
    const resolvePrompt = (path: YamlPath, key: string): PromptRef => {
      if (isMediaLiteral(key)) {
        checkMedia(at(path), mediaUri(key));
        return { key, byLocale: Object.fromEntries(locales.map((l) => [l, [{ kind: 'media', uri: mediaUri(key) }]])) };
      }
      const byLocale: PromptRef['byLocale'] = {};
      usedPrompts.add(key);
      for (const locale of locales) {
        const chain = localeChain(locale);
        const found = chain.map((l) => env.prompts.get(l)?.entries.get(key)).find((e) => e !== undefined);
        if (!found) {
          problem(at(path), `node '${nodeId}': prompt '${key}' is missing for locale ${locale} (looked in prompts/${chain.join('.yaml, prompts/')}.yaml)`);
          continue;
        }
        promptShas.push(`${locale}:${key}:${found.sha256}`);
        for (const part of found.parts) if (part.kind === 'media') checkMedia(at(path), part.uri, `prompt '${key}' (${found.file}:${found.line}:${found.col})`);
        byLocale[locale] = found.parts;
      }
      return { key, byLocale };
    };
    const checkMedia = (path: YamlPath, uri: string, what?: string) => {
      if (env.mediaExists?.(uri) === false) problem(path, `node '${nodeId}': ${what ? `${what} plays ` : ''}${uri}, but no such sound file exists`);
    };
    return {
      secretTemplate: (path, value) => {
        const checked = template(path, value);
        if (typeof value !== 'string' || !value.includes('${env:')) return checked;
        for (const m of value.matchAll(/\$\{env:([^}]*)\}/g)) {
          if (!/^FLOW_[A-Z0-9_]+$/.test(m[1] ?? '')) problems.push({ file, ...src.inside(at(path), m.index ?? 0), message: `node '${nodeId}': \${env:${m[1]}}: flows can only read FLOW_* environment variables` });
        }
        const marked = compileTemplate(markSecrets(value));
        return marked.ok ? marked.value : checked;
      },
      prompts: promptList,
      escalating: (path, value) => {
        if (!Array.isArray(value)) return [promptList(path, value)];
        return value.map((item, i) => promptList([...path, i], item));
      },
      template,
      expression: (path, value) => {
        const compiled = compileExpression(String(value));
        if (!compiled.ok) {
          problems.push({ file, ...src.inside(at(path), compiled.offset), message: `node '${nodeId}': ${compiled.message}` });
          return { source: String(value), evaluate: () => false, references: [] } as CompiledExpression;
        }
        checkRefs(at(path), compiled.value.references);
        return compiled.value;
      },
      duration: (path, value, fallbackMs, maxMs) => {
        if (value === undefined) return fallbackMs;
        const ms = parseDuration(value);
        if (ms === null) {
          problem(at(path), `node '${nodeId}': '${String(value)}' is not a duration (5s, 1500ms, 2m or seconds)`);
          return fallbackMs;
        }
        if (maxMs !== undefined && ms > maxMs) problem(at(path), `node '${nodeId}': ${String(value)} is longer than the maximum of ${maxMs / 1000}s`);
        return ms;
      },
      variable: (path, value) => {
        const name = String(value).replace(/^vars\./, '');
        if (!(name in vars)) problem(at(path), `node '${nodeId}': 'vars.${name}' is not declared in vars`);
        return name;
      },
      calendar: (path, calendarId) => {
        usedCalendars.add(calendarId);
        const calendar = env.calendars.get(calendarId);
        if (!calendar) {
          problem(at(path), `node '${nodeId}': calendar '${calendarId}' does not exist (ivr-flows/calendars/${calendarId}.yaml)`);
          return { id: calendarId, timezone: 'UTC', weekly: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] }, holidays: [], exceptions: [], sha256: '', file: '' };
        }
        return calendar;
      },
      input: (n) => inputSettings(defaultsRaw.input ?? {}, n, (path, message) => problem(at(path), `node '${nodeId}': ${message}`)),
      menuDefaults: { maxInvalid: defaultsRaw.menu?.maxInvalid ?? 3, maxNoInput: defaultsRaw.menu?.maxNoInput ?? 3 },
      error: (path, message) => problem(at(path), `node '${nodeId}': ${message}`),
      subflow: (path, flowId, params) => {
        usedFlows.add(flowId);
        const target = env.flows.get(flowId);
        if (!target) return problem(at(path), `node '${nodeId}': flow '${flowId}' does not exist`);
        for (const param of params) {
          if (!target.vars.includes(param)) problem(['nodes', nodeId, 'params', param], `node '${nodeId}': flow '${flowId}' declares no var '${param}'`);
        }
      },
    };
  };

  const nodes: Record<string, FlowNode> = {};
  const fallbacks: Fallback[] = [];
  const flowError = (raw.on as { error?: string } | undefined)?.error;
  for (const [nodeId, node] of Object.entries(rawNodes)) {
    if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(nodeId)) {
      problems.push({ file, ...src.keyAt(['nodes'], nodeId), message: `node id '${nodeId}' must start with a letter and use letters, digits, _ or -` });
    }
    if (typeof node !== 'object' || node === null || typeof node.type !== 'string') {
      problem(['nodes', nodeId], `node '${nodeId}': needs a type (one of ${KINDS.join(', ')})`);
      continue;
    }
    if (!KINDS.includes(node.type)) {
      problem(['nodes', nodeId, 'type'], `node '${nodeId}': unknown type '${String(node.type)}' (known: ${KINDS.join(', ')})`);
      continue;
    }
    if (!schemaProblems(src, NODE_SCHEMAS[node.type], node, ['nodes', nodeId], problems, `node '${nodeId}': `)) continue;
    const calendar = node.type === 'hours' ? env.calendars.get(String(node.calendar)) : undefined;
    const spec = outcomeSpec(node, calendar?.exceptions.map((e) => e.name) ?? []);
    for (const key of Object.keys((node.on ?? {}) as object)) {
      if (!spec.onKeys.has(key)) {
        const hint = key === 'next' || key === 'default' ? ` (write ${key}: at the node's top level)` : /^(option|pattern|case):/.test(key) ? ' (wire it where the option or case is written)' : '';
        problems.push({ file, ...src.keyAt(['nodes', nodeId, 'on'], key), message: `node '${nodeId}': '${key}' is not an on: outcome of ${node.type} (on: takes ${[...spec.onKeys].join(', ')})${hint}` });
      }
    }
    const exits: Record<string, Exit> = {};
    for (const wiring of spec.outcomes) {
      if (wiring.target !== undefined) {
        if (!(wiring.target in rawNodes)) problem(['nodes', nodeId, ...wiring.path], `node '${nodeId}': ${wiring.outcome} goes to '${wiring.target}', which is not a node of this flow`);
        exits[wiring.outcome] = { target: wiring.target, via: 'node' };
        continue;
      }
      if (spec.optional.has(wiring.outcome) && wiring.outcome !== 'loopExceeded') {
        const target = defaultsRaw.on?.[wiring.outcome];
        if (target) exits[wiring.outcome] = { target, via: 'defaults' };
        continue;
      }
      let exit: Exit;
      if (wiring.outcome === 'next' && spec.singleExit) exit = { target: null, via: 'implicit' };
      else if (defaultsRaw.on?.[wiring.outcome]) exit = { target: defaultsRaw.on[wiring.outcome] as string, via: 'defaults' };
      else if (flowError) exit = { target: flowError, via: 'flow-error' };
      else exit = { target: null, via: 'none' };
      exits[wiring.outcome] = exit;
      if (exit.via !== 'implicit') fallbacks.push({ nodeId, outcome: wiring.outcome, target: exit.target, via: exit.via });
    }
    const compiled = nodeCompilers[node.type](node, helpersFor(nodeId));
    const maxVisits = (node.maxVisits as number | undefined) ?? defaultsRaw.maxVisits ?? 10;
    nodes[nodeId] = { ...compiled, id: nodeId, maxVisits, exits } as FlowNode;
  }

  if (!(raw.entry in rawNodes)) problem(['entry'], `entry '${raw.entry}' is not a node of this flow`);
  if (flowError && !(flowError in rawNodes)) problem(['on', 'error'], `on.error goes to '${flowError}', which is not a node of this flow`);
  for (const [outcome, target] of Object.entries(defaultsRaw.on ?? {})) {
    if (!(target in rawNodes)) problem(['defaults', 'on', outcome], `defaults.on.${outcome} goes to '${target}', which is not a node of this flow`);
  }
  const timezone = (raw.timezone as string | undefined) ?? 'UTC';
  if (!isValidZone(timezone)) problem(['timezone'], `'${timezone}' is not an IANA time zone (like Europe/Paris)`);
  for (const f of fallbacks) {
    if (f.outcome === 'error' || f.outcome === 'loopExceeded') continue;
    const where = f.via === 'none' ? 'the dialplan fallback (nothing routes it)' : `'${f.target}' (${f.via === 'defaults' ? `defaults.on.${f.outcome}` : 'flow on.error'})`;
    problem(['nodes', f.nodeId], `node '${f.nodeId}': outcome '${f.outcome}' is not wired; it goes to ${where}`, 'warning');
  }
  if (nodes[raw.entry]) problems.push(...checkGraph(nodes, raw.entry, (nodeId, message, severity) => src.problem(['nodes', nodeId], message, severity)));

  const limits = (raw.limits ?? {}) as { maxSteps?: number; maxDurationSec?: number };
  const calendarShas = [...usedCalendars].map((c) => env.calendars.get(c)?.sha256 ?? '').sort();
  const sha256 = createHash('sha256').update(source).digest('hex');
  const version = createHash('sha256').update(JSON.stringify([sha256, [...promptShas].sort(), calendarShas])).digest('hex').slice(0, 16);
  const flow: Flow = {
    id: raw.id as string,
    name: (raw.name as string | undefined) ?? (raw.id as string),
    entry: raw.entry,
    locales,
    timezone,
    vars: markMaskedVars(vars, nodes),
    limits: { maxSteps: limits.maxSteps ?? 200, maxDurationMs: Math.round((limits.maxDurationSec ?? 3600) * 1000) },
    nodes,
    masksInput: Object.values(nodes).some((n) => (n.kind === 'collect' && n.mask) || n.kind === 'subflow'),
    version,
    source: { file, sha256 },
  };
  return result(flow, id, fallbacks, { prompts: [...usedPrompts], calendars: [...usedCalendars], flows: [...usedFlows] });
}

/** fr-CA → fr → default. */
export function localeChain(locale: string): string[] {
  const chain = [locale];
  const language = locale.split('-')[0];
  if (language && language !== locale) chain.push(language);
  chain.push('default');
  return chain;
}

function declaredVars(raw: unknown): Record<string, VarDecl> {
  const vars: Record<string, VarDecl> = {};
  const zero = { string: '', number: 0, boolean: false, object: {}, list: [] };
  for (const [name, decl] of Object.entries((raw ?? {}) as Record<string, { type: keyof typeof zero; default?: unknown; sensitive?: boolean }>)) {
    vars[name] = { type: decl.type, default: decl.default ?? zero[decl.type] ?? null, sensitive: decl.sensitive ?? false };
  }
  return vars;
}

// A var a masked collect stores into holds card numbers or PINs: never journal it.
function markMaskedVars(vars: Record<string, VarDecl>, nodes: Record<string, FlowNode>): Record<string, VarDecl> {
  const out = { ...vars };
  for (const node of Object.values(nodes)) {
    if (node.kind === 'collect' && node.mask && node.store && out[node.store]) out[node.store] = { ...out[node.store], sensitive: true } as VarDecl;
  }
  return out;
}

function inputSettings(defaults: Record<string, unknown>, node: RawNode, problem: (path: YamlPath, message: string) => void): InputSettings {
  const pick = (key: string) => node[key] ?? defaults[key];
  const ms = (key: 'timeout' | 'interDigit', fallback: number) => {
    const value = pick(key);
    if (value === undefined) return fallback;
    const parsed = parseDuration(value);
    if (parsed === null) problem([key], `'${String(value)}' is not a duration`);
    return parsed ?? fallback;
  };
  return {
    timeoutMs: ms('timeout', DEFAULT_INPUT.timeoutMs),
    interDigitMs: ms('interDigit', DEFAULT_INPUT.interDigitMs),
    bargein: (pick('bargein') as boolean | undefined) ?? DEFAULT_INPUT.bargein,
    typeAhead: (pick('typeAhead') as boolean | undefined) ?? DEFAULT_INPUT.typeAhead,
  };
}

function constantTemplate(value: unknown): CompiledTemplate {
  const text = value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return { source: text, isConstant: true, render: () => text, value: () => structuredClone(value), references: [] };
}

function isValidZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Pass one: the shape. Unknown keys are reported at the key; returns whether the value conforms. */
export function schemaProblems(src: SourceFile, schema: TSchema, value: unknown, base: YamlPath, problems: FlowProblem[], prefix: string): boolean {
  if (Value.Check(schema, value)) return true;
  const seen = new Set<string>();
  for (const e of Value.Errors(schema, value)) {
    if (e.keyword === 'boolean') continue; // "schema is false": the unknown-key report says it better
    if (['const', 'anyOf', 'oneOf'].includes(e.keyword) && seen.size > 0) continue;
    const path = pointerToPath(e.instancePath);
    const key = `${e.instancePath}:${e.keyword}`;
    if (seen.has(e.instancePath) || seen.has(key)) continue;
    seen.add(e.instancePath);
    seen.add(key);
    if (e.keyword === 'additionalProperties') {
      for (const extra of (e.params as { additionalProperties?: string[] }).additionalProperties ?? []) {
        problems.push({ file: src.file, ...src.keyAt([...base, ...path], extra), message: `${prefix}${path.length ? `${path.join('.')}: ` : ''}unknown key '${extra}'` });
      }
    } else {
      problems.push(src.problem([...base, ...path], `${prefix}${path.length ? `${path.join('.')}: ` : ''}${e.message}`));
    }
  }
  return false;
}

function pointerToPath(pointer: string): string[] {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}
