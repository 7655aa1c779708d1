import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../src/adapters/sqlite/database.js';
import { createSqliteContactStore } from '../../../src/adapters/sqlite/sqlite-contact-store.js';
import { newConversation } from '../../../src/core/conversations/conversation-machine.js';
import type { ContactStore } from '../../../src/ports/contact-store.js';
import { ContactError, createContactService, type ContactService } from '../../../src/services/contact-service.js';
import { fakeClock } from '../support/helpers.js';

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);

describe('contact service', () => {
  let db: Db;
  let store: ContactStore;
  let service: ContactService;
  let ids: number;
  beforeEach(() => {
    db = openDatabase(':memory:');
    store = createSqliteContactStore(db, { defaultRegion: 'DE' });
    ids = 0;
    service = createContactService({ store, defaultRegion: 'DE', now: fakeClock(T0 + 60_000).now, newId: () => `ct-${++ids}` });
  });
  afterEach(() => db.close());

  const errorCode = (run: () => unknown) => {
    try {
      run();
    } catch (err) {
      return err instanceof ContactError ? err.code : String(err);
    }
    return 'no error';
  };

  it('given a first call from a number, when linked, then a contact is created holding it trusted in E.164', () => {
    expect(service.linkCaller('030 1234567', T0)).toBe('ct-1');
    expect(store.identifiers('ct-1')).toEqual([{ contactId: 'ct-1', kind: 'phone', value: '+49301234567', trusted: true, source: 'trunk-caller-id', addedAt: T0 }]);
  });

  it('given a known caller, when the trunk sends the number in another form, then the same contact comes back and none is created', () => {
    service.linkCaller('+49 30 1234567', T0);
    expect(service.linkCaller('0049301234567', T0 + 1)).toBe('ct-1');
    expect(service.linkCaller('0301234567', T0 + 2)).toBe('ct-1');
    expect(ids).toBe(1);
  });

  it.each(['', 'anonymous', 'unknown', 'restricted', 'Anonymous'])('given a withheld caller id %j, when linked, then no contact is linked or created', (raw) => {
    expect(service.linkCaller(raw, T0)).toBeNull();
    expect(ids).toBe(0);
  });

  it('given an address a contact typed into a chat form, when the same address arrives typed again, then nothing links and the holder is a suggestion', () => {
    service.link('email', 'bob@example.com', 'mail-from', T0);
    expect(service.link('email', 'Bob@Example.com', 'chat-form', T0)).toEqual({
      contactId: null, value: 'bob@example.com', decision: { action: 'unlinked', suggestions: ['ct-1'] }, created: false,
    });
  });

  it('given two contacts, when merged by a supervisor, then the merged id shows the survivor with both identifiers and the audit entry', () => {
    service.linkCaller('0301234567', T0);
    service.link('email', 'bob@example.com', 'mail-from', T0);
    const audit = service.merge('ct-1', 'ct-2', 'sup-key', 'same customer');
    expect(audit).toMatchObject({ survivorId: 'ct-1', mergedId: 'ct-2', actor: 'sup-key', reason: 'same customer', at: T0 + 60_000 });
    const view = service.get('ct-2');
    expect(view.contact.id).toBe('ct-1');
    expect(view.identifiers.map((i) => i.value)).toEqual(['+49301234567', 'bob@example.com']);
    expect(view.merges).toHaveLength(1);
    expect(service.link('email', 'bob@example.com', 'mail-from', T0 + 1).contactId).toBe('ct-1');
  });

  it('given contacts already merged, when merged again in either order or with itself, then it is refused with a stable code', () => {
    service.linkCaller('0301234567', T0);
    service.linkCaller('0309999999', T0);
    service.merge('ct-1', 'ct-2', 'sup', '');
    expect(errorCode(() => service.merge('ct-1', 'ct-2', 'sup', ''))).toBe('already_merged');
    expect(errorCode(() => service.merge('ct-2', 'ct-1', 'sup', ''))).toBe('already_merged');
    expect(errorCode(() => service.merge('ct-1', 'ct-1', 'sup', ''))).toBe('same_contact');
    expect(errorCode(() => service.merge('ct-1', 'ct-404', 'sup', ''))).toBe('not_found');
  });

  it('given a merged-away id, when its timeline is read, then the survivor’s timeline comes back with the moved conversations', () => {
    service.linkCaller('0301234567', T0);
    service.link('email', 'bob@example.com', 'mail-from', T0);
    store.createConversation(newConversation({ id: 'cv-mail', contactId: 'ct-2', channel: 'email', at: T0 + 10 }));
    db.prepare("INSERT INTO calls (id, channel_id, direction, caller_number, status, started_at) VALUES ('call-1', 'ch-1', 'inbound', '0301234567', 'ended', ?)").run(T0 + 5);
    service.merge('ct-1', 'ct-2', 'sup', '');
    const timeline = service.timeline('ct-2');
    expect(timeline.contactId).toBe('ct-1');
    expect(timeline.entries.map((e) => e.kind)).toEqual(['conversation', 'call']);
    expect(errorCode(() => service.timeline('ct-404'))).toBe('not_found');
  });

  it('given search text, when found by identifier, then it is normalized first and garbage is refused', () => {
    service.linkCaller('0301234567', T0);
    expect(service.findByIdentifier('+49 30 1234567')).toEqual({ kind: 'phone', value: '+49301234567', contacts: [{ contactId: 'ct-1', trusted: true }] });
    expect(errorCode(() => service.findByIdentifier('anonymous'))).toBe('invalid_identifier');
  });
});
