import type { AcdFact, CallFact, CallJournal } from '../../../../src/core/calls/journal-facts.js';
import type { CallOutcome } from '../../../../src/core/calls/outcome.js';

export const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);

/** Builds a call's two journals in order; times are ms after T0. */
export function journal() {
  let seq = 0;
  const j: CallJournal = { events: [], acd: [] };
  const b = {
    call(ms: number, type: string, data: Record<string, unknown> = {}) {
      j.events.push({ seq: ++seq, at: T0 + ms, type, data } satisfies CallFact);
      return b;
    },
    acd(ms: number, type: string, interactionId: string | null, refs: { agent?: string; queue?: string } = {}, data: Record<string, unknown> = {}) {
      j.acd.push({ seq: ++seq, at: T0 + ms, type, interactionId, agentId: refs.agent ?? null, queueId: refs.queue ?? null, data } satisfies AcdFact);
      return b;
    },
    /** A caller answered by an agent of queue `queue`: enqueued, offered, ringing, answered. */
    answered(ms: number, iid: string, queue: string, agent: string, offerId: string, waitMs: number) {
      return b
        .acd(ms, 'acd.enqueued', iid, { queue }, { position: 1, ewtSec: 30 })
        .acd(ms + 100, 'acd.offered', iid, { queue, agent }, { offerId, agentId: agent })
        .acd(ms + 200, 'acd.offer.ringing', iid, { queue, agent }, { offerId })
        .acd(ms + waitMs, 'acd.offer.answered', iid, { queue, agent }, { offerId, waitMs });
    },
    build: () => j,
  };
  return b;
}

export interface OutcomeScenario {
  name: string;
  status: 'active' | 'ended';
  endReason: string | null;
  journal: CallJournal;
  outcome: CallOutcome | null;
}

const ended = (name: string, endReason: string, j: ReturnType<typeof journal>, outcome: CallOutcome): OutcomeScenario => ({ name, status: 'ended', endReason, journal: j.build(), outcome });

