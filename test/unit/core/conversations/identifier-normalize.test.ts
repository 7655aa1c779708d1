import { describe, expect, it } from 'vitest';
import {
  isWithheldNumber,
  normalizeChatVisitor,
  normalizeEmail,
  normalizeExternalId,
  normalizePhone,
  parseIdentifierQuery,
  phoneVariants,
} from '../../../../src/core/conversations/identifier-normalize.js';

describe('phone normalization', () => {
  it.each([
    ['+49 30 1234567', undefined, '+49301234567'],
    ['030 1234567', 'DE', '+49301234567'],
    ['0049301234567', 'DE', '+49301234567'],
    ['+1 (415) 555-0100', 'DE', '+14155550100'],
    ['011 44 20 7946 0958', 'US', '+442079460958'],
    ['+44 20 7946 0958 ext 12', undefined, '+442079460958'],
  ] as const)('given %s in region %s, when normalized, then it is %s', (raw, region, e164) => {
    expect(normalizePhone(raw, region)).toBe(e164);
  });

  it.each([
    ['', 'DE'],
    ['anonymous', 'DE'],
    ['Anonymous', 'DE'],
    [' unknown ', 'DE'],
    ['RESTRICTED', 'DE'],
    ['1001', 'DE'],
    ['030 1234567', undefined],
    ['sip:alice@example.com', 'DE'],
    ['1-800-FLOWERS', 'US'],
    ['+999123456', undefined],
  ] as const)('given %j in region %s, when normalized, then there is no number to link', (raw, region) => {
    expect(normalizePhone(raw, region)).toBeNull();
  });

  it('given the withheld words trunks send, when checked, then each is withheld and a number is not', () => {
    for (const w of ['', 'anonymous', 'unknown', 'restricted', 'private', 'withheld']) expect(isWithheldNumber(w)).toBe(true);
    expect(isWithheldNumber(null)).toBe(true);
    expect(isWithheldNumber('+49301234567')).toBe(false);
  });

  it('given an E.164 number, when its trunk variants are listed, then each normalizes back to it in its region', () => {
    const variants = phoneVariants('+49301234567');
    expect(variants).toEqual(expect.arrayContaining(['+49301234567', '49301234567', '0049301234567', '0301234567', '301234567']));
    for (const v of variants) expect(normalizePhone(v, 'DE')).toBe('+49301234567');
    expect(phoneVariants('+14155550100')).toContain('01114155550100');
  });
});

describe('email, chat visitor and external id normalization', () => {
  it.each([
    [' Alice@Example.COM ', 'alice@example.com'],
    ['<bob@example.org>', 'bob@example.org'],
    ['mailto:Carol@Example.org', 'carol@example.org'],
    ['dora@münchen.de', 'dora@xn--mnchen-3ya.de'],
  ])('given the address %j, when normalized, then it is %s', (raw, value) => {
    expect(normalizeEmail(raw)).toBe(value);
  });

  it.each(['', 'alice', '@example.com', 'alice@', 'a b@example.com', 'alice@localhost', 'alice@exa mple.com'])('given %j, when normalized as email, then it is rejected', (raw) => {
    expect(normalizeEmail(raw)).toBeNull();
  });

  it('given a widget visitor id, when normalized, then only whitespace goes and case stays', () => {
    expect(normalizeChatVisitor('  vis_AbC123xyz ')).toBe('vis_AbC123xyz');
    expect(normalizeChatVisitor('short')).toBeNull();
    expect(normalizeChatVisitor('has space inside')).toBeNull();
  });

  it('given external ids, when normalized, then the system is lowercased, the id kept, and a bare id rejected', () => {
    expect(normalizeExternalId(' CRM:Ab-4711 ')).toBe('crm:Ab-4711');
    expect(normalizeExternalId('4711')).toBeNull();
    expect(normalizeExternalId(':4711')).toBeNull();
    expect(normalizeExternalId('crm:')).toBeNull();
  });
});

describe('identifier search text', () => {
  it.each([
    ['email:Alice@Example.com', { kind: 'email', value: 'alice@example.com' }],
    ['Alice@Example.com', { kind: 'email', value: 'alice@example.com' }],
    ['030 1234567', { kind: 'phone', value: '+49301234567' }],
    ['phone:+49 30 1234567', { kind: 'phone', value: '+49301234567' }],
    ['external:CRM:4711', { kind: 'external', value: 'crm:4711' }],
    ['chat:vis_AbC123xyz', { kind: 'chat', value: 'vis_AbC123xyz' }],
  ])('given %j, when parsed with region DE, then it is %o', (text, identifier) => {
    expect(parseIdentifierQuery(text, 'DE')).toEqual(identifier);
  });

  it('given text that is no identifier, when parsed, then null', () => {
    expect(parseIdentifierQuery('anonymous', 'DE')).toBeNull();
    expect(parseIdentifierQuery('email:nope', 'DE')).toBeNull();
  });
});
