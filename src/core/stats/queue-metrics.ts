import { bucketIndex } from './buckets.js';
import { handleComplete, wrapMsOf, type QueueFact } from './queue-fact.js';
import { countUpTo, ewtErrorMs, type QueueRollup } from './queue-rollup.js';
import { slotBucket } from './rollup-plan.js';
import type { Bucket, SlVariant } from './stats-types.js';

// Queue metrics over visits, one definition each (docs/stats.md). A visit counts in the interval
// it entered the queue; its wait runs from waitStart to the end of the wait, whenever that is.
// The visits come one by one, or summed per 15-minute slot (queue-rollup.ts): addRollup() must
// give exactly what add() gives for the visits of the slot.

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
  answeredWaitMs: number; abandonedWaitMs: number; maxWaitMs: number | null; handled: number; talkMs: number; wrapMs: number; ewtErrorsMs: number[];
}

const newAcc = (): Acc => ({
  offered: 0, waiting: 0, answered: 0, answeredInSl: 0, abandoned: 0, abandonedInSl: 0, shortAbandons: 0,
  callbacksRequested: 0, callbacksConnected: 0, callbacksFailed: 0, options: 0, timeouts: 0, full: 0, noAgents: 0,
  overflowsOut: 0, overflowsIn: 0, transfersIn: 0, transfersOut: 0, rona: 0,
  answeredWaitMs: 0, abandonedWaitMs: 0, maxWaitMs: null, handled: 0, talkMs: 0, wrapMs: 0, ewtErrorsMs: [],
});

const OUTCOME_COUNTER = { callback: 'callbacksRequested', option: 'options', timeout: 'timeouts', full: 'full', noAgents: 'noAgents', overflow: 'overflowsOut' } as const;

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
    const error = ewtErrorMs(v);
    if (error !== null) a.ewtErrorsMs.push(error);
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

/** A slot's visits at once; T and S must be whole seconds (waitKey's resolution). */
function addRollup(a: Acc, r: QueueRollup, p: QueueMetricParams): void {
  // Field by field, not a loop over names: ~12,000 rollups a month go through here four times.
  a.offered += r.offered; a.waiting += r.waiting; a.answered += r.answered; a.abandoned += r.abandoned;
  a.callbacksRequested += r.callbacksRequested; a.callbacksConnected += r.callbacksConnected; a.callbacksFailed += r.callbacksFailed;
  a.options += r.options; a.timeouts += r.timeouts; a.full += r.full; a.noAgents += r.noAgents;
  a.overflowsOut += r.overflowsOut; a.overflowsIn += r.overflowsIn; a.transfersIn += r.transfersIn; a.transfersOut += r.transfersOut; a.rona += r.rona;
  a.answeredWaitMs += r.answeredWaitMs; a.abandonedWaitMs += r.abandonedWaitMs; a.handled += r.handled; a.talkMs += r.talkMs; a.wrapMs += r.wrapMs;
  if (r.maxWaitMs !== null) a.maxWaitMs = Math.max(a.maxWaitMs ?? 0, r.maxWaitMs);
  const sl = (2 * p.slMs(r.queueId)) / 1000;
  a.answeredInSl += countUpTo(r.answeredWaits, sl);
  a.abandonedInSl += countUpTo(r.abandonedWaits, sl);
  a.shortAbandons += countUpTo(r.abandonedWaits, (2 * p.shortAbandonMs) / 1000 - 1);
  for (const e of r.ewtErrorsMs) a.ewtErrorsMs.push(e);
  const pending = r.pendingWraps;
  for (let k = 0; k < pending.length; k += 3) {
    if (pending[k]! > p.now) continue;
    a.handled++;
    a.talkMs += pending[k + 1]!;
    a.wrapMs += pending[k + 2]!;
  }
}

const ratio = (n: number, d: number): number | null => (d > 0 ? Math.round((n / d) * 10_000) / 10_000 : null);
const avgSec = (ms: number, n: number): number | null => (n > 0 ? Math.round(ms / n) / 1000 : null);

/** Nearest rank: the smallest value with at least 90 % of the samples at or below it. */
export function p90(values: number[]): number | null {
  if (values.length === 0) return null;
  return select(Float64Array.from(values), Math.ceil(0.9 * values.length) - 1);
}

/** The k-th smallest (0-based) by quickselect, in place: a month's summary is ~120,000 errors, and sorting them all was most of its time. */
function select(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i++] = a[j]!;
        a[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
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
  const errors = a.ewtErrorsMs;
  const p90Ms = p90(errors);
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
    // Whole ms summed as integers: exact, and the same in whatever order visits and rollups come.
    ewtError: { samples: errors.length, maeSec: avgSec(errors.reduce((s, e) => s + e, 0), errors.length), p90Sec: p90Ms === null ? null : p90Ms / 1000 },
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

/**
 * The range's metrics and each bucket's, from visits and rollups of slots the visits do not cover
 * (rollup-plan.ts); visits entered outside the buckets and rollups not inside one are ignored.
 */
export function queueMetrics(visits: Iterable<QueueFact>, buckets: Bucket[], p: QueueMetricParams, rollups: Iterable<QueueRollup> = []): QueueSeries {
  const total = newAcc();
  const accs = buckets.map(newAcc);
  for (const v of visits) {
    const k = bucketIndex(buckets, v.enteredAt);
    if (k < 0) continue;
    add(accs[k]!, v, p);
    add(total, v, p);
  }
  for (const r of rollups) {
    const k = slotBucket(buckets, r.slot);
    if (k < 0) continue;
    addRollup(accs[k]!, r, p);
    addRollup(total, r, p);
  }
  return seriesOf(total, accs, buckets, p);
}

/**
 * Every queue's metrics and the total over all of them (each contact once, where it ended) in one
 * pass over the facts and rollups. `queueIds` are listed even without a visit.
 */
export function queueMetricsByQueue(
  visits: Iterable<QueueFact>, buckets: Bucket[], p: QueueMetricParams, queueIds: Iterable<string> = [], rollups: Iterable<QueueRollup> = [],
): { queues: Map<string, QueueSeries>; total: QueueSeries } {
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
  for (const r of rollups) {
    const k = slotBucket(buckets, r.slot);
    if (k < 0) continue;
    const q = of(r.queueId);
    addRollup(q.accs[k]!, r, p);
    addRollup(q.total, r, p);
    if (r.overflow) continue;
    addRollup(accs[k]!, r, p);
    addRollup(total, r, p);
  }
  const queues = new Map([...byQueue].map(([id, q]) => [id, seriesOf(q.total, q.accs, buckets, p)]));
  return { queues, total: seriesOf(total, accs, buckets, p) };
}
