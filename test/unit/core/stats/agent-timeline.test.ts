import { describe, expect, it } from 'vitest';
import { agentTimeline } from '../../../../src/core/stats/agent-timeline.js';
import { OPEN_TALK_CAP_MS } from '../../../../src/core/stats/agent-metrics.js';
import type { AgentSpan, Miss, Visit } from '../../../../src/core/stats/stats-types.js';

const T = Date.UTC(2026, 10, 23, 9, 0, 0);
const span = (start: number, end: number | null, status: AgentSpan['status'], reason: string | null = null, agentId = 'sam'): AgentSpan => ({ agentId, openedSeq: start, start, end, status, reason, productive: false });
const visit = (over: Partial<Visit>): Visit => ({
  interactionId: 'q1', visit: 0, queueId: 'support', channel: 'voice', callId: 'c1', enteredAt: T, waitStart: T, ewtSec: null, ewtAt: null, overflowIn: false, transferIn: false,
  outcome: 'answered', outcomeAt: T + 5_000, agentId: 'sam', answeredAt: T + 5_000, endedAt: T + 65_000, wrapStart: T + 65_000, wrapEnd: T + 75_000, wrapFinal: true, misses: 0, transferOut: false, callbackResult: null, ...over,
});
const miss = (at: number, agentId = 'sam'): Miss => ({ seq: at, at, agentId, queueId: 'support', interactionId: 'q9' });

describe("an agent's timeline", () => {
  it('given spans, a conversation and a miss, when asked for the morning, then they come in start order with their details; other agents and other times are left out', () => {
    const entries = agentTimeline('sam', {
      spans: [span(T - 3_600_000, T, 'paused', 'lunch'), span(T, null, 'available'), span(T, null, 'available', null, 'ann'), span(T - 9_000_000, T - 8_000_000, 'available')],
      visits: [visit({}), visit({ interactionId: 'q2', agentId: 'ann' })],
      misses: [miss(T + 100_000), miss(T + 100_000, 'ann')],
    }, T - 3_600_000, T + 3_600_000, T + 200_000);
    expect(entries).toEqual([
      { kind: 'status', start: T - 3_600_000, end: T, status: 'paused', reason: 'lunch', productive: false },
      { kind: 'status', start: T, end: null, status: 'available', reason: null, productive: false },
      { kind: 'conversation', start: T + 5_000, end: T + 65_000, wrapUpEnd: T + 75_000, interactionId: 'q1', callId: 'c1', queueId: 'support', channel: 'voice', transferredOut: false },
      { kind: 'missed', start: T + 100_000, queueId: 'support', interactionId: 'q9' },
    ]);
  });

  it('given a conversation the journal never saw end, when asked long after, then it is capped like the agent stats cap it; while recent it is still open', () => {
    const open = visit({ endedAt: null, wrapStart: null, wrapEnd: null, wrapFinal: false });
    const later = agentTimeline('sam', { spans: [], visits: [open], misses: [] }, T, T + 86_400_000, T + 86_400_000);
    expect(later[0]).toMatchObject({ kind: 'conversation', end: T + 5_000 + OPEN_TALK_CAP_MS });
    const now = agentTimeline('sam', { spans: [], visits: [open], misses: [] }, T, T + 3_600_000, T + 60_000);
    expect(now[0]).toMatchObject({ kind: 'conversation', end: null });
  });
});
