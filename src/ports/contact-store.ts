import type { Contact, ContactIdentifier, Identifier, IdentifierSource } from '../core/conversations/contact-types.js';
import type { IdentifierOwner } from '../core/conversations/contact-linking.js';
import type { MergeRefusal } from '../core/conversations/contact-merge.js';
import type { TimelineEntry } from '../core/conversations/contact-timeline.js';
import type { Conversation } from '../core/conversations/conversation-machine.js';

export interface NewIdentifier extends Identifier {
  trusted: boolean;
  source: IdentifierSource;
}

export type AddIdentifierResult =
  | 'added'
  /** The contact already had it (a trusted arrival upgrades an untrusted copy). */
  | 'exists'
  /** Trusted and another contact holds it trusted: only a merge can bring them together. */
  | 'conflict';

export type CreateContactResult =
  | { created: true; contact: Contact }
  /** A trusted identifier given was already owned (another request won the race): link to this one. */
  | { created: false; contactId: string };

export interface MergeRequest {
  survivorId: string;
  mergedId: string;
  actor: string;
  reason: string;
  at: number;
}

export type MergeResult =
  | { ok: true; audit: ContactMergeEntry }
  | { ok: false; code: MergeRefusal | 'not_found'; message: string };

export interface ContactMergeEntry {
  seq: number;
  at: number;
  survivorId: string;
  mergedId: string;
  actor: string;
  reason: string;
  data: Record<string, unknown>;
}

export type ConversationPatch = Partial<Pick<Conversation, 'contactId' | 'channel' | 'status' | 'subject' | 'queueId' | 'agentId' | 'callId' | 'refs' | 'updatedAt' | 'closedAt'>>;

export type EventAuthor = { kind: 'customer' | 'agent' | 'system'; id: string | null };

export interface NewConversationEvent {
  at: number;
  type: string;
  author: EventAuthor;
  /** The client's id for a chat send: the same id again returns the first event, appends nothing. */
  clientMsgId?: string;
  data?: Record<string, unknown>;
}

export interface ConversationEventRow {
  conversationId: string;
  seq: number;
  at: number;
  type: string;
  author: EventAuthor;
  clientMsgId: string | null;
  data: Record<string, unknown>;
}

export interface ContactStore {
  /** The contact row as stored, merged or not. */
  getContact(id: string): Contact | undefined;
  /** The contact that holds the history for this id now (follows merges); undefined when unknown. */
  resolveContactId(id: string): string | undefined;
  /** Contacts holding this normalized identifier, resolved through merges, oldest first. */
  findByIdentifier(identifier: Identifier): IdentifierOwner[];
  identifiers(contactId: string): ContactIdentifier[];
  createContact(input: { id: string; name?: string; at: number; identifiers: NewIdentifier[] }): CreateContactResult;
  addIdentifier(contactId: string, identifier: NewIdentifier, at: number): AddIdentifierResult;
  /** One transaction: identifiers and conversations move, the merged contact points at the survivor, one audit row. */
  merge(request: MergeRequest): MergeResult;
  merges(contactId: string): ContactMergeEntry[];

  createConversation(conversation: Conversation): void;
  getConversation(id: string): Conversation | undefined;
  updateConversation(id: string, patch: ConversationPatch): void;
  /** Newest first. */
  conversationsOf(contactId: string, options: { limit: number; before?: number }): Conversation[];
  /** Reserves the next seq and appends in one transaction; a repeated clientMsgId returns the first event. */
  appendEvent(conversationId: string, event: NewConversationEvent): { event: ConversationEventRow; duplicate: boolean };
  /** Events with seq > afterSeq, in order: what a reconnecting chat client missed. */
  eventsAfter(conversationId: string, afterSeq: number, limit: number): ConversationEventRow[];

  /** Conversations of every channel plus the calls from the contact's phone numbers, newest first. */
  timeline(contactId: string, options: { limit: number; before?: number }): TimelineEntry[];
}
