import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../src/adapters/sqlite/database.js';
import { createSqliteContactStore } from '../../../src/adapters/sqlite/sqlite-contact-store.js';
import { newConversation } from '../../../src/core/conversations/conversation-machine.js';
import type { ContactStore, NewIdentifier } from '../../../src/ports/contact-store.js';
import { tempDir } from '../support/helpers.js';

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);
const phone = (value: string): NewIdentifier => ({ kind: 'phone', value, trusted: true, source: 'trunk-caller-id' });
const email = (value: string, trusted = true): NewIdentifier => ({ kind: 'email', value, trusted, source: trusted ? 'mail-from' : 'chat-form' });
const customer = { kind: 'customer' as const, id: null };

describe('SQLite contact store', () => {
  let cleanup: () => void;
  let db: Db;
  let store: ContactStore;
  beforeEach(() => {
    let dir: string;
    ({ dir, cleanup } = tempDir());
    db = openDatabase(join(dir, 'switchboard.db'));
    store = createSqliteContactStore(db, { defaultRegion: 'DE' });
  });
  afterEach(() => {
    if (db.open) db.close();
    cleanup();
  });

  const create = (id: string, ...identifiers: NewIdentifier[]) => {
    const result = store.createContact({ id, name: id, at: T0, identifiers });
    if (!result.created) throw new Error(`not created: ${result.contactId}`);
    return result.contact;
  };
  const insertCall = (id: string, callerNumber: string, startedAt: number) =>
    db.prepare("INSERT INTO calls (id, channel_id, direction, caller_number, status, started_at, ended_at, duration_ms) VALUES (?, ?, 'inbound', ?, 'ended', ?, ?, 1000)")
      .run(id, `ch-${id}`, callerNumber, startedAt, startedAt + 1000);
  const insertRecording = (id: string, callId: string, segment: number, deletedAt: number | null = null) =>
    db.prepare("INSERT INTO recordings (id, call_id, segment, status, started_at, deleted_at) VALUES (?, ?, ?, 'complete', ?, ?)").run(id, callId, segment, T0, deletedAt);

  it('given a contact with a trusted phone, when found by that identifier, then it is the trusted owner', () => {
    create('ct-a', phone('+49301234567'));
    expect(store.findByIdentifier({ kind: 'phone', value: '+49301234567' })).toEqual([{ contactId: 'ct-a', trusted: true }]);
    expect(store.findByIdentifier({ kind: 'phone', value: '+49309999999' })).toEqual([]);
    expect(store.getContact('ct-a')).toMatchObject({ id: 'ct-a', mergedInto: null, createdAt: T0 });
  });

  it('given a trusted identifier already owned, when another contact is created with it, then nothing is created and the owner comes back', () => {
    create('ct-a', phone('+49301234567'));
    expect(store.createContact({ id: 'ct-b', at: T0, identifiers: [phone('+49301234567')] })).toEqual({ created: false, contactId: 'ct-a' });
    expect(store.getContact('ct-b')).toBeUndefined();
  });

  it('given an address typed into two chat forms, when added untrusted to both contacts, then both hold it and a trusted claim by a third conflicts with neither', () => {
    create('ct-a');
    create('ct-b');
    expect(store.addIdentifier('ct-a', email('x@example.com', false), T0)).toBe('added');
    expect(store.addIdentifier('ct-b', email('x@example.com', false), T0)).toBe('added');
    create('ct-c', email('x@example.com'));
    expect(store.findByIdentifier({ kind: 'email', value: 'x@example.com' })).toEqual([
      { contactId: 'ct-c', trusted: true },
      { contactId: 'ct-a', trusted: false },
      { contactId: 'ct-b', trusted: false },
    ]);
    expect(store.addIdentifier('ct-a', email('x@example.com'), T0)).toBe('conflict');
  });

  it('given an untrusted identifier on a contact, when the same arrives trusted for it, then it is upgraded in place', () => {
    create('ct-a', email('x@example.com', false));
    expect(store.addIdentifier('ct-a', email('x@example.com'), T0 + 1)).toBe('exists');
    expect(store.identifiers('ct-a')).toEqual([{ contactId: 'ct-a', kind: 'email', value: 'x@example.com', trusted: true, source: 'mail-from', addedAt: T0 }]);
  });

  it('given two contacts with conversations, when merged, then identifiers and conversations move, the old id resolves to the survivor and one audit row is kept', () => {
    create('ct-a', phone('+49301234567'), email('shared@example.com', false));
    create('ct-b', email('b@example.com'), email('shared@example.com'));
    store.createConversation(newConversation({ id: 'cv-b', contactId: 'ct-b', channel: 'email', subject: 'Invoice', at: T0 }));
    const result = store.merge({ survivorId: 'ct-a', mergedId: 'ct-b', actor: 'sup', reason: 'same person', at: T0 + 5 });
    if (!result.ok) throw new Error(result.message);
    expect(store.identifiers('ct-a').map((i) => [i.kind, i.value, i.trusted])).toEqual([
      ['phone', '+49301234567', true],
      ['email', 'shared@example.com', true],
      ['email', 'b@example.com', true],
    ]);
    expect(store.identifiers('ct-b')).toEqual([]);
    expect(store.getConversation('cv-b')?.contactId).toBe('ct-a');
    expect(store.getContact('ct-b')).toMatchObject({ mergedInto: 'ct-a', mergedAt: T0 + 5 });
    expect(store.resolveContactId('ct-b')).toBe('ct-a');
    expect(store.findByIdentifier({ kind: 'email', value: 'b@example.com' })).toEqual([{ contactId: 'ct-a', trusted: true }]);
    expect(store.merges('ct-b')).toEqual([
      { seq: result.audit.seq, at: T0 + 5, survivorId: 'ct-a', mergedId: 'ct-b', actor: 'sup', reason: 'same person', data: expect.objectContaining({ conversationIds: ['cv-b'] }) as unknown },
    ]);
    expect(() => db.prepare('DELETE FROM contact_merges').run()).toThrow(/append-only/);
    expect(() => db.prepare("UPDATE contact_merges SET actor = 'x'").run()).toThrow(/append-only/);
  });

  it('given a merged-away contact, when merged again, then it is refused and nothing changes', () => {
    create('ct-a');
    create('ct-b');
    store.merge({ survivorId: 'ct-a', mergedId: 'ct-b', actor: 'sup', reason: '', at: T0 });
    expect(store.merge({ survivorId: 'ct-a', mergedId: 'ct-b', actor: 'sup', reason: '', at: T0 })).toMatchObject({ ok: false, code: 'already_merged' });
    expect(store.merge({ survivorId: 'ct-a', mergedId: 'ct-zz', actor: 'sup', reason: '', at: T0 })).toMatchObject({ ok: false, code: 'not_found' });
    expect(store.merges('ct-a')).toHaveLength(1);
  });

  it('given a conversation, when events are appended, then seq counts from 1 and a retried client message is stored once', () => {
    store.createConversation(newConversation({ id: 'cv-1', contactId: null, channel: 'chat', at: T0 }));
    const first = store.appendEvent('cv-1', { at: T0, type: 'message', author: customer, clientMsgId: 'm-1', data: { text: 'hi' } });
    const second = store.appendEvent('cv-1', { at: T0 + 1, type: 'status.queued', author: { kind: 'system', id: null } });
    const retried = store.appendEvent('cv-1', { at: T0 + 2, type: 'message', author: customer, clientMsgId: 'm-1', data: { text: 'hi' } });
    expect([first.event.seq, second.event.seq]).toEqual([1, 2]);
    expect(retried).toEqual({ event: first.event, duplicate: true });
    expect(store.getConversation('cv-1')?.lastSeq).toBe(2);
    expect(store.eventsAfter('cv-1', 1, 10)).toEqual([second.event]);
    expect(store.eventsAfter('cv-1', 0, 10).map((e) => e.seq)).toEqual([1, 2]);
    expect(() => store.appendEvent('cv-missing', { at: T0, type: 'message', author: customer })).toThrow(/not found/);
  });

  it('given a conversation, when updated, then the patched fields are stored', () => {
    store.createConversation(newConversation({ id: 'cv-1', contactId: null, channel: 'chat', at: T0 }));
    store.updateConversation('cv-1', { status: 'assigned', agentId: 'alice', refs: { widget: 'w1' }, updatedAt: T0 + 9 });
    expect(store.getConversation('cv-1')).toMatchObject({ status: 'assigned', agentId: 'alice', refs: { widget: 'w1' }, updatedAt: T0 + 9, queueId: null });
  });

  it('given calls stored as the trunk sent the number, when the timeline is read, then every form of the contact’s number is found with recordings counted, newest first', () => {
    create('ct-a', phone('+49301234567'));
    insertCall('call-national', '0301234567', T0);
    insertCall('call-e164', '+49301234567', T0 + 1000);
    insertCall('call-intl', '0049301234567', T0 + 2000);
    insertCall('call-other', '0309999999', T0 + 3000);
    insertCall('call-voice', '+49301234567', T0 + 5000);
    insertRecording('rec-1', 'call-e164', 1);
    insertRecording('rec-2', 'call-e164', 2);
    insertRecording('rec-3', 'call-e164', 3, T0);
    store.createConversation(newConversation({ id: 'cv-chat', contactId: 'ct-a', channel: 'chat', at: T0 + 4000 }));
    store.createConversation(newConversation({ id: 'cv-voice', contactId: 'ct-a', channel: 'voice', callId: 'call-voice', at: T0 + 5000 }));
    const entries = store.timeline('ct-a', { limit: 10 });
    expect(entries.map((e) => (e.kind === 'call' ? e.call.id : e.conversation.id))).toEqual(['cv-voice', 'cv-chat', 'call-intl', 'call-e164', 'call-national']);
    const e164 = entries.find((e) => e.kind === 'call' && e.call.id === 'call-e164');
    expect(e164?.kind === 'call' && e164.call.recordings).toBe(2);
    expect(store.timeline('ct-a', { limit: 2, before: T0 + 4000 }).map((e) => e.at)).toEqual([T0 + 2000, T0 + 1000]);
  });
});
