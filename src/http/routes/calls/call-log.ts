import { summarizeCall, type CallSummary } from '../../../core/calls/call-summary.js';
import type { CallLogJournal, CallRecord, CallStore } from '../../../ports/call-store.js';

export type CallLine = CallRecord & Omit<CallSummary, 'segments'> & { recordings: number };

const EMPTY: CallLogJournal = { events: [], acd: [], recordings: 0 };

/** Call rows with what the journals say about each (outcome, queues, agents, times), for a list or an export page. */
export function callLines(store: Pick<CallStore, 'journals'>, calls: CallRecord[], now: number): CallLine[] {
  const journals = store.journals(calls.map((c) => c.id), 'summary');
  return calls.map((call) => {
    const journal = journals.get(call.id) ?? EMPTY;
    const { segments: _segments, ...summary } = summarizeCall(call, journal, now);
    return { ...call, ...summary, recordings: journal.recordings };
  });
}
