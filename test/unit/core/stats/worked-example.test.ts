import { describe, expect, it } from 'vitest';
import { agentMetrics, agentsMetrics } from '../../../../src/core/stats/agent-metrics.js';
import { bucketsOf } from '../../../../src/core/stats/buckets.js';
import { replayJournal } from '../../../../src/core/stats/journal-replay.js';
import { queueMetrics, queueMetricsByQueue, type QueueMetricParams } from '../../../../src/core/stats/queue-metrics.js';
import type { SlVariant } from '../../../../src/core/stats/stats-types.js';
import { RANGE, workedExampleJournal } from './worked-example.js';

// Every number of docs/stats.md "Worked example", computed there by hand.

const facts = replayJournal(workedExampleJournal());
const buckets = bucketsOf(RANGE.from, RANGE.to, '60m', 'UTC');
const T = { sales: 20_000, billing: 30_000 } as Record<string, number>;
const params = (over: Partial<QueueMetricParams> = {}): QueueMetricParams => ({ slMs: (q) => T[q]!, shortAbandonMs: 5000, slVariant: 'answered', now: RANGE.to, ...over });
const queue = (id: string, over: Partial<QueueMetricParams> = {}) => queueMetrics(facts.visits.filter((v) => v.queueId === id), buckets, params(over));
const activity = (agentId: string) => ({
  spans: facts.spans.filter((s) => s.agentId === agentId),
  visits: facts.visits.filter((v) => v.agentId === agentId),
  misses: facts.misses.filter((m) => m.agentId === agentId),
});

