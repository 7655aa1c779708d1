import { DateTime, IANAZone } from 'luxon';
import type { Bucket, Interval } from './stats-types.js';

// Intervals are cut on the wall clock of a time zone: a 'day' is a local calendar day (23 or 25
// hours across a DST change) and a '60m' bucket starts on a local hour. The first and last buckets
// are clipped to the range, so a range that does not start on a boundary still covers exactly it.

const MINUTES: Record<Exclude<Interval, 'day'>, number> = { '15m': 15, '30m': 30, '60m': 60 };

export const isTimeZone = (tz: string): boolean => IANAZone.isValidZone(tz);

/** The first local boundary after `at`. */
function nextBoundary(at: number, interval: Interval, zone: string): number {
  if (interval === 'day') return DateTime.fromMillis(at, { zone }).startOf('day').plus({ days: 1 }).toMillis();
  // Floor on the local clock through the offset in force at `at`: right in a repeated DST hour too,
  // where asking for "01:00 local" would be ambiguous.
  const stepMs = MINUTES[interval] * 60_000;
  const offsetMs = IANAZone.create(zone).offset(at) * 60_000;
  return Math.floor((at + offsetMs) / stepMs) * stepMs - offsetMs + stepMs;
}

/** Buckets covering [from, to), cut at the zone's interval boundaries. */
export function bucketsOf(from: number, to: number, interval: Interval, zone: string): Bucket[] {
  const buckets: Bucket[] = [];
  let start = from;
  while (start < to) {
    const end = Math.min(nextBoundary(start, interval, zone), to);
    buckets.push({ start, end });
    start = end;
  }
  return buckets;
}

/** Index of the bucket holding `at`, or -1 outside them all (buckets are contiguous and sorted). */
export function bucketIndex(buckets: Bucket[], at: number): number {
  let lo = 0;
  let hi = buckets.length - 1;
  if (hi < 0 || at < buckets[0]!.start || at >= buckets[hi]!.end) return -1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (buckets[mid]!.start <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Start of the local day holding `at` (the "today" of real-time counters). */
export const startOfDay = (at: number, zone: string): number => DateTime.fromMillis(at, { zone }).startOf('day').toMillis();

/** ISO 8601 with the zone's offset at that instant (2026-11-23T10:00:00+01:00); seconds precision. */
export function toIso(ms: number, zone: string): string {
  // By hand rather than through luxon's formatter: a month of 15-minute buckets is ~6,000 of these.
  const offsetMin = IANAZone.create(zone).offset(ms);
  const local = new Date(ms + offsetMin * 60_000).toISOString().slice(0, 19);
  if (offsetMin === 0 && zone === 'UTC') return `${local}Z`;
  const abs = Math.abs(offsetMin);
  return `${local}${offsetMin < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
