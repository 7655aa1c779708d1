import { bucketsOf, isTimeZone } from './buckets.js';
import type { Bucket, Interval, SlVariant } from './stats-types.js';

// The parameters of a historical query and their rules, checked once for every stats route.

export interface StatsQuery {
  from: number;
  to: number;
  interval: Interval;
  tz: string;
  /** One threshold T for every queue; absent: each queue's serviceLevelSec. */
  slSec?: number;
  shortAbandonSec: number;
  slVariant: SlVariant;
}

export const MAX_RANGE_DAYS = 92;
export const DEFAULT_SHORT_ABANDON_SEC = 5;
export const DEFAULT_SL_SEC = 20;

/** What is wrong with the query, or null; buckets come with a valid one. */
export function checkQuery(q: StatsQuery): { error: string } | { buckets: Bucket[] } {
  if (!Number.isFinite(q.from) || !Number.isFinite(q.to)) return { error: 'from and to must be date-times' };
  if (q.to <= q.from) return { error: 'to must be after from' };
  if (q.to - q.from > MAX_RANGE_DAYS * 86_400_000) return { error: `the range is at most ${MAX_RANGE_DAYS} days` };
  if (!isTimeZone(q.tz)) return { error: `unknown time zone '${q.tz}' (an IANA name such as Europe/Paris)` };
  if (q.slSec !== undefined && !(q.slSec >= 0)) return { error: 'slSec must be 0 or more' };
  if (!(q.shortAbandonSec >= 0)) return { error: 'shortAbandonSec must be 0 or more' };
  return { buckets: bucketsOf(q.from, q.to, q.interval, q.tz) };
}
