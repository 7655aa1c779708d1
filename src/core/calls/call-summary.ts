import type { CallHead, CallJournal } from './journal-facts.js';
import { decideOutcome, type CallOutcome } from './outcome.js';
import { deriveSegments, type Segment } from './segments.js';

/** One line of the call log: what a list, a CSV row or a call page says about the call as a whole. */
export interface CallSummary {
  outcome: CallOutcome | null;
  /** Queues visited, in order of first visit. */
  queues: string[];
  /** Agents who talked to the caller (or the customer of a callback), in order. */
  agents: string[];
  /** Time the caller spent waiting on the line in queues (callback requests excluded). */
  waitMs: number;
  /** Time agents spent talking to the caller, summed over segments. */
  agentTalkMs: number;
  segments: Segment[];
}

const unique = (values: (string | null)[]) => [...new Set(values.filter((v): v is string => v !== null))];

/** `now` sizes what is still running on an active call; an ended call is sized by its end. */
export function summarizeCall(call: CallHead, journal: CallJournal, now: number): CallSummary {
  const segments = deriveSegments(journal.acd, call.endedAt ?? now);
  return {
    outcome: decideOutcome(call, journal.events, journal.acd),
    queues: unique(segments.map((s) => s.queueId)),
    agents: unique(segments.filter((s) => s.answeredAt !== null).map((s) => s.agentId)),
    waitMs: segments.filter((s) => s.kind === 'queue').reduce((sum, s) => sum + s.waitMs, 0),
    agentTalkMs: segments.reduce((sum, s) => sum + s.talkMs, 0),
    segments,
  };
}
