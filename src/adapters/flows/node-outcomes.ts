import type { RawNodeKind } from './flow-schema.js';

// Each node kind has a fixed set of named outcomes. This file says which, and where in a raw
// node each outcome is wired (next:, on:, menu options, switch cases, queue wait options).

export type RawNode = Record<string, unknown> & { type: RawNodeKind };

export interface OutcomeWiring {
  outcome: string;
  /** Target node id written in the file, if any. */
  target: string | undefined;
  /** YAML path (inside the node) of where it is wired or would be. */
  path: (string | number)[];
}

export interface OutcomeSpec {
  outcomes: OutcomeWiring[];
  /** Outcomes written under `on:`; the rest have their own keys (next, options, cases, default, wait.options). */
  onKeys: Set<string>;
  /** Outcomes that may stay unwired without a fallback (the node falls back itself). */
  optional: Set<string>;
  /** The node ends the flow when `next` is missing (single-exit kinds). */
  singleExit: boolean;
}

const SINGLE: Partial<Record<RawNodeKind, string[]>> = {
  play: ['error'],
  pause: ['error'],
  set: ['error'],
  subflow: ['error'],
  sendDtmf: ['error'],
  tag: ['error'],
};

const FIXED: Partial<Record<RawNodeKind, string[]>> = {
  hangup: [],
  return: ['error'],
  menu: ['exhausted', 'error'],
  collect: ['ok', 'exhausted', 'error'],
  switch: ['error'],
  hours: ['open', 'closed', 'holiday', 'error'],
  http: ['ok', 'error', 'timeout'],
  queue: ['answered', 'timeout', 'full', 'noAgents', 'callback', 'error'],
  transfer: ['answered', 'busy', 'noanswer', 'failed', 'error'],
  voicemail: ['saved', 'noAudio', 'error'],
};

export function outcomeSpec(node: RawNode, calendarExceptions: string[] = []): OutcomeSpec {
  const on = (node.on ?? {}) as Record<string, string>;
  const fromOn = (outcome: string): OutcomeWiring => ({ outcome, target: on[outcome], path: ['on', outcome] });
  const outcomes: OutcomeWiring[] = [];
  const optional = new Set<string>(['loopExceeded']);
  const single = SINGLE[node.type];
  if (single) {
    outcomes.push({ outcome: 'next', target: node.next as string | undefined, path: ['next'] });
    outcomes.push(...single.map(fromOn));
  } else {
    outcomes.push(...(FIXED[node.type] ?? []).map(fromOn));
  }
  if (node.type === 'menu') {
    for (const [key, option] of Object.entries((node.options ?? {}) as Record<string, unknown>)) {
      const target = typeof option === 'string' ? option : ((option as { next?: string }).next ?? undefined);
      outcomes.push({ outcome: menuOutcome(key), target, path: typeof option === 'string' ? ['options', key] : ['options', key, 'next'] });
    }
  }
  if (node.type === 'switch') {
    ((node.cases ?? []) as { next?: string }[]).forEach((c, i) => outcomes.push({ outcome: `case:${i}`, target: c.next, path: ['cases', i, 'next'] }));
    outcomes.push({ outcome: 'default', target: node.default as string | undefined, path: ['default'] });
  }
  if (node.type === 'hours') {
    optional.add('holiday');
    for (const name of calendarExceptions) {
      outcomes.push(fromOn(name));
      optional.add(name);
    }
  }
  if (node.type === 'queue') {
    const options = ((node.wait as { options?: Record<string, string> } | undefined)?.options ?? {}) as Record<string, string>;
    for (const [digit, target] of Object.entries(options)) outcomes.push({ outcome: `option:${digit}`, target, path: ['wait', 'options', digit] });
    // Only a node that offers callbacks can leave through `callback`.
    if ((node.wait as { callback?: string } | undefined)?.callback === undefined) optional.add('callback');
  }
  if (node.type !== 'hangup') outcomes.push(fromOn('loopExceeded'));
  const onKeys = new Set(outcomes.filter((o) => o.path[0] === 'on').map((o) => o.outcome));
  return { outcomes, onKeys, optional, singleExit: single !== undefined };
}

/** Menu keys are digits ("1", "10", "#") or /regex/ patterns. */
export function menuOutcome(key: string): string {
  return isPatternKey(key) ? `pattern:${key}` : `option:${key}`;
}

export function isPatternKey(key: string): boolean {
  return key.length > 2 && key.startsWith('/') && key.endsWith('/');
}
