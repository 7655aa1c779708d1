import { wrapMsOf, type QueueFact } from './queue-fact.js';

// Per-queue 15-minute UTC rollups of what queue metrics read of visits, so that a month over every
// queue reads ~12,000 small rows instead of ~160,000 visits (bench/stats-query.ts). Every IANA
// offset in use today is a multiple of 15 minutes, so a UTC slot lies inside one local 15/30/60-
// minute or day bucket; slots that straddle a bucket edge (or the range's ends) are read per visit
// instead (rollup-plan.ts), which keeps the two paths exactly equal in every zone and era.
//
// A rollup holds only what does not depend on the query's parameters: counters and sums, and for
// the parameters (T, S) the waits at a resolution that answers "≤ T" and "< S" exactly for whole
// seconds (waitKey). What depends on `now` (a wrap-up announced to end later) is kept as the list
// of such visits. Overflow-out visits get rollups of their own: the total over all queues leaves
// them out.

export const SLOT_MS = 15 * 60_000;
export const slotOf = (at: number): number => Math.floor(at / SLOT_MS) * SLOT_MS;

export interface QueueRollup {
  queueId: string;
  slot: number;
  /** Visits whose outcome is overflow (left out of the total over all queues). */
  overflow: boolean;
  /** Visits in it (callback attempts included): a rollup with none is deleted. */
  visits: number;
  offered: number; waiting: number; answered: number; abandoned: number;
  callbacksRequested: number; callbacksConnected: number; callbacksFailed: number; options: number; timeouts: number; full: number; noAgents: number;
  overflowsOut: number; overflowsIn: number; transfersIn: number; transfersOut: number; rona: number;
  answeredWaitMs: number; abandonedWaitMs: number;
  /** Longest wait that ended, and how many visits have it (a removal can then tell whether it went). */
  maxWaitMs: number | null; maxWaitCount: number;
  /** Handle time of answered visits whose conversation and wrap-up are over whatever `now` is. */
  handled: number; talkMs: number; wrapMs: number;
  /** Histograms of waits by waitKey, flat [key, count, key, count...] sorted by key. */
  answeredWaits: number[];
  abandonedWaits: number[];
  /** |actual wait since the estimate − EWT| in whole ms of answered visits with an estimate, sorted. */
  ewtErrorsMs: number[];
  /** Answered visits in a wrap-up not seen to end: flat [wrapEnd, talkMs, wrapMs...]; handled once now ≥ wrapEnd. */
  pendingWraps: number[];
}

// The order of the encoded array (decodeRollups reads it by position).
const COUNTERS = [
  'visits', 'offered', 'waiting', 'answered', 'abandoned', 'callbacksRequested', 'callbacksConnected', 'callbacksFailed', 'options', 'timeouts', 'full', 'noAgents',
  'overflowsOut', 'overflowsIn', 'transfersIn', 'transfersOut', 'rona', 'answeredWaitMs', 'abandonedWaitMs', 'maxWaitCount', 'handled', 'talkMs', 'wrapMs',
] as const;
type Counter = (typeof COUNTERS)[number];

/**
 * 2k for a wait of exactly k seconds, 2k + 1 for one strictly between k and k + 1. For a whole
 * number of seconds X: wait ≤ X s ⇔ key ≤ 2X, and wait < X s ⇔ key < 2X. One histogram thus answers
 * both the SL test (≤ T) and the short-abandon test (< S) exactly, at half-second resolution.
 */
export const waitKey = (waitMs: number): number => (waitMs % 1000 === 0 ? waitMs / 500 : 2 * Math.floor(waitMs / 1000) + 1);

/** Sum of the counts with key ≤ limit. */
export function countUpTo(hist: number[], limit: number): number {
  let n = 0;
  for (let k = 0; k < hist.length && hist[k]! <= limit; k += 2) n += hist[k + 1]!;
  return n;
}

