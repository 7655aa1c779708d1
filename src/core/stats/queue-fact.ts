import type { CallbackResult, Visit, VisitOutcome } from './stats-types.js';

// What queue metrics read of a visit, in a compact text form the projection stores beside it.
// A month is ~140,000 visits: reading 20 columns a row costs SQLite and the driver about 3 µs a
// row, while the projection's own group_concat of these short arrays and one JSON.parse cost under
// 1 µs (bench/stats-query.ts). Times are kept relative to enteredAt so the text stays short.

export type QueueFact = Pick<
  Visit,
  'queueId' | 'channel' | 'enteredAt' | 'waitStart' | 'ewtSec' | 'ewtAt' | 'overflowIn' | 'transferIn' | 'outcome' | 'outcomeAt' | 'answeredAt' | 'endedAt' | 'wrapStart' | 'wrapEnd' | 'wrapFinal' | 'misses' | 'transferOut' | 'callbackResult'
>;

type Encoded = (string | number | null)[];

const CALLBACK = 1;
const OVERFLOW_IN = 2;
const TRANSFER_IN = 4;
const TRANSFER_OUT = 8;
const WRAP_FINAL = 16;

export function encodeQueueFact(v: QueueFact): string {
  const rel = (t: number | null) => (t === null ? null : t - v.enteredAt);
  const flags = (v.channel === 'callback' ? CALLBACK : 0) | (v.overflowIn ? OVERFLOW_IN : 0) | (v.transferIn ? TRANSFER_IN : 0) | (v.transferOut ? TRANSFER_OUT : 0) | (v.wrapFinal ? WRAP_FINAL : 0);
  return JSON.stringify([v.queueId, v.enteredAt, flags, v.misses, v.ewtSec, v.waitStart - v.enteredAt, rel(v.ewtAt), rel(v.outcomeAt), rel(v.answeredAt), rel(v.endedAt), rel(v.wrapStart), rel(v.wrapEnd), v.outcome, v.callbackResult]);
}

/** Facts from a JSON array of encoded facts (the projection's group_concat, bracketed). */
export function decodeQueueFacts(json: string): QueueFact[] {
  const list = JSON.parse(json) as Encoded[];
  const out: QueueFact[] = new Array<QueueFact>(list.length);
  // A plain loop with the nulls tested inline: this runs ~150,000 times for a month.
  for (let k = 0; k < list.length; k++) {
    const e = list[k]!;
    const at = e[1] as number;
    const flags = e[2] as number;
    out[k] = {
      queueId: e[0] as string, enteredAt: at, channel: flags & CALLBACK ? 'callback' : 'voice', overflowIn: (flags & OVERFLOW_IN) !== 0, transferIn: (flags & TRANSFER_IN) !== 0,
      transferOut: (flags & TRANSFER_OUT) !== 0, wrapFinal: (flags & WRAP_FINAL) !== 0, misses: e[3] as number, ewtSec: e[4] as number | null, waitStart: at + (e[5] as number),
      ewtAt: e[6] === null ? null : at + (e[6] as number), outcomeAt: e[7] === null ? null : at + (e[7] as number), answeredAt: e[8] === null ? null : at + (e[8] as number),
      endedAt: e[9] === null ? null : at + (e[9] as number), wrapStart: e[10] === null ? null : at + (e[10] as number), wrapEnd: e[11] === null ? null : at + (e[11] as number),
      outcome: e[12] as VisitOutcome | null, callbackResult: e[13] as CallbackResult | null,
    };
  }
  return out;
}

/** Wrap-up time of a handled visit so far (an announced end still ahead counts up to now). */
export function wrapMsOf(v: QueueFact, now: number): number {
  if (v.wrapStart === null || v.wrapEnd === null) return 0;
  return Math.max(0, Math.min(v.wrapEnd, v.wrapFinal ? v.wrapEnd : now) - v.wrapStart);
}

/** The conversation and its wrap-up are over, so its handle time is final. */
export const handleComplete = (v: QueueFact, now: number): boolean =>
  v.endedAt !== null && (v.wrapStart === null || v.wrapFinal || (v.wrapEnd !== null && v.wrapEnd <= now));
