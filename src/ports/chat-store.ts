import type { ChatParticipant, NewChatEvent, StoredChatEvent } from '../core/chat/chat-events.js';
import type { ReadMark } from '../core/chat/chat-history.js';

/**
 * Chat events of conversations. Small on purpose: it maps onto a conversation_events table with
 * UNIQUE (conversation_id, seq) and UNIQUE (conversation_id, author_role, author_id, client_msg_id),
 * plus a conversation_read_marks table keyed by (conversation_id, participant). Synchronous, like
 * every store here (better-sqlite3).
 */
export interface ChatStore {
  /**
   * Stores the event with seq = last seq + 1, atomically. Idempotent on (author, clientMsgId):
   * when that key is already stored, nothing is written and the stored event comes back with
   * created false.
   */
  append(conversationId: string, event: NewChatEvent): { event: StoredChatEvent; created: boolean };
  /** Events with seq > afterSeq, ascending, at most `limit` when given. */
  eventsAfter(conversationId: string, afterSeq: number, limit?: number): StoredChatEvent[];
  findByClientMsgId(conversationId: string, author: ChatParticipant, clientMsgId: string): StoredChatEvent | undefined;
  /** 0 for a conversation with no events. */
  lastSeq(conversationId: string): number;
  readMarks(conversationId: string): ReadMark[];
  /** Keeps the maximum of the stored mark and upToSeq; returns the mark now stored. */
  markRead(conversationId: string, participant: ChatParticipant, upToSeq: number): number;
}
