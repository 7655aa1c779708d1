import { describe, expect, it } from 'vitest';
import { decideLink, type IdentifierOwner } from '../../../../src/core/conversations/contact-linking.js';
import type { IdentifierKind, IdentifierSource } from '../../../../src/core/conversations/contact-types.js';
import { isTrustedSource, trustOf } from '../../../../src/core/conversations/identifier-trust.js';

describe('identifier trust', () => {
  it.each([
    ['phone', 'trunk-caller-id', true],
    ['email', 'mail-from', true],
    ['email', 'mail-from-unverified', false],
    ['email', 'widget-user', true],
    ['chat', 'widget-visitor', true],
    ['external', 'external-system', true],
    ['email', 'chat-form', false],
    ['phone', 'chat-form', false],
    ['phone', 'agent-entered', false],
    // A source vouches only for what it carries: the trunk knows numbers, not addresses.
    ['email', 'trunk-caller-id', false],
  ] as const)('given a %s from %s, then trusted is %s', (kind, source, trusted) => {
    expect(trustOf(kind, source)).toBe(trusted);
  });

  it('given the sources, then a typed-in form address is the untrusted one of the chat sources', () => {
    expect(isTrustedSource('widget-user')).toBe(true);
    expect(isTrustedSource('chat-form')).toBe(false);
  });
});

const trusted = (contactId: string): IdentifierOwner => ({ contactId, trusted: true });
const untrusted = (contactId: string): IdentifierOwner => ({ contactId, trusted: false });

describe('linking decision', () => {
  const cases: { name: string; kind: IdentifierKind; source: IdentifierSource; owners: IdentifierOwner[]; expected: ReturnType<typeof decideLink> }[] = [
    { name: 'a trunk caller id nobody has', kind: 'phone', source: 'trunk-caller-id', owners: [], expected: { action: 'create', suggestions: [] } },
    { name: 'a trunk caller id a contact holds trusted', kind: 'phone', source: 'trunk-caller-id', owners: [trusted('c1')], expected: { action: 'link', contactId: 'c1' } },
    {
      name: 'a mail From that others typed into chat forms',
      kind: 'email', source: 'mail-from', owners: [untrusted('c2'), untrusted('c3')],
      expected: { action: 'create', suggestions: ['c2', 'c3'] },
    },
    {
      name: 'a mail From held trusted by one contact and typed by another',
      kind: 'email', source: 'mail-from', owners: [untrusted('c2'), trusted('c1')],
      expected: { action: 'link', contactId: 'c1' },
    },
    {
      name: 'an address typed into a chat form that a contact holds trusted',
      kind: 'email', source: 'chat-form', owners: [trusted('c1')],
      expected: { action: 'unlinked', suggestions: ['c1'] },
    },
    { name: 'an address typed into a chat form nobody has', kind: 'email', source: 'chat-form', owners: [], expected: { action: 'unlinked', suggestions: [] } },
    { name: 'an authenticated widget user', kind: 'email', source: 'widget-user', owners: [trusted('c4')], expected: { action: 'link', contactId: 'c4' } },
    {
      name: 'a mail From whose SPF/DKIM did not align',
      kind: 'email', source: 'mail-from-unverified', owners: [trusted('c1'), untrusted('c1')],
      expected: { action: 'unlinked', suggestions: ['c1'] },
    },
  ];
  it.each(cases.map((c) => [c.name, c] as const))('given %s, when deciding, then the decision follows the trust rules', (_name, c) => {
    expect(decideLink(c.kind, c.source, c.owners)).toEqual(c.expected);
  });
});