export const emptyRollup = (queueId: string, slot: number, overflow: boolean): QueueRollup => ({
  queueId, slot, overflow, visits: 0, offered: 0, waiting: 0, answered: 0, abandoned: 0,
  callbacksRequested: 0, callbacksConnected: 0, callbacksFailed: 0, options: 0, timeouts: 0, full: 0, noAgents: 0,
  overflowsOut: 0, overflowsIn: 0, transfersIn: 0, transfersOut: 0, rona: 0, answeredWaitMs: 0, abandonedWaitMs: 0,
  maxWaitMs: null, maxWaitCount: 0, handled: 0, talkMs: 0, wrapMs: 0, answeredWaits: [], abandonedWaits: [], ewtErrorsMs: [], pendingWraps: [],
});

export interface RollupKey {
  queueId: string;
  slot: number;
  overflow: boolean;
}
export const rollupKeyOf = (v: QueueFact): RollupKey => ({ queueId: v.queueId, slot: slotOf(v.enteredAt), overflow: v.outcome === 'overflow' });
export const rollupKeyText = (k: RollupKey): string => `${k.slot}\u0000${k.queueId}\u0000${k.overflow ? 1 : 0}`;

/** Error of the estimate in whole ms (the ACD announces whole seconds, so this is exact there). */
export const ewtErrorMs = (v: QueueFact): number | null =>
  v.ewtSec === null || v.ewtAt === null || v.outcomeAt === null ? null : Math.round(Math.abs(v.outcomeAt - v.ewtAt - v.ewtSec * 1000));

function histAdd(hist: number[], key: number, by: number): void {
  let k = 0;
  while (k < hist.length && hist[k]! < key) k += 2;
  if (hist[k] === key) {
    hist[k + 1]! += by;
    if (hist[k + 1] === 0) hist.splice(k, 2);
  } else if (by > 0) hist.splice(k, 0, key, by);
  else throw new Error(`stats rollup: no wait ${key} to remove`);
}

/** Adds a tuple of `width` numbers to a list kept sorted, or removes one equal to it. */
function listAdd(list: number[], tuple: number[], sign: 1 | -1): void {
  const w = tuple.length;
  let k = 0;
  const cmp = (at: number) => {
    for (let j = 0; j < w; j++) if (list[at + j] !== tuple[j]) return list[at + j]! - tuple[j]!;
    return 0;
  };
  while (k < list.length && cmp(k) < 0) k += w;
  if (sign > 0) list.splice(k, 0, ...tuple);
  else if (k < list.length && cmp(k) === 0) list.splice(k, w);
  else throw new Error('stats rollup: no such entry to remove');
}

const OUTCOME_COUNTER = { callback: 'callbacksRequested', option: 'options', timeout: 'timeouts', full: 'full', noAgents: 'noAgents', overflow: 'overflowsOut' } as const;

/**
 * Adds (sign 1) or removes (sign -1) one visit, mirroring queue-metrics' add(). Removals come
 * after additions; after them see maxWaitLost.
 */
export function applyVisit(r: QueueRollup, v: QueueFact, sign: 1 | -1): void {
  const inc = (c: Counter, by = 1) => (r[c] += sign * by);
  inc('visits');
  if (v.channel === 'callback') {
    if (v.callbackResult === 'connected') inc('callbacksConnected');
    else if (v.callbackResult === 'failed') inc('callbacksFailed');
    return;
  }
  inc('offered');
  if (v.overflowIn) inc('overflowsIn');
  if (v.transferIn) inc('transfersIn');
  if (v.transferOut) inc('transfersOut');
  inc('rona', v.misses);
  if (v.outcome === null || v.outcomeAt === null) return void inc('waiting');
  const wait = v.outcomeAt - v.waitStart;
  applyMax(r, wait, sign);
  if (v.outcome === 'answered') {
    inc('answered');
    inc('answeredWaitMs', wait);
    histAdd(r.answeredWaits, waitKey(wait), sign);
    const error = ewtErrorMs(v);
    if (error !== null) listAdd(r.ewtErrorsMs, [error], sign);
    applyHandle(r, v, sign);
  } else if (v.outcome === 'abandoned') {
    inc('abandoned');
    inc('abandonedWaitMs', wait);
    histAdd(r.abandonedWaits, waitKey(wait), sign);
  } else inc(OUTCOME_COUNTER[v.outcome]);
}

