import { describe, expect, it } from 'vitest';
import {
  automatedSendHeaders,
  isNoReplyAddress,
  mayAutoReply,
  type AutoReplyInput,
} from '../../../../src/core/email/auto-reply-policy.js';

const base: AutoReplyInput = {
  classification: { automated: false, bounce: false, ours: false },
  recipient: 'anna@example.org',
  systemAddresses: ['support@help.example.com'],
  sentToRecipientInWindow: 0,
  limits: { maxPerRecipient: 3, windowMs: 3_600_000 },
};

describe('automatic replies', () => {
  it('given a human customer mail under the cap, then we may auto-reply to its sender', () => {
    expect(mayAutoReply(base)).toEqual({ allowed: true, recipient: 'anna@example.org' });
  });

  it.each<[string, Partial<AutoReplyInput>, string]>([
    ['our own mail', { classification: { automated: false, bounce: false, ours: true } }, 'ours'],
    ['a bounce', { classification: { automated: true, bounce: true, ours: false } }, 'bounce'],
    ['an out-of-office (automated)', { classification: { automated: true, bounce: false, ours: false } }, 'automated'],
    ['a mail without sender', { recipient: null }, 'no recipient'],
    ['a sender without @', { recipient: 'anna' }, 'no recipient'],
    ['a mail from our own support address', { recipient: 'Support@Help.Example.com' }, 'own address'],
    ['a noreply sender', { recipient: 'no-reply@shop.example' }, 'no-reply address'],
    ['a donotreply+tag sender', { recipient: 'DoNotReply+orders@shop.example' }, 'no-reply address'],
    ['a bounces+VERP sender', { recipient: 'bounces+123-abc@mailer.example' }, 'no-reply address'],
    ['a recipient at the cap', { sentToRecipientInWindow: 3 }, 'rate limit'],
    ['a recipient over the cap', { sentToRecipientInWindow: 9 }, 'rate limit'],
    ['the total cap reached', { limits: { maxPerRecipient: 3, maxTotal: 100, windowMs: 1 }, sentTotalInWindow: 100 }, 'rate limit'],
  ])('given %s, then no auto-reply (%s)', (_name, overrides, reason) => {
    expect(mayAutoReply({ ...base, ...overrides })).toEqual({ allowed: false, reason });
  });

  it('given a recipient one below the cap, then one more auto-reply is allowed', () => {
    expect(mayAutoReply({ ...base, sentToRecipientInWindow: 2 }).allowed).toBe(true);
  });

  it.each([
    ['noreply@x.example', true],
    ['no_reply@x.example', false],
    ['noreply-billing@x.example', true],
    ['mailer-daemon@x.example', true],
    ['replyto@x.example', false],
    ['norepl@x.example', false],
    ['anna.noreply@x.example', false],
  ])('given %s, then no-reply is %s', (address, expected) => {
    expect(isNoReplyAddress(address)).toBe(expected);
  });

  it('given an automatic send, then it carries Auto-Submitted, the Exchange suppression, Precedence and our X-Loop', () => {
    expect(automatedSendHeaders('auto-replied', 'sb-main')).toEqual({
      'Auto-Submitted': 'auto-replied',
      'X-Auto-Response-Suppress': 'All',
      Precedence: 'bulk',
      'X-Loop': 'sb-main',
    });
    expect(automatedSendHeaders('auto-generated', 'sb-main')['Auto-Submitted']).toBe('auto-generated');
  });
});
