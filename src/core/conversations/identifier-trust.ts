import type { IdentifierKind, IdentifierSource } from './contact-types.js';

// Trusted means someone other than the customer's keyboard vouches for the identifier: the carrier
// for a caller id, the receiving MTA for a From (the mail adapter passes 'mail-from-unverified'
// when SPF/DKIM alignment fails), our own login for a widget user, an integration's API key for an
// external id. An address typed into a chat form is stored and shown but never links: auto-linking
// on it merged strangers' histories in Chatwoot (chatwoot#2811). An agent typing an identifier on
// a contact card is also untrusted: a typo must not pull the next caller into the wrong history.
// The widget visitor id is trusted for 'chat' only: it is our cookie, so it proves "same browser".
const TRUSTED: Record<IdentifierSource, boolean> = {
  'trunk-caller-id': true,
  'mail-from': true,
  'mail-from-unverified': false,
  'widget-user': true,
  'widget-visitor': true,
  'external-system': true,
  'chat-form': false,
  'agent-entered': false,
};

export const isTrustedSource = (source: IdentifierSource): boolean => TRUSTED[source];

// Which kinds a source can vouch for: the trunk vouches for a phone number, never an email.
const KINDS: Record<IdentifierSource, readonly IdentifierKind[]> = {
  'trunk-caller-id': ['phone'],
  'mail-from': ['email'],
  'mail-from-unverified': ['email'],
  'widget-user': ['email', 'phone', 'external'],
  'widget-visitor': ['chat'],
  'external-system': ['external', 'phone', 'email'],
  'chat-form': ['email', 'phone'],
  'agent-entered': ['phone', 'email', 'chat', 'external'],
};

/** Trusted only when the source is and it may speak for this kind of identifier. */
export const trustOf = (kind: IdentifierKind, source: IdentifierSource): boolean => TRUSTED[source] && KINDS[source].includes(kind);
