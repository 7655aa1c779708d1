import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { Calendar } from '../../core/calendar/calendar-types.js';
import type { Flow, FlowLibrary } from '../../core/ivr/flow-types.js';
import { compileCalendar } from './calendar-file.js';
import { compileFlowSource, type CompileEnv, type Fallback } from './flow-compiler.js';
import { compileRoutes, type FlowRoutes } from './flow-routes.js';
import { compilePromptFile, type PromptFile } from './prompt-catalog.js';
import { FlowError, parseSource, type FlowProblem } from './yaml-source.js';

export interface FlowStatus {
  id: string;
  file: string;
  /** ok: serving this file; stale: the file is broken and its last good version serves; error: broken, nothing serves. */
  status: 'ok' | 'stale' | 'error';
  version: string | null;
  loadedAt: number | null;
  problems: FlowProblem[];
  fallbacks: Fallback[];
}

export interface FlowCatalog {
  get(id: string): Flow | undefined;
  /** An immutable snapshot: a call keeps the one it started with while reloads swap in new ones. */
  library(): FlowLibrary;
  list(): FlowStatus[];
  status(id: string): FlowStatus | undefined;
  /** The flow for a dialed number (DID), or the default flow. */
  route(dialed: string): string;
  calendar(id: string): Calendar | undefined;
  calendars(): Calendar[];
  /** Problems of files that are not flows (prompts, calendars, routes). */
  sharedProblems(): FlowProblem[];
  /** Re-reads everything; broken files keep their last good version. Returns every problem found. */
  reload(): FlowProblem[];
}

export interface CatalogOptions {
  dir: string;
  defaultFlow: string;
  now: () => number;
  mediaExists?: CompileEnv['mediaExists'];
}

const FLOW_FILE = /\.(ya?ml|json)$/;
const NOT_FLOWS = /(\.test\.ya?ml|^routes\.ya?ml)$/;

