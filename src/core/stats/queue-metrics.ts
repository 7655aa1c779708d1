import { bucketIndex } from './buckets.js';
import type { QueueFact } from './queue-fact.js';
import type { Bucket, SlVariant } from './stats-types.js';

// Queue metrics over visits, one definition each (docs/stats.md). A visit counts in the interval
// it entered the queue; its wait runs from waitStart to the end of the wait, whenever that is.

export interface QueueMetricParams {
  /** Service-level threshold T per queue (each queue's own default, or the one asked for). */
  slMs: (queueId: string) => number;
  shortAbandonMs: number;
  slVariant: SlVariant;
  /** Wrap-ups announced past now are not over yet. */
  now: number;
}

export interface EwtError {
  /** Answered visits that had an estimate. */
  samples: number;
  maeSec: number | null;
  p90Sec: number | null;
}

export interface QueueMetrics {
  offered: number;
  /** Still waiting (or connected) without an outcome: offered, but in no rate's denominator. */
  waiting: number;
  answered: number;
  answeredInSl: number;
  abandoned: number;
  shortAbandons: number;
  callbacksRequested: number;
  callbacksConnected: number;
  callbacksFailed: number;
  options: number;
  timeouts: number;
  full: number;
  noAgents: number;
  overflowsOut: number;
  overflowsIn: number;
  transfersIn: number;
  transfersOut: number;
  rona: number;
  serviceLevel: number | null;
  abandonRate: number | null;
  abandonRateExcludingShort: number | null;
  asaSec: number | null;
  avgAbandonSec: number | null;
  maxWaitSec: number | null;
  handled: number;
  ahtSec: number | null;
  avgTalkSec: number | null;
  avgWrapUpSec: number | null;
  ewtError: EwtError;
}

interface Acc {
  offered: number; waiting: number; answered: number; answeredInSl: number; abandoned: number; abandonedInSl: number; shortAbandons: number;
  callbacksRequested: number; callbacksConnected: number; callbacksFailed: number; options: number; timeouts: number; full: number; noAgents: number;
  overflowsOut: number; overflowsIn: number; transfersIn: number; transfersOut: number; rona: number;
  answeredWaitMs: number; abandonedWaitMs: number; maxWaitMs: number | null; handled: number; talkMs: number; wrapMs: number; ewtErrorsSec: number[];
}

const newAcc = (): Acc => ({
  offered: 0, waiting: 0, answered: 0, answeredInSl: 0, abandoned: 0, abandonedInSl: 0, shortAbandons: 0,
  callbacksRequested: 0, callbacksConnected: 0, callbacksFailed: 0, options: 0, timeouts: 0, full: 0, noAgents: 0,
  overflowsOut: 0, overflowsIn: 0, transfersIn: 0, transfersOut: 0, rona: 0,
  answeredWaitMs: 0, abandonedWaitMs: 0, maxWaitMs: null, handled: 0, talkMs: 0, wrapMs: 0, ewtErrorsSec: [],
});

const OUTCOME_COUNTER = { callback: 'callbacksRequested', option: 'options', timeout: 'timeouts', full: 'full', noAgents: 'noAgents', overflow: 'overflowsOut' } as const;

/** Wrap-up time of a handled visit so far (an announced end still ahead counts up to now). */
export function wrapMsOf(v: QueueFact, now: number): number {
  if (v.wrapStart === null || v.wrapEnd === null) return 0;
  return Math.max(0, Math.min(v.wrapEnd, v.wrapFinal ? v.wrapEnd : now) - v.wrapStart);
}

/** The conversation and its wrap-up are over, so its handle time is final. */
export const handleComplete = (v: QueueFact, now: number): boolean =>
  v.endedAt !== null && (v.wrapStart === null || v.wrapFinal || (v.wrapEnd !== null && v.wrapEnd <= now));

function addCallback(a: Acc, v: QueueFact): void {
  if (v.callbackResult === 'connected') a.callbacksConnected++;
  else if (v.callbackResult === 'failed') a.callbacksFailed++;
}

function add(a: Acc, v: QueueFact, p: QueueMetricParams): void {
  if (v.channel === 'callback') return addCallback(a, v);
  a.offered++;
  if (v.overflowIn) a.overflowsIn++;
  if (v.transferIn) a.transfersIn++;
  if (v.transferOut) a.transfersOut++;
  a.rona += v.misses;
  if (v.outcome === null || v.outcomeAt === null) {
    a.waiting++;
    return;
  }
  const wait = v.outcomeAt - v.waitStart;
  a.maxWaitMs = Math.max(a.maxWaitMs ?? 0, wait);
  const sl = p.slMs(v.queueId);
  if (v.outcome === 'answered') {
    a.answered++;
    a.answeredWaitMs += wait;
    if (wait <= sl) a.answeredInSl++;
    if (v.ewtSec !== null && v.ewtAt !== null) a.ewtErrorsSec.push(Math.abs((v.outcomeAt - v.ewtAt) / 1000 - v.ewtSec));
    if (v.answeredAt !== null && handleComplete(v, p.now)) {
      a.handled++;
      a.talkMs += v.endedAt! - v.answeredAt;
      a.wrapMs += wrapMsOf(v, p.now);
    }
  } else if (v.outcome === 'abandoned') {
    a.abandoned++;
    a.abandonedWaitMs += wait;
    if (wait <= sl) a.abandonedInSl++;
    if (wait < p.shortAbandonMs) a.shortAbandons++;
  } else a[OUTCOME_COUNTER[v.outcome]]++;
}

