import type { IdentifierKind, IdentifierSource } from './contact-types.js';
import { trustOf } from './identifier-trust.js';

/** A contact already holding the identifier (after following merges). */
export interface IdentifierOwner {
  contactId: string;
  trusted: boolean;
}

export type LinkDecision =
  /** The identifier is trusted and a contact holds it trusted: this is that contact. */
  | { action: 'link'; contactId: string }
  /** Trusted and nobody holds it trusted: a new contact owns it; others holding it untrusted are merge suggestions. */
  | { action: 'create'; suggestions: string[] }
  /** Untrusted: never linked. It is stored where the caller puts it; contacts holding it are suggestions. */
  | { action: 'unlinked'; suggestions: string[] };

// Linking happens only on trust from both sides: the identifier arriving now and the one stored.
// An untrusted stored claim (someone typed this address into a chat form) never pulls a trusted
// arrival into that contact, and an untrusted arrival never joins anyone's history; both only
// produce suggestions an agent can confirm with a merge.
export function decideLink(kind: IdentifierKind, source: IdentifierSource, owners: readonly IdentifierOwner[]): LinkDecision {
  const others = (except?: string) => [...new Set(owners.map((o) => o.contactId).filter((id) => id !== except))];
  if (!trustOf(kind, source)) return { action: 'unlinked', suggestions: others() };
  // The store keeps a trusted identifier on one contact at most (a unique index); should two ever
  // come back, the first (the store's oldest) wins and the rest are suggestions.
  const owner = owners.find((o) => o.trusted);
  if (owner) return { action: 'link', contactId: owner.contactId };
  return { action: 'create', suggestions: others() };
}
