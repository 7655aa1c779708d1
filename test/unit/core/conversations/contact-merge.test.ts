import { describe, expect, it } from 'vitest';
import { planMerge, resolveMerged } from '../../../../src/core/conversations/contact-merge.js';
import type { Contact, ContactIdentifier } from '../../../../src/core/conversations/contact-types.js';

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);
const contact = (id: string, mergedInto: string | null = null): Contact => ({ id, name: id.toUpperCase(), createdAt: T0, updatedAt: T0, mergedInto, mergedAt: mergedInto ? T0 : null });
const ident = (contactId: string, kind: ContactIdentifier['kind'], value: string, trusted: boolean): ContactIdentifier => ({
  contactId, kind, value, trusted, source: trusted ? 'mail-from' : 'chat-form', addedAt: T0,
});

describe('merge plan', () => {
  it('given two contacts with distinct identifiers, when planned, then every identifier moves and the audit lists them with the conversations', () => {
    const result = planMerge(contact('a'), contact('b'), [ident('a', 'phone', '+49301234567', true)], [ident('b', 'email', 'b@example.com', true)], ['cv-1']);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.plan.move.map((i) => i.value)).toEqual(['b@example.com']);
    expect(result.plan.drop).toEqual([]);
    expect(result.plan.audit).toEqual({
      survivor: { id: 'a', name: 'A' },
      merged: { id: 'b', name: 'B' },
      identifiers: [{ kind: 'email', value: 'b@example.com', trusted: true, source: 'mail-from', outcome: 'moved' }],
      conversationIds: ['cv-1'],
    });
  });

  it('given the survivor typed an address the merged contact holds trusted, when planned, then the copy is dropped and the survivor’s upgraded', () => {
    const result = planMerge(contact('a'), contact('b'), [ident('a', 'email', 'x@example.com', false)], [ident('b', 'email', 'x@example.com', true)], []);
    if (!result.ok) throw new Error(result.message);
    expect(result.plan.drop.map((i) => i.contactId)).toEqual(['b']);
    expect(result.plan.upgrade).toEqual([{ ...ident('a', 'email', 'x@example.com', false), trusted: true, source: 'mail-from' }]);
    expect(result.plan.audit.identifiers[0]?.outcome).toBe('upgraded');
  });

  it('given both hold the same untrusted address, when planned, then the merged copy is dropped and nothing is upgraded', () => {
    const result = planMerge(contact('a'), contact('b'), [ident('a', 'email', 'x@example.com', false)], [ident('b', 'email', 'x@example.com', false)], []);
    if (!result.ok) throw new Error(result.message);
    expect(result.plan.upgrade).toEqual([]);
    expect(result.plan.audit.identifiers.map((i) => i.outcome)).toEqual(['dropped']);
  });

  it.each([
    ['the same contact twice', contact('a'), contact('a'), 'same_contact'],
    ['a merged-away survivor', contact('a', 'z'), contact('b'), 'already_merged'],
    ['a merged-away contact to merge', contact('a'), contact('b', 'a'), 'already_merged'],
  ] as const)('given %s, when planned, then it is refused', (_name, a, b, code) => {
    const result = planMerge(a, b, [], [], []);
    expect(result.ok ? null : result.code).toBe(code);
  });
});

describe('merged id resolution', () => {
  const links: Record<string, string | null> = { a: 'b', b: 'c', c: null, loop1: 'loop2', loop2: 'loop1' };
  const lookup = (id: string) => links[id];

  it.each([
    ['c', 'c'],
    ['b', 'c'],
    ['a', 'c'],
    ['missing', undefined],
    ['loop1', undefined],
  ])('given the id %s, when resolved, then it reaches %s', (id, expected) => {
    expect(resolveMerged(id, lookup)).toBe(expected);
  });
});
