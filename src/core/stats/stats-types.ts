// Facts derived from the ACD journal (acd_events), the only source of historical numbers. A fact
// is a pure function of the journal rows before it, so replaying the journal gives the same facts
// as building them row by row, and a restart changes nothing.

/** A journal row as the stats fold sees it (same shape as the store's AcdEventRow). */
export interface JournalRow {
  seq: number;
  at: number;
  type: string;
  interactionId: string | null;
  agentId: string | null;
  queueId: string | null;
  callId: string | null;
  data: Record<string, unknown>;
}

/** How a caller's stay in one queue ended. null: still waiting (or the journal never said). */
export type VisitOutcome = 'answered' | 'abandoned' | 'callback' | 'option' | 'timeout' | 'full' | 'noAgents' | 'overflow';

/** What became of one callback attempt once an agent took it. */
export type CallbackResult = 'connected' | 'noAnswer' | 'failed' | 'expired';

/**
 * One interaction's stay in one queue. An overflow makes a second visit of the same interaction;
 * a blind transfer to a queue makes a new interaction (`<id>.t<N>`), a callback attempt too
 * (`<id>.cb<N>`).
 */
export interface Visit {
  interactionId: string;
  /** 0 for the first queue of the interaction, then 1, 2... after overflows. */
  visit: number;
  queueId: string;
  /** 'callback' for a callback attempt; queue metrics count those apart. */
  channel: 'voice' | 'callback';
  callId: string | null;
  /** Entered this queue: the interval a visit counts in. */
  enteredAt: number;
  /** The caller's wait is measured from here: the interaction's first row (kept across overflows). */
  waitStart: number;
  /** EWT announced at acd.enqueued and when (null: no estimate, or no acd.enqueued in this queue). */
  ewtSec: number | null;
  ewtAt: number | null;
  overflowIn: boolean;
  transferIn: boolean;
  outcome: VisitOutcome | null;
  /** When the wait ended (answer, abandon, overflow...). */
  outcomeAt: number | null;
  agentId: string | null;
  answeredAt: number | null;
  endedAt: number | null;
  wrapStart: number | null;
  /** Final once acd.wrapup.ended is seen; until then the announced end (acd.wrapup.started `until`). */
  wrapEnd: number | null;
  wrapFinal: boolean;
  /** Offers of this visit the agents missed (RONA). */
  misses: number;
  transferOut: boolean;
  callbackResult: CallbackResult | null;
}

/** An agent's status from one status change to the next (end null: still so). */
export interface AgentSpan {
  agentId: string;
  /** Journal seq of the row that opened it: a stable key even for two changes in one millisecond. */
  openedSeq: number;
  start: number;
  end: number | null;
  status: 'available' | 'paused';
  reason: string | null;
  productive: boolean;
}

/** A missed offer (RONA) by an agent. */
export interface Miss {
  seq: number;
  at: number;
  agentId: string;
  queueId: string | null;
  interactionId: string | null;
}

export type Interval = '15m' | '30m' | '60m' | 'day';
export const INTERVALS: readonly Interval[] = ['15m', '30m', '60m', 'day'];

/** Which service-level formula (docs/stats.md, "Service level"). */
export type SlVariant = 'answered' | 'offered' | 'abandonedAsGood' | 'shortAbandonsExcluded';
export const SL_VARIANTS: readonly SlVariant[] = ['answered', 'offered', 'abandonedAsGood', 'shortAbandonsExcluded'];

export interface Bucket {
  start: number;
  end: number;
}
