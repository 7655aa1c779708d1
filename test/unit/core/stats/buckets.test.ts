import { describe, expect, it } from 'vitest';
import { bucketIndex, bucketsOf, startOfDay, toIso } from '../../../../src/core/stats/buckets.js';
import { checkQuery } from '../../../../src/core/stats/stats-query.js';

const iso = (buckets: { start: number }[], tz: string) => buckets.map((b) => toIso(b.start, tz));

describe('intervals in a time zone', () => {
  it('given days across the spring DST change in Paris, then each bucket is a local day (one of 23 hours)', () => {
    const from = Date.parse('2026-03-28T00:00:00+01:00');
    const to = Date.parse('2026-03-31T00:00:00+02:00');
    const buckets = bucketsOf(from, to, 'day', 'Europe/Paris');
    expect(iso(buckets, 'Europe/Paris')).toEqual(['2026-03-28T00:00:00+01:00', '2026-03-29T00:00:00+01:00', '2026-03-30T00:00:00+02:00']);
    expect(buckets.map((b) => (b.end - b.start) / 3600_000)).toEqual([24, 23, 24]);
  });

  it('given hours across the autumn change in New York, then the repeated 01:00 hour is two buckets', () => {
    const from = Date.parse('2026-11-01T00:00:00-04:00');
    const buckets = bucketsOf(from, from + 4 * 3600_000, '60m', 'America/New_York');
    expect(iso(buckets, 'America/New_York')).toEqual(['2026-11-01T00:00:00-04:00', '2026-11-01T01:00:00-04:00', '2026-11-01T01:00:00-05:00', '2026-11-01T02:00:00-05:00']);
  });

  it('given a zone at +05:45 and a range off the boundaries, then 15-minute buckets start on the local quarter and the ends are clipped', () => {
    const from = Date.parse('2026-11-23T10:07:00+05:45');
    const to = Date.parse('2026-11-23T10:50:00+05:45');
    const buckets = bucketsOf(from, to, '15m', 'Asia/Kathmandu');
    expect(iso(buckets, 'Asia/Kathmandu')).toEqual(['2026-11-23T10:07:00+05:45', '2026-11-23T10:15:00+05:45', '2026-11-23T10:30:00+05:45', '2026-11-23T10:45:00+05:45']);
    expect(buckets.at(-1)!.end).toBe(to);
    expect(bucketIndex(buckets, Date.parse('2026-11-23T10:29:59+05:45'))).toBe(1);
    expect(bucketIndex(buckets, to)).toBe(-1);
    expect(bucketIndex(buckets, from - 1)).toBe(-1);
  });

  it('given an instant, then today starts at local midnight', () => {
    expect(toIso(startOfDay(Date.parse('2026-11-23T02:00:00Z'), 'America/Montreal'), 'America/Montreal')).toBe('2026-11-22T00:00:00-05:00');
  });

  it.each([
    [{ to: 0 }, 'to must be after from'],
    [{ to: 93 * 86_400_000 }, 'at most 92 days'],
    [{ tz: 'Mars/Olympus' }, "unknown time zone 'Mars/Olympus'"],
  ])('given a bad query %j, then it says %s', (over, message) => {
    const result = checkQuery({ from: 0, to: 3600_000, interval: '60m', tz: 'UTC', shortAbandonSec: 5, slVariant: 'answered', ...over });
    expect(result).toEqual({ error: expect.stringContaining(message) });
  });
});
