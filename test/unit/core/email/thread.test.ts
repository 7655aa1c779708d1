import { describe, expect, it } from 'vitest';
import type { ParsedMail } from '../../../../src/core/email/parsed-mail.js';
import { decideThread, type ConversationFacts, type ThreadInput, type ThreadLookups } from '../../../../src/core/email/thread.js';
import { mail } from './mail-fixture.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2025, 0, 22, 12);

// A hand-written store: three conversations, each findable by one signal only, so a test shows
// which signal won. Anna (contact c-anna) is in all of them.
const conversations: Record<string, ConversationFacts> = {
  'conv-token': { contactIds: ['c-anna'], closedAt: null },
  'conv-reply': { contactIds: ['c-anna', 'c-carol'], closedAt: null },
  'conv-subject': { contactIds: ['c-anna'], closedAt: null },
  'conv-closed-recently': { contactIds: ['c-anna'], closedAt: NOW - 3 * DAY },
  'conv-closed-long-ago': { contactIds: ['c-anna'], closedAt: NOW - 30 * DAY },
};

const lookups = (extra: Partial<ThreadLookups> = {}): ThreadLookups => ({
  conversationByReplyAddress: (address) =>
    ({ 'support+c_token@help.example.com': 'conv-token', 'support+c_deleted@help.example.com': 'conv-deleted' })[address.toLowerCase()] ?? null,
  conversationByMessageId: (id) =>
    ({
      'out-1@mail.help.example.com': 'conv-reply',
      'out-0@mail.help.example.com': 'conv-subject',
      'closed-recently@mail.help.example.com': 'conv-closed-recently',
      'closed-long-ago@mail.help.example.com': 'conv-closed-long-ago',
      'bounced@mail.help.example.com': 'conv-reply',
    })[id] ?? null,
  conversationBySubjectRef: (ref) => ({ K7Q2: 'conv-subject', OLD1: 'conv-closed-long-ago' })[ref] ?? null,
  conversation: (id) => conversations[id] ?? null,
  ...extra,
});

const input = (overrides: Partial<ParsedMail> = {}, rest: Partial<ThreadInput> = {}): ThreadInput => ({
  mail: mail(overrides),
  automated: false,
  bounce: false,
  senderContactIds: ['c-anna'],
  senderIsAgent: false,
  now: NOW,
  reopenWindowMs: 7 * DAY,
  ...rest,
});

const token = [{ name: '', address: 'SUPPORT+C_TOKEN@help.example.com' }];