describe('worked example (docs/stats.md)', () => {
  it('given the journal, then each interaction becomes the visits the doc lists', () => {
    const rows = facts.visits.map((v) => [v.interactionId, v.queueId, v.channel, v.outcome, v.outcomeAt === null ? null : (v.outcomeAt - v.waitStart) / 1000]);
    expect(rows).toEqual([
      ['c1', 'sales', 'voice', 'answered', 8],
      ['c2', 'sales', 'voice', 'answered', 45],
      ['c3', 'sales', 'voice', 'abandoned', 3],
      ['c4', 'sales', 'voice', 'abandoned', 60],
      ['c5', 'sales', 'voice', 'answered', 20],
      ['c6', 'sales', 'voice', 'answered', 5],
      ['c6.t1', 'billing', 'voice', 'answered', 25],
      ['c7', 'sales', 'voice', 'callback', 30],
      ['c7.cb1', 'sales', 'callback', 'answered', 35],
      ['c8', 'sales', 'voice', 'overflow', 60],
      ['c8', 'billing', 'voice', 'answered', 70],
    ]);
  });

  it('given sales, then the summary is the doc’s', () => {
    expect(queue('sales').summary).toEqual({
      offered: 8, waiting: 0, answered: 4, answeredInSl: 3, abandoned: 2, shortAbandons: 1,
      callbacksRequested: 1, callbacksConnected: 1, callbacksFailed: 0, options: 0, timeouts: 0, full: 0, noAgents: 0,
      overflowsOut: 1, overflowsIn: 0, transfersIn: 0, transfersOut: 1, rona: 1,
      serviceLevel: 0.75, abandonRate: 0.25, abandonRateExcludingShort: 0.1429,
      asaSec: 19.5, avgAbandonSec: 31.5, maxWaitSec: 60, handled: 4, ahtSec: 85, avgTalkSec: 75, avgWrapUpSec: 10,
      ewtError: { samples: 4, maeSec: 8, p90Sec: 15 },
    });
  });

  it.each<[SlVariant, number]>([
    ['answered', 0.75],
    ['offered', 0.375],
    ['abandonedAsGood', 0.6667],
    ['shortAbandonsExcluded', 0.6],
  ])('given sales and SL variant %s, then the service level is %s', (slVariant, sl) => {
    expect(queue('sales', { slVariant }).summary.serviceLevel).toBe(sl);
  });

  it('given sales per 60 minutes, then 09:00 holds C1-C6 and 10:00 holds C7 and C8', () => {
    const [first, second] = queue('sales').intervals;
    expect(first).toMatchObject({ offered: 6, answered: 4, answeredInSl: 3, abandoned: 2, shortAbandons: 1, serviceLevel: 0.75, abandonRate: 0.3333, asaSec: 19.5, maxWaitSec: 60, ahtSec: 85, rona: 1, transfersOut: 1, callbacksRequested: 0, overflowsOut: 0 });
    expect(second).toMatchObject({ offered: 2, answered: 0, abandoned: 0, callbacksRequested: 1, callbacksConnected: 1, overflowsOut: 1, serviceLevel: null, abandonRate: 0, asaSec: null, maxWaitSec: 60, ahtSec: null, ewtError: { samples: 0, maeSec: null, p90Sec: null } });
  });

  it('given billing, then the transfer and the overflow arrive there and count with T = 30 s', () => {
    expect(queue('billing').summary).toMatchObject({
      offered: 2, answered: 2, answeredInSl: 1, transfersIn: 1, overflowsIn: 1, serviceLevel: 0.5, asaSec: 47.5, maxWaitSec: 70,
      handled: 2, ahtSec: 90, avgTalkSec: 80, avgWrapUpSec: 10, abandonRate: 0, ewtError: { samples: 1, maeSec: 5, p90Sec: 5 },
    });
    expect(queue('billing').intervals.map((i) => i.offered)).toEqual([1, 1]);
  });

  it('given every queue, then the total counts each contact once, where it ended', () => {
    const { queues, total } = queueMetricsByQueue(facts.visits, buckets, params());
    expect(queues.get('sales')!.summary).toEqual(queue('sales').summary);
    expect(total.summary).toMatchObject({
      offered: 9, answered: 6, answeredInSl: 4, abandoned: 2, shortAbandons: 1, overflowsOut: 0, overflowsIn: 1, transfersIn: 1, transfersOut: 1,
      callbacksRequested: 1, serviceLevel: 0.6667, abandonRate: 0.2222, asaSec: 28.833, maxWaitSec: 70, handled: 6, ahtSec: 86.667,
      ewtError: { samples: 5, maeSec: 7.4, p90Sec: 15 },
    });
  });

  it('given alice, then her time splits into handling, available, training and lunch', () => {
    const { summary, intervals } = agentMetrics(activity('alice'), buckets, RANGE.to);
    expect(summary).toEqual({
      loggedInSec: 6900, availableSec: 5900, handlingSec: 420, talkSec: 370, wrapUpSec: 50, pausedSec: 580,
      pauseByReasonSec: { training: 420, lunch: 160 }, productivePauseSec: 420, handled: 5, rona: 0, occupancy: 0.1246,
    });
    expect(intervals.map((i) => [i.loggedInSec, i.handlingSec, i.availableSec, i.productivePauseSec, i.handled, i.occupancy])).toEqual([
      [3600, 340, 2960, 300, 4, 0.1778],
      [3300, 80, 2940, 120, 1, 0.0637],
    ]);
  });

  it('given bob and carol, then bob’s miss and pauses and carol’s two conversations are counted', () => {
    expect(agentMetrics(activity('bob'), buckets, RANGE.to).summary).toMatchObject({
      loggedInSec: 1000, availableSec: 25, handlingSec: 0, pausedSec: 975, pauseByReasonSec: { break: 590, 'no-answer': 385 }, rona: 1, handled: 0, occupancy: 0,
    });
    expect(agentMetrics(activity('carol'), buckets, RANGE.to).summary).toMatchObject({
      loggedInSec: 3400, availableSec: 3220, handlingSec: 180, talkSec: 160, wrapUpSec: 20, handled: 2, occupancy: 0.0529,
    });
  });

  it('given all agents, then the total occupancy is over the summed time', () => {
    const all = agentsMetrics(new Map(['alice', 'bob', 'carol'].map((a) => [a, activity(a)])), buckets, RANGE.to).total.summary;
    expect(all).toMatchObject({ loggedInSec: 11300, handlingSec: 600, talkSec: 530, wrapUpSec: 70, availableSec: 9145, pausedSec: 1555, productivePauseSec: 420, handled: 7, rona: 1, occupancy: 0.1003 });
  });
});
