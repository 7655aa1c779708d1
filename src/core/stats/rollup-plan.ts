import { bucketIndex } from './buckets.js';
import { SLOT_MS, slotOf } from './queue-rollup.js';
import type { Bucket } from './stats-types.js';

// Which parts of a query's range are read from rollups and which visit by visit. A 15-minute UTC
// slot is read as a rollup only when it lies whole inside one of the query's buckets; the range's
// unaligned ends and any slot a bucket edge cuts through (an offset that is not a multiple of 15
// minutes: local mean time before the zones were standardised, Liberia until 1972) are read per
// visit. With today's offsets that leaves at most the two ends of the range.

export interface Range {
  from: number;
  to: number;
}

export interface ReadPlan {
  /** Slots starting in [from, to) to read as rollups (null: none). */
  rollups: Range | null;
  /** Ranges to read visit by visit, in order, not overlapping the rollups used. */
  facts: Range[];
}

export function planRead(buckets: Bucket[]): ReadPlan {
  const first = buckets[0];
  const last = buckets.at(-1);
  if (!first || !last) return { rollups: null, facts: [] };
  const from = first.start;
  const to = last.end;
  const a = Math.ceil(from / SLOT_MS) * SLOT_MS;
  const b = slotOf(to);
  if (a >= b) return { rollups: null, facts: [{ from, to }] };
  const facts: Range[] = from < a ? [{ from, to: a }] : [];
  for (const bucket of buckets) {
    const edge = bucket.end;
    if (edge <= a || edge >= b || edge % SLOT_MS === 0) continue;
    const slot = slotOf(edge);
    const prev = facts.at(-1);
    if (prev && prev.to >= slot) prev.to = Math.max(prev.to, slot + SLOT_MS);
    else facts.push({ from: slot, to: slot + SLOT_MS });
  }
  if (b < to) facts.push({ from: b, to });
  return { rollups: { from: a, to: b }, facts };
}

/** The bucket a slot lies in whole, or -1 (the plan reads that slot's visits instead). */
export function slotBucket(buckets: Bucket[], slot: number): number {
  const k = bucketIndex(buckets, slot);
  return k >= 0 && slot + SLOT_MS <= buckets[k]!.end ? k : -1;
}

/** Rollups answer thresholds (T, S) in whole seconds exactly (waitKey); the API only takes those. */
export const rollupsAnswer = (thresholdsSec: number[]): boolean => thresholdsSec.every(Number.isInteger);
