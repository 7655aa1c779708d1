import { describe, expect, it } from 'vitest';
import { bucketsOf } from '../../../../src/core/stats/buckets.js';
import { replayJournal } from '../../../../src/core/stats/journal-replay.js';
import { queueMetrics, queueMetricsByQueue, type QueueMetricParams } from '../../../../src/core/stats/queue-metrics.js';
import { countUpTo, rollupsOf, waitKey } from '../../../../src/core/stats/queue-rollup.js';
import { planRead } from '../../../../src/core/stats/rollup-plan.js';
import type { Bucket, Visit } from '../../../../src/core/stats/stats-types.js';
import { random, randomJournal, randomQuery, WINDOWS, type RandomQuery } from './random-journal.js';

// The rollup path must give exactly what the per-visit path gives, for any range, interval, zone,
// T, S, SL variant and `now`: a random journal, then many random queries answered both ways.

const QUEUE_SL: Record<string, number> = { sales: 20, billing: 30, support: 15, vip: 10 };
const paramsOf = (q: RandomQuery): QueueMetricParams => ({ slMs: (id) => (q.slSec ?? QUEUE_SL[id] ?? 20) * 1000, shortAbandonMs: q.shortAbandonSec * 1000, slVariant: q.slVariant, now: q.now });
const sorted = <V>(m: Map<string, V>) => [...m].sort(([a], [b]) => a.localeCompare(b));

describe('queue rollups', () => {
  it('given whole seconds T and S, then a wait key answers ≤ T and < S exactly, at the millisecond boundaries too', () => {
    for (const waitMs of [-1500, -1000, -1, 0, 1, 999, 1000, 1001, 4999, 5000, 5001, 19_999, 20_000, 20_001]) {
      const hist = [waitKey(waitMs), 1];
      for (const x of [0, 1, 5, 20]) {
        expect(countUpTo(hist, 2 * x), `${waitMs} ≤ ${x} s`).toBe(waitMs <= x * 1000 ? 1 : 0);
        expect(countUpTo(hist, 2 * x - 1), `${waitMs} < ${x} s`).toBe(waitMs < x * 1000 ? 1 : 0);
      }
    }
  });

  it('given a random journal, when 300 random queries are answered from rollups and visit by visit, then the answers are equal', { timeout: 120_000 }, () => {
    const rows = randomJournal({ seed: 42, calls: 3000, windows: WINDOWS });
    const visits = replayJournal(rows).visits;
    const rollups = [...rollupsOf(visits).values()];
    const inRange = (v: Visit, r: { from: number; to: number }) => v.enteredAt >= r.from && v.enteredAt < r.to;
    const wrapEnds = visits.flatMap((v) => (v.wrapEnd !== null && !v.wrapFinal ? [v.wrapEnd] : []));
    const rnd = random(7);
    let straddled = 0;
    for (let n = 0; n < 300; n++) {
      const q = randomQuery(rnd, wrapEnds);
      const buckets: Bucket[] = bucketsOf(q.from, q.to, q.interval, q.tz);
      const p = paramsOf(q);
      const plan = planRead(buckets);
      straddled += plan.facts.filter((r) => r.from !== q.from && r.to !== q.to).length;
      const facts = visits.filter((v) => plan.facts.some((r) => inRange(v, r)));
      const slots = rollups.filter((r) => plan.rollups !== null && r.slot >= plan.rollups.from && r.slot < plan.rollups.to);
      const all = visits.filter((v) => inRange(v, q));
      const label = JSON.stringify(q);

      const byVisit = queueMetricsByQueue(all, buckets, p, ['sales']);
      const byRollup = queueMetricsByQueue(facts, buckets, p, ['sales'], slots);
      expect(sorted(byRollup.queues), label).toEqual(sorted(byVisit.queues));
      expect(byRollup.total, label).toEqual(byVisit.total);

      const one = ['sales', 'billing', 'support', 'vip'][n % 4]!;
      const mine = (v: { queueId: string }) => v.queueId === one;
      expect(queueMetrics(facts.filter(mine), buckets, p, slots.filter(mine)), label).toEqual(queueMetrics(all.filter(mine), buckets, p));
    }
    // Monrovia's −0:44:30 made local edges cut through slots, read visit by visit.
    expect(straddled).toBeGreaterThan(0);
  });
});