const ratio = (n: number, d: number): number | null => (d > 0 ? Math.round((n / d) * 10_000) / 10_000 : null);
const avgSec = (ms: number, n: number): number | null => (n > 0 ? Math.round(ms / n) / 1000 : null);

/** Nearest rank: the smallest value with at least 90 % of the samples at or below it. */
export function p90(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.ceil(0.9 * sorted.length) - 1]!;
}

function serviceLevel(a: Acc, variant: SlVariant): number | null {
  const resolved = a.offered - a.waiting;
  switch (variant) {
    case 'answered':
      return ratio(a.answeredInSl, a.answered);
    case 'offered':
      return ratio(a.answeredInSl, resolved);
    case 'abandonedAsGood':
      return ratio(a.answeredInSl + a.abandonedInSl, a.answered + a.abandoned);
    case 'shortAbandonsExcluded':
      return ratio(a.answeredInSl, a.answered + a.abandoned - a.shortAbandons);
  }
}

function finish(a: Acc, p: QueueMetricParams): QueueMetrics {
  const resolved = a.offered - a.waiting;
  const errors = a.ewtErrorsSec;
  const round3 = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 1000);
  return {
    offered: a.offered, waiting: a.waiting, answered: a.answered, answeredInSl: a.answeredInSl, abandoned: a.abandoned, shortAbandons: a.shortAbandons,
    callbacksRequested: a.callbacksRequested, callbacksConnected: a.callbacksConnected, callbacksFailed: a.callbacksFailed,
    options: a.options, timeouts: a.timeouts, full: a.full, noAgents: a.noAgents,
    overflowsOut: a.overflowsOut, overflowsIn: a.overflowsIn, transfersIn: a.transfersIn, transfersOut: a.transfersOut, rona: a.rona,
    serviceLevel: serviceLevel(a, p.slVariant),
    abandonRate: ratio(a.abandoned, resolved),
    abandonRateExcludingShort: ratio(a.abandoned - a.shortAbandons, resolved - a.shortAbandons),
    asaSec: avgSec(a.answeredWaitMs, a.answered),
    avgAbandonSec: avgSec(a.abandonedWaitMs, a.abandoned),
    maxWaitSec: a.maxWaitMs === null ? null : a.maxWaitMs / 1000,
    handled: a.handled,
    ahtSec: avgSec(a.talkMs + a.wrapMs, a.handled),
    avgTalkSec: avgSec(a.talkMs, a.handled),
    avgWrapUpSec: avgSec(a.wrapMs, a.handled),
    ewtError: { samples: errors.length, maeSec: round3(errors.length ? errors.reduce((s, e) => s + e, 0) / errors.length : null), p90Sec: round3(p90(errors)) },
  };
}

export interface QueueSeries {
  summary: QueueMetrics;
  intervals: (QueueMetrics & Bucket)[];
}

// Object.assign, not a spread: spreading 30 fields into each of thousands of buckets was 20
// times slower (bench/stats-query.ts, a month of 60-minute buckets over every queue).
const seriesOf = (total: Acc, accs: Acc[], buckets: Bucket[], p: QueueMetricParams): QueueSeries => ({
  summary: finish(total, p),
  intervals: accs.map((a, k) => Object.assign({ start: buckets[k]!.start, end: buckets[k]!.end }, finish(a, p))),
});

/** The range's metrics and each bucket's; visits entered outside the buckets are ignored. */
export function queueMetrics(visits: Iterable<QueueFact>, buckets: Bucket[], p: QueueMetricParams): QueueSeries {
  const total = newAcc();
  const accs = buckets.map(newAcc);
  for (const v of visits) {
    const k = bucketIndex(buckets, v.enteredAt);
    if (k < 0) continue;
    add(accs[k]!, v, p);
    add(total, v, p);
  }
  return seriesOf(total, accs, buckets, p);
}

/**
 * Every queue's metrics and the total over all of them (each contact once, where it ended) in one
 * pass over the facts. `queueIds` are listed even without a visit.
 */
export function queueMetricsByQueue(visits: Iterable<QueueFact>, buckets: Bucket[], p: QueueMetricParams, queueIds: Iterable<string> = []): { queues: Map<string, QueueSeries>; total: QueueSeries } {
  const byQueue = new Map<string, { total: Acc; accs: Acc[] }>();
  const of = (queueId: string) => byQueue.get(queueId) ?? byQueue.set(queueId, { total: newAcc(), accs: buckets.map(newAcc) }).get(queueId)!;
  for (const id of queueIds) of(id);
  const total = newAcc();
  const accs = buckets.map(newAcc);
  for (const v of visits) {
    const k = bucketIndex(buckets, v.enteredAt);
    if (k < 0) continue;
    const q = of(v.queueId);
    add(q.accs[k]!, v, p);
    add(q.total, v, p);
    if (v.outcome === 'overflow') continue;
    add(accs[k]!, v, p);
    add(total, v, p);
  }
  const queues = new Map([...byQueue].map(([id, q]) => [id, seriesOf(q.total, q.accs, buckets, p)]));
  return { queues, total: seriesOf(total, accs, buckets, p) };
}
