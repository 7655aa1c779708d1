// Headers of a mail we send into a conversation, so the customer's reply threads back to it by
// every signal thread.ts knows: the Reply-To token, In-Reply-To/References pointing at our
// Message-ID, and the subject token. Shaped like nodemailer's message fields; the adapter passes
// them through.

import { automatedSendHeaders, type AutomatedKind } from './auto-reply-policy.js';
import { bracket } from './message-id.js';
import { replySubject } from './subject-token.js';

/**
 * References grow by one id per message; long threads hit header limits and some servers then
 * drop the header entirely. Keep the root (it identifies the thread to every client) and the
 * newest ones, as Chatwoot's ReferencesHeaderBuilder does.
 */
export const MAX_REFERENCES = 20;

export interface OutboundReplyInput {
  conversationId: string;
  /** The short ref shown in the subject token. */
  conversationRef: string;
  /** Unique per outbound message (the stored message id); the core mints no randomness. */
  messageKey: string;
  messageIdDomain: string;
  /** From createReplyAddress(). */
  replyAddress: string;
  /** The subject we answer (usually the customer's last one). */
  subject: string;
  /** Message-ID of the mail we answer, normally the last inbound one. */
  inReplyTo: string | null;
  /** The References chain stored for the conversation, oldest first. */
  references: readonly string[];
  /** Our instance marker (X-Switchboard, X-Loop); see classify.ts. */
  marker: string;
  /** Set for automatic mail only (acks, surveys, notifications): adds the loop-protection headers. */
  automated?: AutomatedKind;
}

export interface OutboundReplyHeaders {
  /** Without brackets, for our message index. */
  messageId: string;
  /** nodemailer fields: ids in brackets. */
  fields: {
    messageId: string;
    inReplyTo?: string;
    references?: string[];
    replyTo: string;
    subject: string;
    headers: Record<string, string>;
  };
}

const KEY_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;

export function trimReferences(chain: readonly string[], max = MAX_REFERENCES): string[] {
  const unique = [...new Set(chain.filter((id) => id.length > 0))];
  if (unique.length <= max) return unique;
  return [unique[0] as string, ...unique.slice(unique.length - (max - 1))];
}

export function outboundReplyHeaders(input: OutboundReplyInput): OutboundReplyHeaders {
  if (!KEY_PATTERN.test(input.messageKey)) throw new RangeError(`message key must match ${KEY_PATTERN}`);
  // The conversation id in our Message-ID makes a bounce or a log line readable at a glance;
  // threading itself goes through the message index.
  const messageId = `${input.conversationId}.${input.messageKey}@${input.messageIdDomain.toLowerCase()}`;
  // In-Reply-To must end the chain: clients take the last References entry as the parent.
  const chain = trimReferences([...input.references.filter((id) => id !== input.inReplyTo), ...(input.inReplyTo ? [input.inReplyTo] : [])]);
  const headers: Record<string, string> = {
    'X-Switchboard': input.marker,
    ...(input.automated ? automatedSendHeaders(input.automated, input.marker) : {}),
  };
  return {
    messageId,
    fields: {
      messageId: bracket(messageId),
      ...(input.inReplyTo ? { inReplyTo: bracket(input.inReplyTo) } : {}),
      ...(chain.length > 0 ? { references: chain.map(bracket) } : {}),
      replyTo: input.replyAddress,
      subject: replySubject(input.subject, input.conversationRef),
      headers,
    },
  };
}
