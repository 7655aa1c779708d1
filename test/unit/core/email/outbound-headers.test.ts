import { describe, expect, it } from 'vitest';
import { outboundReplyHeaders, trimReferences, type OutboundReplyInput } from '../../../../src/core/email/outbound-headers.js';

const input: OutboundReplyInput = {
  conversationId: 'conv-42',
  conversationRef: 'K7Q2',
  messageKey: 'msg-8',
  messageIdDomain: 'Mail.Help.Example.com',
  replyAddress: 'support+c_conv-42.acyij3xhzkjgwi5g@help.example.com',
  subject: 'RE: AW: Your order [#K7Q2]',
  inReplyTo: 'reply-2@mail.example.org',
  references: ['20250114091201.4711@mail.example.org', 'conv-42.msg-7@mail.help.example.com'],
  marker: 'sb-main',
};

describe('headers of our replies', () => {
  it('given a human agent reply, then it threads by every signal and carries only our marker, no automation headers', () => {
    expect(outboundReplyHeaders(input)).toEqual({
      messageId: 'conv-42.msg-8@mail.help.example.com',
      fields: {
        messageId: '<conv-42.msg-8@mail.help.example.com>',
        inReplyTo: '<reply-2@mail.example.org>',
        references: [
          '<20250114091201.4711@mail.example.org>',
          '<conv-42.msg-7@mail.help.example.com>',
          '<reply-2@mail.example.org>',
        ],
        replyTo: 'support+c_conv-42.acyij3xhzkjgwi5g@help.example.com',
        subject: 'Re: Your order [#K7Q2]',
        headers: { 'X-Switchboard': 'sb-main' },
      },
    });
  });

  it('given an automatic acknowledgement, then the loop-protection headers are added', () => {
    const { fields } = outboundReplyHeaders({ ...input, automated: 'auto-replied' });
    expect(fields.headers).toMatchObject({ 'Auto-Submitted': 'auto-replied', 'X-Loop': 'sb-main', 'X-Switchboard': 'sb-main' });
  });

  it('given the first mail of a conversation we start, then there is no In-Reply-To nor References', () => {
    const { fields } = outboundReplyHeaders({ ...input, inReplyTo: null, references: [], subject: 'Your callback' });
    expect(fields).not.toHaveProperty('inReplyTo');
    expect(fields).not.toHaveProperty('references');
    expect(fields.subject).toBe('Re: Your callback [#K7Q2]');
  });

  it('given In-Reply-To already inside the stored chain, then it moves to the end once', () => {
    const { fields } = outboundReplyHeaders({ ...input, inReplyTo: 'a@x', references: ['root@x', 'a@x', 'b@x'] });
    expect(fields.references).toEqual(['<root@x>', '<b@x>', '<a@x>']);
  });

  it('given a chain of 30 ids with duplicates, then it keeps the root and the newest ones, at most 20', () => {
    const chain = ['root@x', ...Array.from({ length: 29 }, (_, i) => `m${i}@x`), 'm3@x'];
    const trimmed = trimReferences(chain);
    expect(trimmed).toHaveLength(20);
    expect(trimmed[0]).toBe('root@x');
    expect(trimmed.at(-1)).toBe('m28@x');
    expect(trimmed[1]).toBe('m10@x');
  });

  it('given a message key with characters unsafe in a Message-ID, then it is refused', () => {
    expect(() => outboundReplyHeaders({ ...input, messageKey: 'a b<c>' })).toThrow(RangeError);
  });
});
