import type { Conversation } from './conversation-machine.js';

/** A row of the calls table as the timeline shows it, with its recordings counted. */
export interface TimelineCall {
  id: string;
  direction: string;
  callerNumber: string;
  dialed: string;
  status: string;
  startedAt: number;
  answeredAt: number | null;
  endedAt: number | null;
  durationMs: number | null;
  endReason: string | null;
  /** Recordings not deleted. */
  recordings: number;
}

export type TimelineEntry =
  | { kind: 'conversation'; at: number; conversation: Conversation; call: TimelineCall | null }
  | { kind: 'call'; at: number; call: TimelineCall };

// Calls reach a contact two ways: a voice conversation that names its call, and the calls table
// matched by the contact's phone numbers (every call before conversations existed, and calls not
// routed through one). A call named by a conversation shows inside it, never twice. Newest first;
// ties broken by id so pages are stable.
export function buildTimeline(conversations: readonly Conversation[], calls: readonly TimelineCall[], limit: number): TimelineEntry[] {
  const byId = new Map(calls.map((c) => [c.id, c]));
  const named = new Set(conversations.map((c) => c.callId).filter((id): id is string => id !== null));
  const entries: TimelineEntry[] = [
    ...conversations.map((c): TimelineEntry => ({ kind: 'conversation', at: c.createdAt, conversation: c, call: c.callId === null ? null : byId.get(c.callId) ?? null })),
    ...calls.filter((c) => !named.has(c.id)).map((c): TimelineEntry => ({ kind: 'call', at: c.startedAt, call: c })),
  ];
  const idOf = (e: TimelineEntry) => (e.kind === 'call' ? e.call.id : e.conversation.id);
  entries.sort((a, b) => b.at - a.at || (idOf(a) < idOf(b) ? 1 : idOf(a) > idOf(b) ? -1 : 0));
  return entries.slice(0, limit);
}
