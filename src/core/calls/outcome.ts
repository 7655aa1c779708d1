import { isCallbackInteraction, str, type AcdFact, type CallFact, type CallHead } from './journal-facts.js';

export const CALL_OUTCOMES = ['answered', 'abandoned', 'callback', 'timeout', 'noAgents', 'full', 'transferred', 'ivr', 'failed'] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/** Call journal types the outcome reads; the rest of the call's journal does not change it. */
export const OUTCOME_CALL_EVENTS = ['transfer.answered', 'queue.unavailable'] as const;

/**
 * ACD rows that end (or, for enqueued/overflow, leave open) the caller's stay in a queue. The last
 * one says how the caller left the queues when no agent talked to them.
 */
export const QUEUE_EXIT_EVENTS = ['acd.abandoned', 'acd.left', 'acd.timeout', 'acd.full', 'acd.noAgents', 'acd.enqueued', 'acd.overflow'] as const;

const FAILED_END_REASONS = new Set(['error', 'fallback', 'lost']);

/**
 * How an ended call turned out, first rule that holds (null while the call is active):
 * 1. transferred: handed to an outside number that answered (a flow's transfer node, or an agent's
 *    blind transfer to a number that answered: acd.transfer.answered), even after an agent talked;
 * 2. answered: an agent talked to the caller (a callback conversation does not count: see 3);
 * 3. otherwise the last way the caller left a queue: abandoned, callback (withdrawn to be called
 *    back), timeout, full, noAgents, or ivr (left with a menu key); still waiting when the call
 *    ended means abandoned if the caller hung up, else failed;
 * 4. never queued: noAgents when no ACD ran, failed on error/fallback/lost, else ivr.
 *
 * sqlite-call-store.ts filters on the same rules in SQL; its tests hold the two together.
 */
export function decideOutcome(call: Pick<CallHead, 'status' | 'endReason'>, events: readonly CallFact[], acd: readonly AcdFact[]): CallOutcome | null {
  if (call.status !== 'ended') return null;
  if (events.some((e) => e.type === 'transfer.answered')) return 'transferred';
  if (transferredOut(acd)) return 'transferred';
  const voice = acd.filter((r) => !isCallbackInteraction(r.interactionId));
  if (voice.some((r) => r.type === 'acd.offer.answered' || r.type === 'acd.adopted')) return 'answered';
  const exits: readonly string[] = QUEUE_EXIT_EVENTS;
  const last = voice.filter((r) => exits.includes(r.type)).reduce<AcdFact | null>((a, r) => (a === null || r.seq > a.seq ? r : a), null);
  if (last) return exitOutcome(last, call.endReason);
  if (events.some((e) => e.type === 'queue.unavailable')) return 'noAgents';
  return call.endReason !== null && FAILED_END_REASONS.has(call.endReason) ? 'failed' : 'ivr';
}

// The number answered (acd.transfer.answered): ringing out or failing is not a transfer.
function transferredOut(acd: readonly AcdFact[]): boolean {
  return acd.some((t) => t.type === 'acd.transfer.answered');
}

function exitOutcome(last: AcdFact, endReason: string | null): CallOutcome {
  switch (last.type) {
    case 'acd.abandoned':
      return 'abandoned';
    case 'acd.left':
      return str(last.data.reason) === 'withdrawn' ? 'callback' : 'ivr';
    case 'acd.timeout':
      return 'timeout';
    case 'acd.full':
      return 'full';
    case 'acd.noAgents':
      return 'noAgents';
    default:
      // No exit journaled: the process stopped, or a journal write was lost, while they waited.
      return endReason === 'caller_hangup' ? 'abandoned' : 'failed';
  }
}