/** Every outcome rule, for the core and for the store's SQL, which must agree. */
export const outcomeScenarios: OutcomeScenario[] = [
  ended('a self-service call the caller hung up', 'caller_hangup', journal().call(0, 'call.started').call(10, 'node.entered', { nodeId: 'menu' }), 'ivr'),
  ended('a flow that hung up', 'flow_hangup', journal().call(0, 'call.started'), 'ivr'),
  ended('a flow error', 'error', journal().call(0, 'call.started').call(5, 'call.error'), 'failed'),
  ended('a dialplan fallback', 'fallback', journal().call(0, 'call.started'), 'failed'),
  ended('a caller answered by an agent', 'caller_hangup', journal().call(0, 'queue.entered').answered(10, 'q1', 'sales', 'alice', 'o-1', 20_000).acd(80_000, 'acd.ended', 'q1', { queue: 'sales', agent: 'alice' }, { by: 'caller', talkMs: 59_990 }), 'answered'),
  ended('a caller who hung up while queued', 'caller_hangup', journal()
    .acd(10, 'acd.enqueued', 'q1', { queue: 'sales' }, { position: 2 })
    .acd(100, 'acd.offered', 'q1', { queue: 'sales', agent: 'alice' }, { offerId: 'o-1' })
    .acd(5_000, 'acd.offer.cancelled', 'q1', { queue: 'sales', agent: 'alice' }, { offerId: 'o-1', reason: 'callerLeft' })
    .acd(5_000, 'acd.abandoned', 'q1', { queue: 'sales' }, { waitMs: 4_990 }), 'abandoned'),
  ended('a caller who asked to be called back, later reached', 'flow_hangup', journal()
    .acd(10, 'acd.enqueued', 'q1', { queue: 'sales' }, { position: 1 })
    .acd(9_000, 'acd.left', 'q1', { queue: 'sales' }, { reason: 'withdrawn', waitMs: 8_990 })
    .acd(9_000, 'acd.callback.requested', 'q1.cb1', { queue: 'sales' }, { number: '+33611111111', queueId: 'sales' })
    .answered(9_001, 'q1.cb1', 'sales', 'bob', 'o-2', 60_000)
    .acd(75_000, 'acd.callback.connected', 'q1.cb1', { agent: 'bob' }, { agentId: 'bob' })
    .acd(95_000, 'acd.ended', 'q1.cb1', { queue: 'sales', agent: 'bob' }, { by: 'agent', talkMs: 26_000 }), 'callback'),
  ended('a caller past the maximum wait', 'flow_hangup', journal().acd(10, 'acd.enqueued', 'q1', { queue: 'sales' }).acd(60_010, 'acd.timeout', 'q1', { queue: 'sales' }, { waitMs: 60_000 }), 'timeout'),
  ended('a full queue without overflow', 'flow_hangup', journal().acd(10, 'acd.full', 'q1', { queue: 'sales' }, { maxLength: 3 }), 'full'),
  ended('a full queue that overflowed to one that answered', 'caller_hangup', journal()
    .acd(10, 'acd.full', 'q1', { queue: 'sales' }, { maxLength: 3 })
    .acd(10, 'acd.overflow', 'q1', { queue: 'sales' }, { from: 'sales', to: 'general', reason: 'full' })
    .answered(10, 'q1', 'general', 'carol', 'o-3', 5_000)
    .acd(40_000, 'acd.ended', 'q1', { queue: 'general', agent: 'carol' }, { by: 'agent', talkMs: 34_990 }), 'answered'),
  ended('a queue nobody staffs', 'flow_hangup', journal().acd(10, 'acd.noAgents', 'q1', { queue: 'sales' }, {}), 'noAgents'),
  ended('a queue node with no ACD running', 'flow_hangup', journal().call(10, 'queue.entered').call(10, 'queue.unavailable'), 'noAgents'),
  ended('a caller who left the queue with a menu key', 'flow_hangup', journal().acd(10, 'acd.enqueued', 'q1', { queue: 'sales' }).acd(4_000, 'acd.left', 'q1', { queue: 'sales' }, { reason: 'option' }), 'ivr'),
  ended('an agent who blind-transferred to a number', 'caller_hangup', journal()
    .answered(10, 'q1', 'sales', 'alice', 'o-1', 2_000)
    .acd(30_000, 'acd.transferred', 'q1', { agent: 'alice' }, { mode: 'blind', fromAgent: 'alice', to: { number: '+15145550100' }, by: 'alice' })
    .acd(30_000, 'acd.ended', 'q1', { queue: 'sales', agent: 'alice' }, { by: 'agent', talkMs: 27_990 })
    .acd(36_000, 'acd.transfer.answered', 'q1', {}, { to: { number: '+15145550100' } }), 'transferred'),
  ended('a transfer to a number that failed, then another agent', 'caller_hangup', journal()
    .answered(10, 'q1', 'sales', 'alice', 'o-1', 2_000)
    .acd(30_000, 'acd.transferred', 'q1', { agent: 'alice' }, { mode: 'blind', fromAgent: 'alice', to: { number: '+15145550100' }, by: 'alice' })
    .acd(30_000, 'acd.ended', 'q1', { queue: 'sales', agent: 'alice' }, { by: 'agent', talkMs: 27_990 })
    .acd(60_000, 'acd.transfer.failed', 'q1', {}, { to: { number: '+15145550100' }, reason: 'no answer' })
    .answered(60_000, 'q1.t1', 'sales', 'bob', 'o-4', 3_000)
    .acd(90_000, 'acd.ended', 'q1.t1', { queue: 'sales', agent: 'bob' }, { by: 'caller', talkMs: 27_000 }), 'answered'),
  ended('a transfer to a number still ringing when the caller hung up', 'caller_hangup', journal()
    .answered(10, 'q1', 'sales', 'alice', 'o-1', 2_000)
    .acd(30_000, 'acd.transferred', 'q1', { agent: 'alice' }, { mode: 'blind', fromAgent: 'alice', to: { number: '+15145550100' }, by: 'alice' })
    .acd(30_000, 'acd.ended', 'q1', { queue: 'sales', agent: 'alice' }, { by: 'agent', talkMs: 27_990 }), 'answered'),
  ended('a transfer to a queue where the caller then hung up', 'caller_hangup', journal()
    .answered(10, 'q1', 'sales', 'alice', 'o-1', 2_000)
    .acd(30_000, 'acd.transferred', 'q1', { agent: 'alice' }, { mode: 'blind', fromAgent: 'alice', to: { queue: 'billing' }, by: 'alice' })
    .acd(30_000, 'acd.ended', 'q1', { queue: 'sales', agent: 'alice' }, { by: 'agent', talkMs: 27_990 })
    .acd(30_001, 'acd.enqueued', 'q1.t1', { queue: 'billing' }, { position: 1 })
    .acd(50_000, 'acd.abandoned', 'q1.t1', { queue: 'billing' }, { waitMs: 49_990 }), 'answered'),
  ended("a flow's transfer node answered", 'caller_hangup', journal().call(10, 'transfer.dialing', { nodeId: 'op' }).call(5_000, 'transfer.answered', { nodeId: 'op' }), 'transferred'),
  ended('a caller still queued when the server lost the call', 'lost', journal().acd(10, 'acd.enqueued', 'q1', { queue: 'sales' }), 'failed'),
  ended('a caller still queued when they hung up (no exit journaled)', 'caller_hangup', journal().acd(10, 'acd.enqueued', 'q1', { queue: 'sales' }), 'abandoned'),
  { name: 'an active call', status: 'active', endReason: null, journal: journal().answered(10, 'q1', 'sales', 'alice', 'o-1', 2_000).build(), outcome: null },
];