describe('threading received mail in a fixed order', () => {
  it.each<[string, Partial<ParsedMail>, string, string]>([
    ['token, In-Reply-To and subject all present', { to: token, inReplyTo: 'out-1@mail.help.example.com', subject: 'Re: x [#K7Q2]' }, 'conv-token', 'reply-address'],
    ['In-Reply-To and subject', { inReplyTo: 'out-1@mail.help.example.com', subject: 'Re: x [#K7Q2]' }, 'conv-reply', 'in-reply-to'],
    ['References and subject', { references: ['out-0@mail.help.example.com', 'out-1@mail.help.example.com'], subject: 'Re: x [#K7Q2]' }, 'conv-reply', 'references'],
    ['only the subject token', { subject: 'AW: x [#K7Q2]' }, 'conv-subject', 'subject'],
    ['the token in Cc only', { to: [], cc: token }, 'conv-token', 'reply-address'],
    ['the token as Delivered-To only (a Bcc)', { to: [], deliveredTo: 'support+c_token@help.example.com' }, 'conv-token', 'reply-address'],
    ['an unknown In-Reply-To but a known Reference', { inReplyTo: 'theirs@example.org', references: ['out-1@mail.help.example.com', 'theirs@example.org'] }, 'conv-reply', 'references'],
    ['a token naming a deleted conversation, then In-Reply-To', { to: [{ name: '', address: 'support+c_deleted@help.example.com' }], inReplyTo: 'out-1@mail.help.example.com' }, 'conv-reply', 'in-reply-to'],
  ])('given %s, then the strongest signal wins', (_name, overrides, conversationId, via) => {
    expect(decideThread(input(overrides), lookups())).toEqual({ kind: 'existing', conversationId, reopen: false, via });
  });

  it('given References to two conversations, then the newest reference (the last) wins', () => {
    const decision = decideThread(input({ references: ['out-1@mail.help.example.com', 'out-0@mail.help.example.com'] }), lookups());
    expect(decision).toMatchObject({ kind: 'existing', conversationId: 'conv-subject' });
  });

  it('given the envelope recipient carries the token, then it is used', () => {
    const decision = decideThread(input({ to: [] }, { envelopeRecipients: ['support+c_token@help.example.com'] }), lookups());
    expect(decision).toMatchObject({ kind: 'existing', conversationId: 'conv-token', via: 'reply-address' });
  });

  it('given no signal matches, then it is a new conversation', () => {
    expect(decideThread(input({ inReplyTo: 'theirs@example.org', subject: 'Hello [#NOPE]' }), lookups())).toEqual({ kind: 'new' });
  });

  it('given a sender who is not in the matched conversation, then a new linked conversation starts', () => {
    const decision = decideThread(input({ subject: 'Re: [#K7Q2]' }, { senderContactIds: ['c-mallory'] }), lookups());
    expect(decision).toEqual({ kind: 'linked-new', relatedConversationId: 'conv-subject', reason: 'sender not in conversation', via: 'subject' });
  });

  it('given an unknown sender (no contact yet) even with a valid token, then a new linked conversation starts', () => {
    const decision = decideThread(input({ to: token }, { senderContactIds: [] }), lookups());
    expect(decision).toMatchObject({ kind: 'linked-new', reason: 'sender not in conversation', relatedConversationId: 'conv-token' });
  });

  it('given a CC participant of the conversation replies, then it joins the conversation', () => {
    const decision = decideThread(input({ inReplyTo: 'out-1@mail.help.example.com' }, { senderContactIds: ['c-carol'] }), lookups());
    expect(decision).toMatchObject({ kind: 'existing', conversationId: 'conv-reply' });
  });

  it('given an agent replies from their own mail client, then it joins the conversation', () => {
    const decision = decideThread(input({ subject: '[#K7Q2]' }, { senderContactIds: [], senderIsAgent: true }), lookups());
    expect(decision).toMatchObject({ kind: 'existing', conversationId: 'conv-subject' });
  });

  it.each<[string, number, object]>([
    ['closed 3 days ago, window 7 days', 7 * DAY, { kind: 'existing', conversationId: 'conv-closed-recently', reopen: true }],
    ['closed exactly at the window edge', 3 * DAY, { kind: 'existing', conversationId: 'conv-closed-recently', reopen: true }],
    ['closed just beyond the window', 3 * DAY - 1, { kind: 'linked-new', relatedConversationId: 'conv-closed-recently', reason: 'closed beyond window' }],
  ])('given a reply to a conversation %s, then %j', (_name, reopenWindowMs, expected) => {
    const decision = decideThread(input({ inReplyTo: 'closed-recently@mail.help.example.com' }, { reopenWindowMs }), lookups());
    expect(decision).toMatchObject(expected);
  });

  it('given a reply to a conversation closed 30 days ago, then a new linked conversation starts', () => {
    const decision = decideThread(input({ subject: 'Re: [#OLD1]' }), lookups());
    expect(decision).toEqual({ kind: 'linked-new', relatedConversationId: 'conv-closed-long-ago', reason: 'closed beyond window', via: 'subject' });
  });

  it('given both a stranger and a long-closed conversation, then the sender rule is reported first', () => {
    const decision = decideThread(input({ subject: 'Re: [#OLD1]' }, { senderContactIds: ['c-mallory'] }), lookups());
    expect(decision).toMatchObject({ kind: 'linked-new', reason: 'sender not in conversation' });
  });

  it.each([
    ['closed recently', 'closed-recently@mail.help.example.com', 'conv-closed-recently'],
    ['closed long ago', 'closed-long-ago@mail.help.example.com', 'conv-closed-long-ago'],
  ])('given an out-of-office reply to a conversation %s, then it is filed there without reopening', (_name, inReplyTo, conversationId) => {
    const decision = decideThread(input({ inReplyTo }, { automated: true }), lookups());
    expect(decision).toEqual({ kind: 'existing', conversationId, reopen: false, via: 'in-reply-to' });
  });

  it('given a bounce of one of our messages, then it attaches to that message and its conversation, whatever else it carries', () => {
    const decision = decideThread(
      input(
        { to: token, deliveryReport: { originalMessageId: 'bounced@mail.help.example.com', recipients: [] } },
        { bounce: true, automated: true, senderContactIds: [] },
      ),
      lookups(),
    );
    expect(decision).toEqual({ kind: 'bounce', conversationId: 'conv-reply', originalMessageId: 'bounced@mail.help.example.com' });
  });

  it.each<[string, ParsedMail['deliveryReport'], object]>([
    ['of a message we do not know', { originalMessageId: 'unknown@example.org', recipients: [] }, { conversationId: null, originalMessageId: 'unknown@example.org' }],
    ['without the returned message', { originalMessageId: null, recipients: [] }, { conversationId: null, originalMessageId: null }],
    ['without any report', null, { conversationId: null, originalMessageId: null }],
  ])('given a bounce %s, then it is a bounce with no conversation', (_name, deliveryReport, expected) => {
    expect(decideThread(input({ deliveryReport }, { bounce: true }), lookups())).toEqual({ kind: 'bounce', ...expected });
  });
});
