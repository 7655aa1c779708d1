import type { ChatEventKind, ChatParticipant, NewChatEvent, StoredChatEvent } from '../../core/chat/chat-events.js';
import type { ReadMark } from '../../core/chat/chat-history.js';
import type { ChatStore } from '../../ports/chat-store.js';
import type { Db } from './database.js';

// Chat events are rows of conversation_events (migration 7, reshaped by 8): the same journal and
// the same seq counter (conversations.last_seq) as every other event of the conversation, so a
// reconnect replays status changes and transfers in between messages too.
//
// Mapping: author null is stored as author_kind 'system' with author_id NULL (a system participant
// always has an id, so the two stay apart). body goes to the body column; data is JSON, and a
// null data is stored as the JSON text 'null' so it comes back as null, not {}.
//
// The conversation row must exist (conversations are created by the conversation machine): append
// and markRead on an unknown conversation throw; reads of one answer empty / 0.

interface EventRow {
  conversation_id: string; seq: number; at: number; type: string; author_kind: ChatParticipant['role']; author_id: string | null;
  client_msg_id: string | null; data: string; body: string | null;
}
interface MarkRow { participant_role: ChatParticipant['role']; participant_id: string; up_to_seq: number }

const toEvent = (r: EventRow): StoredChatEvent => ({
  conversationId: r.conversation_id,
  seq: r.seq,
  type: r.type as ChatEventKind,
  author: r.author_id === null ? null : { id: r.author_id, role: r.author_kind },
  clientMsgId: r.client_msg_id,
  body: r.body,
  data: JSON.parse(r.data) as Record<string, unknown> | null,
  at: r.at,
});

export class UnknownConversationError extends Error {
  constructor(readonly conversationId: string) {
    super(`conversation '${conversationId}' not found`);
    this.name = 'UnknownConversationError';
  }
}

export function createSqliteChatStore(db: Db): ChatStore {
  const reserveSeq = db.prepare('UPDATE conversations SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq');
  const lastSeq = db.prepare('SELECT last_seq FROM conversations WHERE id = ?');
  const conversationExists = db.prepare('SELECT 1 FROM conversations WHERE id = ?');
  const insertEvent = db.prepare(`INSERT INTO conversation_events (conversation_id, seq, at, type, author_kind, author_id, client_msg_id, data, body)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const byClientMsgId = db.prepare(
    'SELECT * FROM conversation_events WHERE conversation_id = ? AND author_kind = ? AND author_id = ? AND client_msg_id = ?',
  );
  const bySeq = db.prepare('SELECT * FROM conversation_events WHERE conversation_id = ? AND seq = ?');
  // LIMIT -1 is SQLite's "no limit".
  const after = db.prepare('SELECT * FROM conversation_events WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?');
  const marks = db.prepare('SELECT participant_role, participant_id, up_to_seq FROM conversation_read_marks WHERE conversation_id = ? ORDER BY participant_role, participant_id');
  const upsertMark = db.prepare(`INSERT INTO conversation_read_marks (conversation_id, participant_role, participant_id, up_to_seq) VALUES (?, ?, ?, ?)
    ON CONFLICT (conversation_id, participant_role, participant_id) DO UPDATE SET up_to_seq = MAX(up_to_seq, excluded.up_to_seq)
    RETURNING up_to_seq`);

  const find = (conversationId: string, author: ChatParticipant, clientMsgId: string) =>
    byClientMsgId.get(conversationId, author.role, author.id, clientMsgId) as EventRow | undefined;

  // One transaction: the lookup, the seq reservation and the insert happen together, so two
  // appends (or a retried send racing its original) can never share a seq or store twice.
  const append = db.transaction((conversationId: string, event: NewChatEvent): { event: StoredChatEvent; created: boolean } => {
    if (event.author && event.clientMsgId !== null) {
      const existing = find(conversationId, event.author, event.clientMsgId);
      if (existing) return { event: toEvent(existing), created: false };
    }
    const reserved = reserveSeq.get(conversationId) as { last_seq: number } | undefined;
    if (!reserved) throw new UnknownConversationError(conversationId);
    insertEvent.run(
      conversationId,
      reserved.last_seq,
      event.at,
      event.type,
      event.author?.role ?? 'system',
      event.author?.id ?? null,
      event.clientMsgId,
      JSON.stringify(event.data),
      event.body,
    );
    return { event: toEvent(bySeq.get(conversationId, reserved.last_seq) as EventRow), created: true };
  });

  return {
    append: (conversationId, event) => append.immediate(conversationId, event),
    eventsAfter: (conversationId, afterSeq, limit) => (after.all(conversationId, afterSeq, limit ?? -1) as EventRow[]).map(toEvent),
    findByClientMsgId: (conversationId, author, clientMsgId) => {
      const row = find(conversationId, author, clientMsgId);
      return row && toEvent(row);
    },
    lastSeq: (conversationId) => (lastSeq.get(conversationId) as { last_seq: number } | undefined)?.last_seq ?? 0,
    readMarks: (conversationId): ReadMark[] =>
      (marks.all(conversationId) as MarkRow[]).map((r) => ({ participant: { id: r.participant_id, role: r.participant_role }, upToSeq: r.up_to_seq })),
    markRead: (conversationId, participant, upToSeq) => {
      if (!conversationExists.get(conversationId)) throw new UnknownConversationError(conversationId);
      return (upsertMark.get(conversationId, participant.role, participant.id, Math.max(0, upToSeq)) as { up_to_seq: number }).up_to_seq;
    },
  };
}
