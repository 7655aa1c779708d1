import { randomUUID } from 'node:crypto';
import { decideLink, type LinkDecision } from '../core/conversations/contact-linking.js';
import type { Contact, ContactIdentifier, IdentifierKind, IdentifierSource } from '../core/conversations/contact-types.js';
import type { TimelineEntry } from '../core/conversations/contact-timeline.js';
import { normalizeIdentifier, parseIdentifierQuery, type CountryCode } from '../core/conversations/identifier-normalize.js';
import { trustOf } from '../core/conversations/identifier-trust.js';
import type { ContactMergeEntry, ContactStore } from '../ports/contact-store.js';

export type ContactErrorCode = 'not_found' | 'same_contact' | 'already_merged' | 'invalid_identifier';

export class ContactError extends Error {
  constructor(readonly code: ContactErrorCode, message: string) {
    super(message);
    this.name = 'ContactError';
  }
}

export interface ContactServiceDeps {
  store: Pick<ContactStore, 'getContact' | 'resolveContactId' | 'findByIdentifier' | 'identifiers' | 'createContact' | 'addIdentifier' | 'merge' | 'merges' | 'timeline'>;
  /** The trunk's country: national caller numbers ('030 1234567') are read in it. */
  defaultRegion?: CountryCode;
  now: () => number;
  newId?: () => string;
}

export interface LinkResult {
  /** The contact the conversation belongs to; null when the identifier is withheld, invalid or untrusted. */
  contactId: string | null;
  /** The identifier as stored, or null when it could not be normalized (withheld, garbage). */
  value: string | null;
  decision: LinkDecision | null;
  created: boolean;
}

export interface ContactView {
  contact: Contact;
  identifiers: ContactIdentifier[];
  merges: ContactMergeEntry[];
}

const DEFAULT_TIMELINE_LIMIT = 50;

// Contacts and their one timeline. Linking follows the trust rules of core/conversations: a
// trusted identifier (the trunk's caller id, a received mail's From, an authenticated widget user)
// finds or creates its contact; an untrusted one never links and only yields merge suggestions.
export function createContactService(deps: ContactServiceDeps) {
  const newId = deps.newId ?? (() => `ct-${randomUUID()}`);

  function link(kind: IdentifierKind, raw: string, source: IdentifierSource, at: number): LinkResult {
    const value = normalizeIdentifier(kind, raw, deps.defaultRegion);
    if (value === null) return { contactId: null, value: null, decision: null, created: false };
    const decision = decideLink(kind, source, deps.store.findByIdentifier({ kind, value }));
    if (decision.action === 'link') return { contactId: decision.contactId, value, decision, created: false };
    if (decision.action === 'unlinked') return { contactId: null, value, decision, created: false };
    const result = deps.store.createContact({ id: newId(), at, identifiers: [{ kind, value, trusted: trustOf(kind, source), source }] });
    // created: false means another request stored the same trusted identifier first: link to it.
    return result.created
      ? { contactId: result.contact.id, value, decision, created: true }
      : { contactId: result.contactId, value, decision: { action: 'link', contactId: result.contactId }, created: false };
  }

  const resolved = (id: string): string => {
    const current = deps.store.resolveContactId(id);
    if (current === undefined) throw new ContactError('not_found', `contact '${id}' not found`);
    return current;
  };

  return {
    link,

    /** The trunk's caller id of an inbound call: the contact's id, or null for a withheld or unusable number. */
    linkCaller(callerNumber: string, at: number): string | null {
      return link('phone', callerNumber, 'trunk-caller-id', at).contactId;
    },

    /** The contact for an id, following merges: a merged-away id shows the survivor. */
    get(id: string): ContactView {
      const current = resolved(id);
      return { contact: deps.store.getContact(current)!, identifiers: deps.store.identifiers(current), merges: deps.store.merges(current) };
    },

    /** `kind:value` or a bare email/phone; every contact holding it, trusted owner first. */
    findByIdentifier(text: string): { kind: IdentifierKind; value: string; contacts: { contactId: string; trusted: boolean }[] } {
      const identifier = parseIdentifierQuery(text, deps.defaultRegion);
      if (!identifier) throw new ContactError('invalid_identifier', `'${text}' is not a phone number, email address, chat visitor id or external id`);
      return { ...identifier, contacts: deps.store.findByIdentifier(identifier) };
    },

    timeline(contactId: string, options: { limit?: number; before?: number } = {}): { contactId: string; entries: TimelineEntry[] } {
      const current = resolved(contactId);
      return { contactId: current, entries: deps.store.timeline(current, { limit: options.limit ?? DEFAULT_TIMELINE_LIMIT, before: options.before }) };
    },

    /** Folds `mergedId` into `survivorId` (both resolved through earlier merges) and audits it. */
    merge(survivorId: string, mergedId: string, by: string, reason: string): ContactMergeEntry {
      const survivor = resolved(survivorId);
      const merged = resolved(mergedId);
      if (survivor === merged) {
        throw new ContactError(survivorId === mergedId ? 'same_contact' : 'already_merged', survivorId === mergedId ? 'a contact cannot be merged into itself' : `'${mergedId}' and '${survivorId}' are already one contact ('${survivor}')`);
      }
      const result = deps.store.merge({ survivorId: survivor, mergedId: merged, actor: by, reason, at: deps.now() });
      if (!result.ok) throw new ContactError(result.code, result.message);
      return result.audit;
    },
  };
}

export type ContactService = ReturnType<typeof createContactService>;
