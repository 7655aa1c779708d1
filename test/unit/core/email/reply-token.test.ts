import { describe, expect, it } from 'vitest';
import {
  createReplyAddress,
  findReplyToken,
  verifyReplyAddress,
  type ReplyTokenConfig,
} from '../../../../src/core/email/reply-token.js';

const config: ReplyTokenConfig = { localBase: 'support', domain: 'help.example.com', secrets: ['test-secret-1'] };
const address = createReplyAddress('conv-42', config);

describe('signed reply addresses', () => {
  it('given a conversation id, when an address is created, then it has the documented shape and is stable', () => {
    // The same value the reply.eml fixture carries: a format change must be a conscious one.
    expect(address).toBe('support+c_conv-42.acyij3xhzkjgwi5g@help.example.com');
    expect(verifyReplyAddress(address, config)).toEqual({ ok: true, conversationId: 'conv-42' });
  });

  it.each([
    ['upper-cased entirely', address.toUpperCase()],
    ['with mixed case', 'Support+C_Conv-42.AcYiJ3xHzKjGwI5g@Help.Example.COM'],
    ['with surrounding whitespace', `  ${address} `],
  ])('given the address %s by a mail system, then it still verifies', (_name, changed) => {
    expect(verifyReplyAddress(changed, config)).toEqual({ ok: true, conversationId: 'conv-42' });
  });

  it.each([
    ['a tampered signature', address.replace('acyij3', 'acyij4'), 'bad signature'],
    ['another conversation id with the same signature', address.replace('conv-42', 'conv-43'), 'bad signature'],
    ['a signature from another secret', createReplyAddress('conv-42', { ...config, secrets: ['other'] }), 'bad signature'],
    ['a truncated signature', address.replace('acyij3xhzkjgwi5g', 'acyij3xhzkjgwi5'), 'malformed'],
    ['no signature', 'support+c_conv-42@help.example.com', 'malformed'],
    ['illegal characters in the id', 'support+c_conv_42!.acyij3xhzkjgwi5g@help.example.com', 'malformed'],
    ['another domain', address.replace('help.example.com', 'evil.example'), 'not a reply address'],
    ['another local base', address.replace('support+', 'sales+'), 'not a reply address'],
    ['the plain support address', 'support@help.example.com', 'not a reply address'],
    ['no @ at all', 'support+c_conv-42.acyij3xhzkjgwi5g', 'not a reply address'],
  ] as const)('given %s, then it is rejected', (_name, given, reason) => {
    expect(verifyReplyAddress(given, config)).toEqual({ ok: false, reason });
  });

  it('given a rotated secret, when an address signed with the old one arrives, then it still verifies', () => {
    const rotated: ReplyTokenConfig = { ...config, secrets: ['new-secret', 'test-secret-1'] };
    expect(verifyReplyAddress(address, rotated)).toEqual({ ok: true, conversationId: 'conv-42' });
    expect(createReplyAddress('conv-42', rotated)).not.toBe(address);
  });

  it('given an id with upper-case letters, when an address is created, then it is refused (it could not survive case folding)', () => {
    expect(() => createReplyAddress('Conv-42', config)).toThrow(RangeError);
  });

  it('given several recipients, then the first one with a valid token names the conversation', () => {
    const other = createReplyAddress('conv-7', config);
    expect(findReplyToken(['support@help.example.com', address.replace('acyij3', 'acyij4'), other, address], config)).toBe('conv-7');
    expect(findReplyToken(['support@help.example.com'], config)).toBeNull();
  });
});
