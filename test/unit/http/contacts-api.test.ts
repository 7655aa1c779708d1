import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../src/adapters/sqlite/database.js';
import { createSqliteApiKeyStore } from '../../../src/adapters/sqlite/sqlite-api-key-store.js';
import { createSqliteContactStore } from '../../../src/adapters/sqlite/sqlite-contact-store.js';
import { newConversation } from '../../../src/core/conversations/conversation-machine.js';
import { registerAuth } from '../../../src/http/plugins/auth.js';
import { registerErrorHandler } from '../../../src/http/plugins/error-handler.js';
import { contactRoutes } from '../../../src/http/routes/contacts/index.js';
import { ErrorSchema } from '../../../src/http/schemas.js';
import { createApiKeyService } from '../../../src/services/api-key-service.js';
import { createContactService, type ContactService } from '../../../src/services/contact-service.js';
import { bearer, T0 } from './support.js';

// build-app.ts does not register the contact routes yet: the same plugins, over real SQLite.
describe('HTTP: contacts', () => {
  let db: Db;
  let app: FastifyInstance;
  let contacts: ContactService;
  let supervisor: string;
  let agent: string;
  beforeEach(async () => {
    db = openDatabase(':memory:');
    const keys = createApiKeyService(createSqliteApiKeyStore(db));
    let n = 0;
    contacts = createContactService({ store: createSqliteContactStore(db, { defaultRegion: 'DE' }), defaultRegion: 'DE', now: () => T0 + 60_000, newId: () => `ct-${++n}` });
    app = Fastify({ ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } } }).withTypeProvider<TypeBoxTypeProvider>();
    registerErrorHandler(app);
    app.addSchema(ErrorSchema);
    registerAuth(app, keys, () => T0);
    await app.register(contactRoutes(contacts), { prefix: '/api/v1' });
    await app.ready();
    supervisor = keys.create('sup', 'supervisor', T0).key;
    agent = keys.create('desk', 'agent', T0).key;
  });
  afterEach(async () => {
    await app.close();
    db.close();
  });

  it('given a caller linked by the trunk, when looked up by the number in national form, then the contact is found by its E.164 identifier', async () => {
    contacts.linkCaller('+49 30 1234567', T0);
    const res = await app.inject({ method: 'GET', url: `/api/v1/contacts?identifier=${encodeURIComponent('030 1234567')}`, headers: bearer(agent) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ kind: 'phone', value: '+49301234567', items: [{ contactId: 'ct-1', trusted: true }] });
  });

  it('given an identifier that is not one, when looked up, then it is 400 invalid_identifier', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/contacts?identifier=anonymous', headers: bearer(agent) });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'invalid_identifier' });
  });

  it('given two contacts, when a supervisor merges them, then the merged id shows the survivor with the audit and the timeline holds both histories', async () => {
    contacts.linkCaller('0301234567', T0);
    const mail = contacts.link('email', 'bob@example.com', 'mail-from', T0).contactId!;
    createConversation(db, 'cv-mail', mail, T0 + 1000);
    db.prepare("INSERT INTO calls (id, channel_id, direction, caller_number, status, started_at) VALUES ('call-1', 'ch', 'inbound', '0301234567', 'ended', ?)").run(T0);
    const merge = await app.inject({ method: 'POST', url: '/api/v1/contacts/ct-1/merge', headers: bearer(supervisor), payload: { mergedId: mail, reason: 'same customer' } });
    expect(merge.statusCode).toBe(200);
    expect(merge.json()).toMatchObject({ survivorId: 'ct-1', mergedId: mail, actor: 'sup', reason: 'same customer', at: new Date(T0 + 60_000).toISOString() });

    const card = await app.inject({ method: 'GET', url: `/api/v1/contacts/${mail}`, headers: bearer(agent) });
    expect(card.json()).toMatchObject({ id: 'ct-1', identifiers: [{ kind: 'phone', value: '+49301234567' }, { kind: 'email', value: 'bob@example.com' }] });

    const timeline = await app.inject({ method: 'GET', url: '/api/v1/contacts/ct-1/timeline?limit=10', headers: bearer(agent) });
    expect(timeline.statusCode).toBe(200);
    const body = timeline.json<{ entries: { kind: string; conversation: { id: string } | null; call: { id: string; recordings: number } | null }[] }>();
    expect(body.entries.map((e) => e.conversation?.id ?? e.call?.id)).toEqual(['cv-mail', 'call-1']);
    expect(body.entries[1]?.call?.recordings).toBe(0);
  });

  it('given an agent key, when it merges, then it is 403; and merging a contact twice is 409', async () => {
    contacts.linkCaller('0301234567', T0);
    contacts.linkCaller('0309999999', T0);
    const denied = await app.inject({ method: 'POST', url: '/api/v1/contacts/ct-1/merge', headers: bearer(agent), payload: { mergedId: 'ct-2', reason: 'x' } });
    expect(denied.statusCode).toBe(403);
    await app.inject({ method: 'POST', url: '/api/v1/contacts/ct-1/merge', headers: bearer(supervisor), payload: { mergedId: 'ct-2', reason: 'x' } });
    const again = await app.inject({ method: 'POST', url: '/api/v1/contacts/ct-1/merge', headers: bearer(supervisor), payload: { mergedId: 'ct-2', reason: 'x' } });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'already_merged' });
  });

  it('given an unknown contact, when its card or timeline is asked, then it is 404', async () => {
    for (const url of ['/api/v1/contacts/ct-404', '/api/v1/contacts/ct-404/timeline']) {
      const res = await app.inject({ method: 'GET', url, headers: bearer(agent) });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'not_found' });
    }
  });
});

function createConversation(db: Db, id: string, contactId: string, at: number): void {
  createSqliteContactStore(db).createConversation(newConversation({ id, contactId, channel: 'email', subject: 'Invoice', at }));
}
