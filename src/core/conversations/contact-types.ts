// The contact model shared by the linking rules, merge and the store port. A contact is a person
// (or company line) we talk to; identifiers are how a channel recognises them.

/** phone: E.164; email: lowercased address; chat: the widget's visitor id; external: `<system>:<id>`. */
export type IdentifierKind = 'phone' | 'email' | 'chat' | 'external';

/** Where an identifier came from: decides whether it may link (see identifier-trust.ts). */
export type IdentifierSource =
  | 'trunk-caller-id'
  | 'mail-from'
  | 'mail-from-unverified'
  | 'widget-user'
  | 'widget-visitor'
  | 'external-system'
  | 'chat-form'
  | 'agent-entered';

export interface Identifier {
  kind: IdentifierKind;
  /** Normalized (identifier-normalize.ts); the only form stored and compared. */
  value: string;
}

export interface ContactIdentifier extends Identifier {
  contactId: string;
  trusted: boolean;
  source: IdentifierSource;
  addedAt: number;
}

export interface Contact {
  id: string;
  name: string;
  createdAt: number;
  updatedAt: number;
  /** Set once the contact was merged away: every lookup of this id continues at the survivor. */
  mergedInto: string | null;
  mergedAt: number | null;
}
