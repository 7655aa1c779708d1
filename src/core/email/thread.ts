// Which conversation a received mail belongs to. The signals are tried in a fixed order and the
// first hit decides; no scoring, so every outcome can be explained by one line in the docs:
//   1. a signed reply address among the recipients (cannot be guessed or copied by a stranger)
//   2. In-Reply-To, then References newest first, in our index of inbound and outbound ids
//   3. a [#ref] subject token
//   4. otherwise a new conversation.
// A hit then passes two guards: the sender must belong to the conversation (else a new linked
// conversation: newsletter replies merged into one thread, chatwoot PR #13502; strangers hijacking a
// ticket by its number, zammad#5064), and a closed conversation reopens only within a window (else a
// new linked one, so a reply months later does not resurrect old work).
// Mail classified as ours never gets here: the caller drops it before threading.

import type { ParsedMail } from './parsed-mail.js';
import { findSubjectRefs } from './subject-token.js';

export interface ConversationFacts {
  /** Contacts of the conversation: the customer and every participant or CC linked to it. */
  contactIds: readonly string[];
  /** null while open. */
  closedAt: number | null;
}

export interface ThreadLookups {
  /** A verified reply address (see reply-token.ts) whose conversation exists, else null. */
  conversationByReplyAddress(address: string): string | null;
  conversationByMessageId(messageId: string): string | null;
  conversationBySubjectRef(ref: string): string | null;
  conversation(conversationId: string): ConversationFacts | null;
}

export type ThreadSignal = 'reply-address' | 'in-reply-to' | 'references' | 'subject';

export interface ThreadInput {
  mail: Pick<ParsedMail, 'deliveredTo' | 'to' | 'cc' | 'inReplyTo' | 'references' | 'subject' | 'deliveryReport'>;
  /** Envelope recipients (RCPT TO) when known: the only place a Bcc'd reply address shows. */
  envelopeRecipients?: readonly string[];
  /** From classify.ts. */
  automated: boolean;
  bounce: boolean;
  /** Contacts the From address resolves to; empty for an unknown sender. */
  senderContactIds: readonly string[];
  /** An agent answering from their own mail client belongs to every conversation. */
  senderIsAgent: boolean;
  now: number;
  reopenWindowMs: number;
}

export type ThreadDecision =
  | { kind: 'existing'; conversationId: string; reopen: boolean; via: ThreadSignal }
  | {
      kind: 'linked-new';
      relatedConversationId: string;
      reason: 'sender not in conversation' | 'closed beyond window';
      via: ThreadSignal;
    }
  | { kind: 'new' }
  | { kind: 'bounce'; conversationId: string | null; originalMessageId: string | null };

interface Hit {
  conversationId: string;
  facts: ConversationFacts;
  via: ThreadSignal;
}

function firstHit(input: ThreadInput, lookups: ThreadLookups): Hit | null {
  const { mail } = input;
  // A lookup may name a conversation that is gone (deleted, GDPR); that is a miss, not an error.
  const hit = (id: string | null, via: ThreadSignal): Hit | null => {
    const facts = id ? lookups.conversation(id) : null;
    return id && facts ? { conversationId: id, facts, via } : null;
  };

  const recipients = [
    ...(input.envelopeRecipients ?? []),
    ...(mail.deliveredTo ? [mail.deliveredTo] : []),
    ...mail.to.map((a) => a.address),
    ...mail.cc.map((a) => a.address),
  ];
  for (const address of recipients) {
    const found = hit(lookups.conversationByReplyAddress(address), 'reply-address');
    if (found) return found;
  }

  if (mail.inReplyTo) {
    const found = hit(lookups.conversationByMessageId(mail.inReplyTo), 'in-reply-to');
    if (found) return found;
  }
  // References are oldest first; the newest is the closest relative of this mail.
  for (const id of [...mail.references].reverse()) {
    const found = hit(lookups.conversationByMessageId(id), 'references');
    if (found) return found;
  }

  for (const ref of findSubjectRefs(mail.subject)) {
    const found = hit(lookups.conversationBySubjectRef(ref), 'subject');
    if (found) return found;
  }
  return null;
}

export function decideThread(input: ThreadInput, lookups: ThreadLookups): ThreadDecision {
  if (input.bounce) {
    // A bounce belongs to the message that bounced, which is one of ours: look it up by its id.
    const originalMessageId = input.mail.deliveryReport?.originalMessageId ?? null;
    const conversationId = originalMessageId ? lookups.conversationByMessageId(originalMessageId) : null;
    return { kind: 'bounce', conversationId, originalMessageId };
  }

  const found = firstHit(input, lookups);
  if (!found) return { kind: 'new' };
  const { conversationId, facts, via } = found;

  const member = input.senderIsAgent || input.senderContactIds.some((id) => facts.contactIds.includes(id));
  if (!member) return { kind: 'linked-new', relatedConversationId: conversationId, reason: 'sender not in conversation', via };

  if (facts.closedAt === null) return { kind: 'existing', conversationId, reopen: false, via };
  // Automated mail (an out-of-office answering our closing mail) is filed with the conversation but
  // never reopens it nor opens new work, whatever the age.
  if (input.automated) return { kind: 'existing', conversationId, reopen: false, via };
  if (input.now - facts.closedAt <= input.reopenWindowMs) return { kind: 'existing', conversationId, reopen: true, via };
  return { kind: 'linked-new', relatedConversationId: conversationId, reason: 'closed beyond window', via };
}
