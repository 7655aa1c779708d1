// Whether we may send an automatic mail (acknowledgement, survey, notification) in answer to a
// received one, and the headers that keep automatic mail from looping. The brakes are those Zammad
// and FreeScout added after their loops (zammad#1131, #2923, chatwoot#5131): never answer automated
// mail, bounces or ourselves, never write to no-reply addresses, and cap what one recipient gets.

import type { MailClassification } from './classify.js';
import { normalizeAddress } from './parsed-mail.js';

export interface AutoReplyLimits {
  /** At most this many automatic mails to one recipient within windowMs (the caller counts them). */
  maxPerRecipient: number;
  /** Optional cap over all recipients, a fuse for a loop the other rules did not foresee. */
  maxTotal?: number;
  windowMs: number;
}

export interface AutoReplyInput {
  classification: Pick<MailClassification, 'automated' | 'bounce' | 'ours'>;
  /**
   * The From address. RFC 3834 suggests Return-Path, but with VERP and SRS that is a bounce
   * processor, not the person; From is whom the conversation is with, and the checks below keep
   * automatic senders out.
   */
  recipient: string | null;
  /** Our own addresses: answering one of them is us mailing ourselves. */
  systemAddresses: readonly string[];
  sentToRecipientInWindow: number;
  sentTotalInWindow?: number;
  limits: AutoReplyLimits;
}

export type AutoReplyVerdict =
  | { allowed: true; recipient: string }
  | {
      allowed: false;
      reason: 'ours' | 'bounce' | 'automated' | 'no recipient' | 'own address' | 'no-reply address' | 'rate limit';
    };

// no-reply, noreply, do-not-reply, donotreply, bounce(s), mailer-daemon, postmaster, optionally with
// a +tag or a suffix after . - _ (noreply-billing@, bounces+123@).
const NO_REPLY = /^(?:no-?reply|do-?not-?reply|bounces?|mailer-daemon|postmaster)(?:[+._-].*)?@/i;

export function isNoReplyAddress(address: string): boolean {
  return NO_REPLY.test(normalizeAddress(address));
}

export function mayAutoReply(input: AutoReplyInput): AutoReplyVerdict {
  const { classification: c, limits } = input;
  if (c.ours) return { allowed: false, reason: 'ours' };
  if (c.bounce) return { allowed: false, reason: 'bounce' };
  if (c.automated) return { allowed: false, reason: 'automated' };
  const recipient = input.recipient?.trim();
  if (!recipient || !recipient.includes('@')) return { allowed: false, reason: 'no recipient' };
  if (input.systemAddresses.some((a) => normalizeAddress(a) === normalizeAddress(recipient))) {
    return { allowed: false, reason: 'own address' };
  }
  if (isNoReplyAddress(recipient)) return { allowed: false, reason: 'no-reply address' };
  if (input.sentToRecipientInWindow >= limits.maxPerRecipient) return { allowed: false, reason: 'rate limit' };
  if (limits.maxTotal !== undefined && (input.sentTotalInWindow ?? 0) >= limits.maxTotal) {
    return { allowed: false, reason: 'rate limit' };
  }
  return { allowed: true, recipient };
}

/** RFC 3834: auto-replied answers a message; auto-generated is anything else we send on our own. */
export type AutomatedKind = 'auto-replied' | 'auto-generated';

/**
 * Headers on every automatic mail we send. Never on a human agent's reply: those must get the
 * customer's out-of-office and read like normal mail.
 * - Auto-Submitted is the standard (RFC 3834) that well-behaved responders honour.
 * - X-Auto-Response-Suppress: All is what Exchange and Outlook honour instead.
 * - Precedence: bulk is not standard, but Unix vacation and many old responders only look at it.
 * - X-Loop with our marker lets us (and other ticket systems) recognise the mail coming back.
 */
export function automatedSendHeaders(kind: AutomatedKind, marker: string): Record<string, string> {
  return {
    'Auto-Submitted': kind,
    'X-Auto-Response-Suppress': 'All',
    Precedence: 'bulk',
    'X-Loop': marker,
  };
}