/** Handle time as queue-metrics counts it: final, pending on `now` (an open wrap-up), or none yet. */
function applyHandle(r: QueueRollup, v: QueueFact, sign: 1 | -1): void {
  if (v.answeredAt === null || v.endedAt === null) return;
  const talk = v.endedAt - v.answeredAt;
  if (v.wrapStart === null || v.wrapFinal) {
    r.handled += sign;
    r.talkMs += sign * talk;
    r.wrapMs += sign * wrapMsOf(v, 0);
  } else if (v.wrapEnd !== null) listAdd(r.pendingWraps, [v.wrapEnd, talk, Math.max(0, v.wrapEnd - v.wrapStart)], sign);
}

function applyMax(r: QueueRollup, wait: number, sign: 1 | -1): void {
  if (sign > 0) {
    if (r.maxWaitMs === null || wait > r.maxWaitMs) (r.maxWaitMs = wait), (r.maxWaitCount = 1);
    else if (wait === r.maxWaitMs) r.maxWaitCount++;
  } else if (wait === r.maxWaitMs && --r.maxWaitCount === 0) r.maxWaitMs = null;
}

/**
 * After removals: the maximum went with its last visit while other waits remain, so only the
 * visits can tell the new one (the caller rebuilds the rollup from them). Adding before removing
 * keeps an unchanged wait from ever getting here.
 */
export const maxWaitLost = (r: QueueRollup): boolean => r.maxWaitMs === null && r.offered > r.waiting;

/** Rollups of a set of visits, by key. */
export function rollupsOf(facts: Iterable<QueueFact>): Map<string, QueueRollup> {
  const out = new Map<string, QueueRollup>();
  for (const v of facts) {
    const key = rollupKeyOf(v);
    const text = rollupKeyText(key);
    let r = out.get(text);
    if (!r) out.set(text, (r = emptyRollup(key.queueId, key.slot, key.overflow)));
    applyVisit(r, v, 1);
  }
  return out;
}

type Encoded = [string, number, number, ...number[]];

export function encodeRollup(r: QueueRollup): string {
  return JSON.stringify([r.queueId, r.slot, r.overflow ? 1 : 0, ...COUNTERS.map((c) => r[c]), r.maxWaitMs, r.answeredWaits, r.abandonedWaits, r.ewtErrorsMs, r.pendingWraps]);
}

/** Rollups from a JSON array of encoded rollups (the store's group_concat, bracketed). */
export function decodeRollups(json: string): QueueRollup[] {
  const list = JSON.parse(json) as Encoded[];
  const out = new Array<QueueRollup>(list.length);
  // One object literal in COUNTERS order rather than a loop over names: a month is ~12,000 of these.
  for (let k = 0; k < list.length; k++) {
    const e = list[k] as unknown as number[] & unknown[];
    out[k] = {
      queueId: e[0] as unknown as string, slot: e[1]!, overflow: e[2] === 1,
      visits: e[3]!, offered: e[4]!, waiting: e[5]!, answered: e[6]!, abandoned: e[7]!, callbacksRequested: e[8]!, callbacksConnected: e[9]!, callbacksFailed: e[10]!,
      options: e[11]!, timeouts: e[12]!, full: e[13]!, noAgents: e[14]!, overflowsOut: e[15]!, overflowsIn: e[16]!, transfersIn: e[17]!, transfersOut: e[18]!, rona: e[19]!,
      answeredWaitMs: e[20]!, abandonedWaitMs: e[21]!, maxWaitCount: e[22]!, handled: e[23]!, talkMs: e[24]!, wrapMs: e[25]!, maxWaitMs: e[26] as number | null,
      answeredWaits: e[27] as unknown as number[], abandonedWaits: e[28] as unknown as number[], ewtErrorsMs: e[29] as unknown as number[], pendingWraps: e[30] as unknown as number[],
    };
  }
  return out;
}
