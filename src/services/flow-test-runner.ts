import { isDeepStrictEqual } from 'node:util';
import type { FlowLibrary } from '../core/ivr/flow-types.js';
import { ScenarioError, simulate, type EndKind, type Scenario, type SimulationResult } from './flow-simulator.js';

export interface Expectation {
  /** The exact node path (subflow nodes as flow/node). */
  path?: string[];
  reached?: string[];
  notReached?: string[];
  /** Every prompt heard, in order. */
  heard?: string[];
  /** These prompts were heard in this order, others possibly between them. */
  heardIncludes?: string[];
  end?: EndKind;
  /** The node the call ended (or waits) at. */
  endAt?: string;
  vars?: Record<string, unknown>;
  tags?: string[];
  locale?: string;
}

export interface FlowTestCase {
  file: string;
  line: number;
  col: number;
  name: string;
  flowId: string;
  scenario: Scenario;
  expect: Expectation;
}

export interface FlowTestOutcome {
  ok: boolean;
  failures: string[];
  result: SimulationResult | null;
}

export function runFlowTest(library: FlowLibrary, test: FlowTestCase): FlowTestOutcome {
  let result: SimulationResult;
  try {
    result = simulate(library, test.flowId, test.scenario);
  } catch (err) {
    if (err instanceof ScenarioError) return { ok: false, failures: [err.message], result: null };
    throw err;
  }
  return { ...check(test.expect, result), result };
}

export function check(expect: Expectation, result: SimulationResult): { ok: boolean; failures: string[] } {
  const failures: string[] = [];
  const list = (items: string[]) => `[${items.join(', ')}]`;
  if (expect.path && !isDeepStrictEqual(expect.path, result.path)) failures.push(`path: expected ${list(expect.path)}, got ${list(result.path)}`);
  for (const node of expect.reached ?? []) if (!result.path.includes(node)) failures.push(`reached: '${node}' was not visited (path ${list(result.path)})`);
  for (const node of expect.notReached ?? []) if (result.path.includes(node)) failures.push(`notReached: '${node}' was visited`);
  if (expect.heard && !isDeepStrictEqual(expect.heard, result.heard)) failures.push(`heard: expected ${list(expect.heard)}, got ${list(result.heard)}`);
  if (expect.heardIncludes && !inOrder(expect.heardIncludes, result.heard)) failures.push(`heardIncludes: ${list(expect.heardIncludes)} not heard in that order (heard ${list(result.heard)})`);
  if (expect.end && expect.end !== result.end.kind) failures.push(`end: expected ${expect.end}, got ${result.end.kind}${result.end.reason ? ` (${result.end.reason})` : ''} at '${result.end.nodeId}'`);
  if (expect.endAt && expect.endAt !== result.end.nodeId) failures.push(`endAt: expected '${expect.endAt}', got '${result.end.nodeId}'`);
  for (const [name, value] of Object.entries(expect.vars ?? {})) {
    if (!isDeepStrictEqual(value, result.vars[name])) failures.push(`vars.${name}: expected ${JSON.stringify(value)}, got ${JSON.stringify(result.vars[name])}`);
  }
  if (expect.tags && !isDeepStrictEqual([...expect.tags].sort(), [...result.tags].sort())) failures.push(`tags: expected ${list(expect.tags)}, got ${list(result.tags)}`);
  if (expect.locale && expect.locale !== result.locale) failures.push(`locale: expected ${expect.locale}, got ${result.locale}`);
  return { ok: failures.length === 0, failures };
}

function inOrder(wanted: string[], got: string[]): boolean {
  let i = 0;
  for (const item of got) if (item === wanted[i]) i++;
  return i === wanted.length;
}
