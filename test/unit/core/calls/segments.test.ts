import { describe, expect, it } from 'vitest';
import { summarizeCall } from '../../../../src/core/calls/call-summary.js';
import { deriveSegments } from '../../../../src/core/calls/segments.js';
import { journal, outcomeScenarios, T0 } from './journal-fixtures.js';

const scenario = (name: string) => outcomeScenarios.find((s) => s.name === name)!.journal;
const ended = { startedAt: T0, status: 'ended' as const, endReason: 'caller_hangup' };

describe('call segments', () => {
  it('given a blind transfer to a queue, then each agent keeps their own talk and the second visit its own wait', () => {
    const segments = deriveSegments(scenario('a transfer to a queue where the caller then hung up').acd, T0 + 60_000);
    expect(segments).toMatchObject([
      { index: 1, kind: 'queue', queueId: 'sales', agentId: 'alice', result: 'transferred', endedBy: 'agent', waitMs: 2_000, talkMs: 27_990, transferredTo: { queue: 'billing' } },
      { index: 2, kind: 'queue', queueId: 'billing', agentId: null, result: 'abandoned', waitMs: 19_999, talkMs: 0, transferredTo: null },
    ]);
  });

  it('given a transfer to a number that failed, then the first segment says why and the next agent has the second', () => {
    const segments = deriveSegments(scenario('a transfer to a number that failed, then another agent').acd, T0 + 100_000);
    expect(segments).toMatchObject([
      { agentId: 'alice', result: 'transferred', transferredTo: { number: '+15145550100' }, transferFailed: 'no answer' },
      { interactionId: 'q1.t1', agentId: 'bob', result: 'completed', endedBy: 'caller', waitMs: 3_000, talkMs: 27_000 },
    ]);
  });

  it('given a callback, then the wait on the line ends at the request and the callback talk starts when the customer answers', () => {
    const segments = deriveSegments(scenario('a caller who asked to be called back, later reached').acd, T0 + 100_000);
    expect(segments).toMatchObject([
      { kind: 'queue', queueId: 'sales', result: 'callback', waitMs: 8_990, agentId: null },
      { kind: 'callback', interactionId: 'q1.cb1', agentId: 'bob', answeredAt: T0 + 75_000, result: 'completed', talkMs: 26_000, waitMs: 60_000 },
    ]);
  });

  it('given a full queue that overflowed, then the full queue is a segment of its own ending in overflow', () => {
    const segments = deriveSegments(scenario('a full queue that overflowed to one that answered').acd, T0 + 100_000);
    expect(segments).toMatchObject([
      { queueId: 'sales', result: 'overflow', waitMs: 0 },
      { queueId: 'general', agentId: 'carol', result: 'completed', waitMs: 5_000 },
    ]);
  });

  it('given a missed offer then another agent, then both offers are listed with how they ended', () => {
    const acd = journal()
      .acd(0, 'acd.enqueued', 'q1', { queue: 'sales' })
      .acd(10, 'acd.offered', 'q1', { queue: 'sales', agent: 'alice' }, { offerId: 'o-1' })
      .acd(50, 'acd.offer.ringing', 'q1', { queue: 'sales', agent: 'alice' }, { offerId: 'o-1' })
      .acd(15_010, 'acd.offer.missed', 'q1', { queue: 'sales', agent: 'alice' }, { offerId: 'o-1', reason: 'noAnswer', misses: 1 })
      .acd(15_020, 'acd.offered', 'q1', { queue: 'sales', agent: 'bob' }, { offerId: 'o-2' })
      .acd(18_000, 'acd.offer.answered', 'q1', { queue: 'sales', agent: 'bob' }, { offerId: 'o-2', waitMs: 18_000 })
      .acd(48_000, 'acd.ended', 'q1', { queue: 'sales', agent: 'bob' }, { by: 'agent', talkMs: 30_000 })
      .acd(48_000, 'acd.wrapup.started', 'q1', { queue: 'sales', agent: 'bob' }, { until: T0 + 58_000 })
      .acd(58_000, 'acd.wrapup.ended', 'q1', { queue: 'sales', agent: 'bob' }, { early: false, handleMs: 40_000 })
      .build().acd;
    const [segment] = deriveSegments(acd, T0 + 60_000);
    expect(segment).toMatchObject({ agentId: 'bob', result: 'completed', waitMs: 18_000, talkMs: 30_000, wrapUpMs: 10_000 });
    expect(segment?.offers).toEqual([
      { offerId: 'o-1', agentId: 'alice', offeredAt: T0 + 10, ringingAt: T0 + 50, endedAt: T0 + 15_010, result: 'missed', reason: 'noAnswer' },
      { offerId: 'o-2', agentId: 'bob', offeredAt: T0 + 15_020, ringingAt: null, endedAt: T0 + 18_000, result: 'answered', reason: null },
    ]);
  });

  it('given a call still talking, then wait and talk are sized at now', () => {
    const acd = scenario('an active call').acd;
    expect(deriveSegments(acd, T0 + 10_010)).toMatchObject([{ result: 'talking', waitMs: 2_000, talkMs: 8_000 }]);
  });
});

describe('call summary', () => {
  it('given a transfer, then queues and agents come in order with the wait on the line and the talk of both agents', () => {
    const j = scenario('a transfer to a number that failed, then another agent');
    expect(summarizeCall({ ...ended, endedAt: T0 + 90_000 }, j, T0 + 999_999)).toMatchObject({
      outcome: 'answered', queues: ['sales'], agents: ['alice', 'bob'], waitMs: 5_000, agentTalkMs: 54_990,
    });
  });

  it('given a callback, then the callback agent counts as having talked but its wait is not time on the line', () => {
    const j = scenario('a caller who asked to be called back, later reached');
    expect(summarizeCall({ ...ended, endedAt: T0 + 10_000 }, j, T0)).toMatchObject({ outcome: 'callback', agents: ['bob'], waitMs: 8_990, agentTalkMs: 26_000 });
  });

  it('given an ended call with no ACD rows, then it has no segments and nothing waited', () => {
    expect(summarizeCall({ ...ended, endedAt: T0 + 5_000 }, { events: [], acd: [] }, T0)).toEqual({
      outcome: 'ivr', queues: [], agents: [], waitMs: 0, agentTalkMs: 0, segments: [],
    });
  });
});
