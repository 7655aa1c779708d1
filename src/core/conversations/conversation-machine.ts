// A conversation: one thread of contact with a customer on one channel at a time (a chat that
// turns into a callback keeps its conversation and changes channel). Every call, chat, email
// thread and callback is one. Transitions are pure: they return the new state and the journal
// event the shell appends to conversation_events, so history and state never disagree.

export type ConversationChannel = 'voice' | 'chat' | 'email' | 'callback';
export type ConversationStatus = 'open' | 'waiting' | 'assigned' | 'closed';

export interface Conversation {
  id: string;
  /** null only for a call whose number was withheld: there is nobody to link it to. */
  contactId: string | null;
  channel: ConversationChannel;
  status: ConversationStatus;
  subject: string;
  queueId: string | null;
  agentId: string | null;
  /** The call that started (or carries) a voice or callback conversation. */
  callId: string | null;
  /** Other channels' references (Message-ID of the first mail, widget id, ...), by name. */
  refs: Record<string, string>;
  createdAt: number;
  updatedAt: number;
  closedAt: number | null;
  /** The last conversation_events seq appended (0 before any). */
  lastSeq: number;
}

export type ConversationEvent =
  | { type: 'queued'; at: number; queueId: string }
  | { type: 'assigned'; at: number; agentId: string }
  | { type: 'closed'; at: number; reason?: string }
  /** windowMs: how long after closing a reopen is allowed (email follow-ups); absent means always. */
  | { type: 'reopened'; at: number; windowMs?: number }
  | { type: 'channel-changed'; at: number; channel: ConversationChannel };

/** What to append to the conversation's journal for a transition. */
export interface JournalEntry {
  type: `status.${ConversationEvent['type']}`;
  at: number;
  data: Record<string, unknown>;
}

export type TransitionRefusal = 'invalid_transition' | 'reopen_window_passed';

export type TransitionResult =
  | { ok: true; conversation: Conversation; journal: JournalEntry }
  | { ok: false; code: TransitionRefusal; message: string };

// Which states each event may leave. 'assigned' from 'assigned' is a transfer to another agent;
// 'queued' from 'assigned' is a transfer back to a queue.
const FROM: Record<ConversationEvent['type'], readonly ConversationStatus[]> = {
  queued: ['open', 'assigned'],
  assigned: ['open', 'waiting', 'assigned'],
  closed: ['open', 'waiting', 'assigned'],
  reopened: ['closed'],
  'channel-changed': ['open', 'waiting', 'assigned'],
};

export function transition(c: Conversation, e: ConversationEvent): TransitionResult {
  if (!FROM[e.type].includes(c.status)) {
    return { ok: false, code: 'invalid_transition', message: `conversation '${c.id}' is ${c.status}; '${e.type}' is not allowed` };
  }
  const base = { ...c, updatedAt: Math.max(c.updatedAt, e.at) };
  const journal = (data: Record<string, unknown>): JournalEntry => ({ type: `status.${e.type}`, at: e.at, data: { from: c.status, ...data } });
  switch (e.type) {
    case 'queued':
      return { ok: true, conversation: { ...base, status: 'waiting', queueId: e.queueId, agentId: null }, journal: journal({ queueId: e.queueId }) };
    case 'assigned':
      return { ok: true, conversation: { ...base, status: 'assigned', agentId: e.agentId }, journal: journal({ agentId: e.agentId, previousAgentId: c.agentId }) };
    case 'closed':
      return { ok: true, conversation: { ...base, status: 'closed', closedAt: e.at }, journal: journal({ reason: e.reason ?? null }) };
    case 'reopened':
      if (e.windowMs !== undefined && c.closedAt !== null && e.at - c.closedAt > e.windowMs) {
        return { ok: false, code: 'reopen_window_passed', message: `conversation '${c.id}' closed more than ${e.windowMs} ms ago; start a new one` };
      }
      // Reopened work goes back through routing (open), keeping the agent as the sticky owner hint.
      return { ok: true, conversation: { ...base, status: 'open', closedAt: null }, journal: journal({ closedAt: c.closedAt }) };
    case 'channel-changed':
      return { ok: true, conversation: { ...base, channel: e.channel }, journal: journal({ channel: e.channel, previous: c.channel }) };
  }
}

export interface NewConversationInput {
  id: string;
  contactId: string | null;
  channel: ConversationChannel;
  subject?: string;
  callId?: string | null;
  refs?: Record<string, string>;
  at: number;
}

export const newConversation = (i: NewConversationInput): Conversation => ({
  id: i.id,
  contactId: i.contactId,
  channel: i.channel,
  status: 'open',
  subject: i.subject ?? '',
  queueId: null,
  agentId: null,
  callId: i.callId ?? null,
  refs: i.refs ?? {},
  createdAt: i.at,
  updatedAt: i.at,
  closedAt: null,
  lastSeq: 0,
});