export function createFlowCatalog(options: CatalogOptions): FlowCatalog {
  const { dir } = options;
  let library: Map<string, Flow> = new Map();
  let statuses = new Map<string, FlowStatus>();
  const goodCalendars = new Map<string, Calendar>();
  const goodPrompts = new Map<string, PromptFile>();
  let routes: FlowRoutes = { numbers: new Map(), defaultFlow: options.defaultFlow };
  let shared: FlowProblem[] = [];

  function reload(): FlowProblem[] {
    const sharedProblems: FlowProblem[] = [];
    loadCalendars(join(dir, 'calendars'), goodCalendars, sharedProblems);
    loadPrompts(join(dir, 'prompts'), goodPrompts, sharedProblems);
    const routesFile = ['routes.yaml', 'routes.yml'].map((n) => join(dir, n)).find((f) => existsSync(f));
    if (routesFile) {
      const compiled = compileRoutes(routesFile, readFileSync(routesFile, 'utf8'), options.defaultFlow);
      if (compiled.problems.length === 0) routes = compiled.routes;
      sharedProblems.push(...compiled.problems);
    } else {
      routes = { numbers: new Map(), defaultFlow: options.defaultFlow };
    }

    const files = listFiles(dir).filter((name) => FLOW_FILE.test(name) && !NOT_FLOWS.test(name));
    const sources = files.map((name) => ({ file: join(dir, name), source: readFileSync(join(dir, name), 'utf8') }));
    // Subflow references and params are checked against every flow file, good or not yet.
    const flowsIndex = new Map<string, { vars: string[] }>();
    for (const { file, source } of sources) {
      const raw = parseSource(file, source).raw as { id?: unknown; vars?: unknown } | null;
      if (raw && typeof raw.id === 'string') flowsIndex.set(raw.id, { vars: Object.keys((raw.vars ?? {}) as object) });
    }
    const env: CompileEnv = { prompts: goodPrompts, calendars: goodCalendars, flows: flowsIndex, mediaExists: options.mediaExists };

    const nextLibrary = new Map<string, Flow>();
    const nextStatuses = new Map<string, FlowStatus>();
    const all: FlowProblem[] = [...sharedProblems];
    for (const { file, source } of sources) {
      const result = compileFlowSource(file, source, env);
      all.push(...result.problems);
      const id = result.id ?? basename(file, extname(file));
      const clash = nextStatuses.get(id);
      if (clash) {
        const problem = { file, line: 1, col: 1, message: `flow id '${id}' is already used by ${clash.file}` };
        all.push(problem);
        continue;
      }
      if (result.flow) {
        const previous = library.get(id);
        const unchanged = previous?.version === result.flow.version;
        nextLibrary.set(id, unchanged ? previous : result.flow);
        nextStatuses.set(id, {
          id,
          file,
          status: 'ok',
          version: result.flow.version,
          loadedAt: unchanged ? (statuses.get(id)?.loadedAt ?? options.now()) : options.now(),
          problems: result.problems,
          fallbacks: result.fallbacks,
        });
        continue;
      }
      const lastGood = library.get(id);
      if (lastGood) nextLibrary.set(id, lastGood);
      nextStatuses.set(id, {
        id,
        file,
        status: lastGood ? 'stale' : 'error',
        version: lastGood?.version ?? null,
        loadedAt: lastGood ? (statuses.get(id)?.loadedAt ?? null) : null,
        problems: result.problems,
        fallbacks: result.fallbacks,
      });
    }
    for (const [number, flowId] of [...routes.numbers, ['(default)', routes.defaultFlow] as const]) {
      if (!nextStatuses.has(flowId)) {
        const problem: FlowProblem = { file: routesFile ?? dir, line: 1, col: 1, message: `${number} routes to flow '${flowId}', which does not exist`, severity: 'warning' };
        sharedProblems.push(problem);
        all.push(problem);
      }
    }
    // The swap: calls hold the old map, new calls get this one.
    library = nextLibrary;
    statuses = nextStatuses;
    shared = sharedProblems;
    return all;
  }

  return {
    get: (id) => library.get(id),
    library: () => library,
    list: () => [...statuses.values()].sort((a, b) => a.id.localeCompare(b.id)),
    status: (id) => statuses.get(id),
    route: (dialed) => routes.numbers.get(dialed) ?? routes.defaultFlow,
    calendar: (id) => goodCalendars.get(id),
    calendars: () => [...goodCalendars.values()],
    sharedProblems: () => shared,
    reload,
  };
}

function listFiles(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => d.name)
      .sort();
  } catch {
    return [];
  }
}

function loadCalendars(dir: string, good: Map<string, Calendar>, problems: FlowProblem[]) {
  const present = new Set<string>();
  for (const name of listFiles(dir).filter((n) => /\.ya?ml$/.test(n))) {
    const file = join(dir, name);
    present.add(basename(name, extname(name)));
    try {
      const calendar = compileCalendar(file, readFileSync(file, 'utf8'));
      good.set(calendar.id, calendar);
    } catch (err) {
      if (err instanceof FlowError) problems.push(...err.problems);
      else problems.push({ file, line: 1, col: 1, message: (err as Error).message });
    }
  }
  for (const id of [...good.keys()]) if (!present.has(id)) good.delete(id);
}

function loadPrompts(dir: string, good: Map<string, PromptFile>, problems: FlowProblem[]) {
  const present = new Set<string>();
  for (const name of listFiles(dir).filter((n) => /\.ya?ml$/.test(n))) {
    const file = join(dir, name);
    const locale = basename(name, extname(name));
    present.add(locale);
    const compiled = compilePromptFile(file, locale, readFileSync(file, 'utf8'));
    problems.push(...compiled.problems);
    // A broken catalog keeps its last good version; a first load with errors keeps what parsed.
    if (compiled.problems.length === 0 || !good.has(locale)) good.set(locale, compiled);
  }
  for (const locale of [...good.keys()]) if (!present.has(locale)) good.delete(locale);
}
