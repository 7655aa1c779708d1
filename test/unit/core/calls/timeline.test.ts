import { describe, expect, it } from 'vitest';
import { buildTimeline } from '../../../../src/core/calls/timeline.js';
import { journal, T0 } from './journal-fixtures.js';

describe('call timeline', () => {
  it('given both journals, then IVR, queue, offers, agent, transfer and recording entries come in time order with offsets', () => {
    const j = journal()
      .call(0, 'call.started', { callerNumber: '+33611111111' })
      .call(5, 'playback.started', { playbackId: 'p1' })
      .call(10, 'node.entered', { flowId: 'main', nodeId: 'menu', kind: 'menu' })
      .call(900, 'collect.ok', { digits: '4242' })
      .call(1_000, 'node.exited', { flowId: 'main', nodeId: 'menu', outcome: '1' })
      .call(1_000, 'queue.entered', { queue: 'sales', requestId: 'q1' })
      .call(1_000, 'acd.enqueued', { queueId: 'sales' })
      .acd(1_000, 'acd.enqueued', 'q1', { queue: 'sales' }, { position: 1 })
      .acd(1_100, 'acd.offered', 'q1', { queue: 'sales', agent: 'alice' }, { offerId: 'o-1' })
      .acd(4_000, 'acd.offer.answered', 'q1', { queue: 'sales', agent: 'alice' }, { offerId: 'o-1', waitMs: 3_000 })
      .call(4_100, 'recording.segment.started', { recordingId: 'r1', segment: 1, by: 'policy' })
      .acd(20_000, 'acd.transferred', 'q1', { agent: 'alice' }, { mode: 'blind', to: { queue: 'billing' } })
      .call(30_000, 'call.ended', { endReason: 'caller_hangup' })
      .acd(30_000, 'acd.abandoned', 'q1.t1', { queue: 'billing' }, { waitMs: 10_000 })
      .build();
    const timeline = buildTimeline(T0, j);
    expect(timeline.map((e) => [e.offsetMs, e.kind, e.event])).toEqual([
      [0, 'call', 'call.started'],
      [10, 'ivr', 'node.entered'],
      [1_000, 'ivr', 'node.exited'],
      [1_000, 'queue', 'queue.entered'],
      [1_000, 'queue', 'acd.enqueued'],
      [1_100, 'offer', 'acd.offered'],
      [4_000, 'offer', 'acd.offer.answered'],
      [4_100, 'recording', 'recording.segment.started'],
      [20_000, 'transfer', 'acd.transferred'],
      [30_000, 'queue', 'acd.abandoned'],
      [30_000, 'call', 'call.ended'],
    ]);
    expect(timeline[1]).toMatchObject({ at: T0 + 10, nodeId: 'menu', queueId: null, agentId: null });
    expect(timeline[5]).toMatchObject({ queueId: 'sales', agentId: 'alice', data: { offerId: 'o-1', interactionId: 'q1' } });
  });

  it('given digits the caller typed and variables the flow set, then they stay out of the timeline', () => {
    const j = journal().call(0, 'collect.ok', { digits: '1234' }).call(1, 'vars.set', { pin: '1234' }).call(2, 'dtmf', { digit: '1' }).build();
    expect(buildTimeline(T0, j)).toEqual([]);
  });
});
