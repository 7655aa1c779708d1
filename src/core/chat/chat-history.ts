import type { ChatParticipant, StoredChatEvent } from './chat-events.js';

export interface ReadMark {
  participant: ChatParticipant;
  upToSeq: number;
}

/**
 * What the session reads of one conversation to decide on a frame. Synchronous on purpose: the
 * store behind it is better-sqlite3, and deciding and applying a frame in one turn of the event
 * loop is what keeps two frames of one conversation from interleaving.
 */
export interface ConversationHistory {
  lastSeq(): number;
  byClientMsgId(author: ChatParticipant, clientMsgId: string): StoredChatEvent | undefined;
  /** Events with seq > after, ascending. */
  after(seq: number): StoredChatEvent[];
  readMarks(): ReadMark[];
}

export const sameParticipant = (a: ChatParticipant | null, b: ChatParticipant | null): boolean =>
  a !== null && b !== null && a.id === b.id && a.role === b.role;

/** A history over an array of stored events (ascending seq): for tests and the in-memory store. */
export function historyOf(events: readonly StoredChatEvent[], marks: readonly ReadMark[] = []): ConversationHistory {
  return {
    lastSeq: () => events.at(-1)?.seq ?? 0,
    byClientMsgId: (author, clientMsgId) => events.find((e) => e.clientMsgId === clientMsgId && sameParticipant(e.author, author)),
    after: (seq) => events.filter((e) => e.seq > seq),
    readMarks: () => marks.map((m) => ({ participant: { ...m.participant }, upToSeq: m.upToSeq })),
  };
}
