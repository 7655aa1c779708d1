// What a conversation stores. Every persisted event gets the next per-conversation `seq`
// (1, 2, 3 … with no gaps), which is what a reconnecting client names in `after` to get exactly
// what it missed. Typing is never stored; read marks are stored apart (one number per participant).

export type ParticipantRole = 'customer' | 'agent' | 'system';

export interface ChatParticipant {
  /** The visitor id for a customer, the agent id for an agent. */
  id: string;
  role: ParticipantRole;
}

export const CHAT_EVENT_KINDS = ['message', 'agent_joined', 'transfer', 'status', 'closed'] as const;
export type ChatEventKind = (typeof CHAT_EVENT_KINDS)[number];

/** An event as the session asks for it to be appended; the store gives it its seq. */
export interface NewChatEvent {
  type: ChatEventKind;
  author: ChatParticipant | null;
  /** The sender's idempotency key: unique per (conversation, author). Only client-sent messages carry one. */
  clientMsgId: string | null;
  /** Plain text, already through the body rules (see chat-body.ts). */
  body: string | null;
  /** Kind-specific details (transfer target, status value); null for messages. */
  data: Record<string, unknown> | null;
  /** ms since the epoch. */
  at: number;
}

export interface StoredChatEvent extends NewChatEvent {
  conversationId: string;
  seq: number;
}
