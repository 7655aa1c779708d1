import type { AcdFact, CallFact, CallJournal } from './journal-facts.js';
import { str } from './journal-facts.js';

export type TimelineKind = 'call' | 'ivr' | 'queue' | 'offer' | 'agent' | 'transfer' | 'callback' | 'recording';

export interface TimelineEntry {
  at: number;
  /** From the call's start. */
  offsetMs: number;
  kind: TimelineKind;
  event: string;
  queueId: string | null;
  agentId: string | null;
  nodeId: string | null;
  data: Record<string, unknown>;
}

// Only these call-journal events make the timeline. The rest (playbacks, variables, HTTP results,
// collected digits) is detail for GET /calls/:id, and some of it is what a caller typed.
const CALL_KINDS: Record<string, TimelineKind> = {
  'call.started': 'call',
  'call.answered': 'call',
  'call.hangup': 'call',
  'call.fallback': 'call',
  'call.error': 'call',
  'call.lost': 'call',
  'call.readopted': 'call',
  'hangup.requested': 'call',
  'call.ended': 'call',
  'flow.started': 'ivr',
  'node.entered': 'ivr',
  'node.exited': 'ivr',
  'subflow.called': 'ivr',
  'subflow.returned': 'ivr',
  'tags.added': 'ivr',
  'mask.started': 'ivr',
  'mask.ended': 'ivr',
  'queue.entered': 'queue',
  'queue.callback': 'queue',
  'queue.unavailable': 'queue',
  'transfer.dialing': 'transfer',
  'transfer.answered': 'transfer',
  'transfer.ended': 'transfer',
  'transfer.failed': 'transfer',
};

function acdKind(type: string): TimelineKind | null {
  if (type.startsWith('acd.offer')) return 'offer';
  if (type.startsWith('acd.transfer')) return 'transfer';
  if (type.startsWith('acd.callback.')) return 'callback';
  if (type === 'acd.ended' || type === 'acd.adopted' || type.startsWith('acd.wrapup.')) return 'agent';
  if (type.startsWith('acd.agent.')) return null;
  return type.startsWith('acd.') ? 'queue' : null;
}

function callKind(e: CallFact): TimelineKind | null {
  if (e.type.startsWith('recording.')) return 'recording';
  return CALL_KINDS[e.type] ?? null;
}

/** The call's story in time order: IVR path, queue waits, offers, agent legs, transfers, recordings. */
export function buildTimeline(startedAt: number, journal: CallJournal): TimelineEntry[] {
  const entries: (TimelineEntry & { order: number })[] = [];
  const push = (at: number, order: number, kind: TimelineKind, event: string, refs: { queueId?: string | null; agentId?: string | null }, data: Record<string, unknown>) =>
    entries.push({ at, offsetMs: at - startedAt, kind, event, queueId: refs.queueId ?? null, agentId: refs.agentId ?? null, nodeId: str(data.nodeId), data, order });

  // The call side first at equal times: a queue node is entered before the ACD enqueues the caller.
  journal.events.forEach((e, i) => {
    if (e.type.startsWith('acd.')) return;
    const kind = callKind(e);
    // The end of the call closes its millisecond: the ACD rows the hang-up caused come before it.
    if (kind) push(e.at, e.type === 'call.ended' ? Number.MAX_SAFE_INTEGER : i, kind, e.type, { queueId: str(e.data.queue) }, e.data);
  });
  const base = journal.events.length;
  journal.acd.forEach((r: AcdFact, i) => {
    const kind = acdKind(r.type);
    if (kind) push(r.at, base + i, kind, r.type, { queueId: r.queueId, agentId: r.agentId }, { ...r.data, ...(r.interactionId ? { interactionId: r.interactionId } : {}) });
  });
  return entries.sort((a, b) => a.at - b.at || a.order - b.order).map(({ order: _order, ...e }) => e);
}
