// What the call log is derived from. Two append-only journals describe a call: its own
// (call_events: flow, IVR, hang-up, recordings) and the ACD's (acd_events: queue visits, offers,
// conversations, transfers), whose rows carry the interaction, agent and queue as columns. The ACD
// also copies its rows into the call's journal; derivations read them from the ACD side only, so
// nothing counts twice.

import type { JournalRow } from '../stats/stats-types.js';

/** One row of the call's own journal. */
export interface CallFact {
  seq: number;
  at: number;
  type: string;
  data: Record<string, unknown>;
}

/** One row of the ACD journal about the call (the call is known, so no callId). */
export type AcdFact = Omit<JournalRow, 'callId'>;

/** The call row fields the derivations need. */
export interface CallHead {
  startedAt: number;
  status: 'active' | 'ended';
  endedAt: number | null;
  endReason: string | null;
}

export interface CallJournal {
  events: CallFact[];
  acd: AcdFact[];
}

// A callback keeps the caller's request id and adds `.cb<attempt>`: an interaction with the
// customer the ACD dials later, not the caller waiting on this line.
export const isCallbackInteraction = (id: string | null): boolean => id !== null && /\.cb\d/.test(id);

export const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
export const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
