import type { ChatParticipant, NewChatEvent, StoredChatEvent } from '../../core/chat/chat-events.js';
import type { ReadMark } from '../../core/chat/chat-history.js';
import type { ChatStore } from '../../ports/chat-store.js';

// Until the SQLite conversation tables land: same contract, nothing survives a restart.

const participantKey = (p: ChatParticipant) => `${p.role}:${p.id}`;

interface Conversation {
  events: StoredChatEvent[];
  byClientMsgId: Map<string, StoredChatEvent>;
  marks: Map<string, ReadMark>;
}

export function memoryChatStore(): ChatStore {
  const conversations = new Map<string, Conversation>();
  const get = (id: string): Conversation => {
    let c = conversations.get(id);
    if (!c) conversations.set(id, (c = { events: [], byClientMsgId: new Map(), marks: new Map() }));
    return c;
  };
  const copy = (e: StoredChatEvent): StoredChatEvent => structuredClone(e);
  const idKey = (author: ChatParticipant, clientMsgId: string) => `${participantKey(author)}\u0000${clientMsgId}`;

  return {
    append(conversationId, event: NewChatEvent) {
      const c = get(conversationId);
      const key = event.author && event.clientMsgId !== null ? idKey(event.author, event.clientMsgId) : undefined;
      const existing = key ? c.byClientMsgId.get(key) : undefined;
      if (existing) return { event: copy(existing), created: false };
      const stored: StoredChatEvent = { ...structuredClone(event), conversationId, seq: (c.events.at(-1)?.seq ?? 0) + 1 };
      c.events.push(stored);
      if (key) c.byClientMsgId.set(key, stored);
      return { event: copy(stored), created: true };
    },
    eventsAfter(conversationId, afterSeq, limit) {
      const events = conversations.get(conversationId)?.events ?? [];
      // seq is 1..n without gaps, so seq k sits at index k-1.
      const from = events.slice(Math.max(0, afterSeq));
      return (limit === undefined ? from : from.slice(0, limit)).map(copy);
    },
    findByClientMsgId(conversationId, author, clientMsgId) {
      const found = conversations.get(conversationId)?.byClientMsgId.get(idKey(author, clientMsgId));
      return found && copy(found);
    },
    lastSeq: (conversationId) => conversations.get(conversationId)?.events.at(-1)?.seq ?? 0,
    readMarks: (conversationId) => [...(conversations.get(conversationId)?.marks.values() ?? [])].map((m) => ({ participant: { ...m.participant }, upToSeq: m.upToSeq })),
    markRead(conversationId, participant, upToSeq) {
      const marks = get(conversationId).marks;
      const key = participantKey(participant);
      const next = Math.max(marks.get(key)?.upToSeq ?? 0, upToSeq);
      marks.set(key, { participant: { ...participant }, upToSeq: next });
      return next;
    },
  };
}
