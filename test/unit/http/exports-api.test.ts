import { join } from 'node:path';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../src/adapters/sqlite/database.js';
import { createSqliteAcdStateStore } from '../../../src/adapters/sqlite/sqlite-acd-state-store.js';
import { createSqliteApiKeyStore } from '../../../src/adapters/sqlite/sqlite-api-key-store.js';
import { createSqliteCallStore } from '../../../src/adapters/sqlite/sqlite-call-store.js';
import { registerAuth } from '../../../src/http/plugins/auth.js';
import { registerErrorHandler } from '../../../src/http/plugins/error-handler.js';
import { exportRoutes } from '../../../src/http/routes/exports/index.js';
import { createApiKeyService, type ApiKeyService } from '../../../src/services/api-key-service.js';
import { tempDir } from '../support/helpers.js';
import { bearer, T0 } from './support.js';

const E = Math.floor(T0 / 1000);
const iso = (ms: number) => new Date(ms).toISOString();

describe('the queue_log export', () => {
  let cleanup: () => void;
  let db: Db;
  let app: FastifyInstance;
  let keys: ApiKeyService;

  beforeEach(async () => {
    let dir: string;
    ({ dir, cleanup } = tempDir());
    db = openDatabase(join(dir, 'switchboard.db'));
    keys = createApiKeyService(createSqliteApiKeyStore(db));
    const calls = createSqliteCallStore(db);
    app = Fastify({ ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } } }).withTypeProvider<TypeBoxTypeProvider>();
    registerErrorHandler(app);
    registerAuth(app, keys, () => T0);
    await app.register(exportRoutes(calls), { prefix: '/api/v1' });
    await app.ready();

    calls.startCall({ id: 'call-1', channelId: 'ch-1', direction: 'inbound', callerNumber: '+33611111111', callerName: '', dialed: '100', flowId: null, startedAt: T0 });
    const acd = createSqliteAcdStateStore(db);
    const row = (ms: number, type: string, refs: { iid?: string; agent?: string; queue?: string; call?: string }, data: Record<string, unknown> = {}) =>
      acd.appendEvent({ at: T0 + ms, type, interactionId: refs.iid ?? null, agentId: refs.agent ?? null, queueId: refs.queue ?? null, callId: refs.call ?? null, data });
    row(0, 'acd.agent.login', { agent: 'alice' });
    row(1_000, 'acd.enqueued', { iid: 'r1', queue: 'sales', call: 'call-1' }, { position: 1 });
    row(1_100, 'acd.offered', { iid: 'r1', queue: 'sales', call: 'call-1', agent: 'alice' }, { offerId: 'o-1' });
    row(6_000, 'acd.offer.answered', { iid: 'r1', queue: 'sales', call: 'call-1', agent: 'alice' }, { offerId: 'o-1', waitMs: 5_000 });
    row(66_000, 'acd.ended', { iid: 'r1', queue: 'sales', call: 'call-1', agent: 'alice' }, { by: 'caller', talkMs: 60_000 });
    row(70_000, 'acd.wrapup.ended', { iid: 'r1', queue: 'sales', call: 'call-1', agent: 'alice' }, { early: false, handleMs: 64_000 });
    row(3_600_000, 'acd.agent.logout', { agent: 'alice' });
  });
  afterEach(async () => {
    await app.close();
    db.close();
    cleanup();
  });

  const get = (qs: string, key: string) => app.inject({ method: 'GET', url: `/api/v1/exports/queue_log?${qs}`, headers: bearer(key) });

  it('given a range, when a supervisor exports, then the lines are queue_log records in journal order as text/plain', async () => {
    const res = await get(`from=${encodeURIComponent(iso(T0))}&to=${encodeURIComponent(iso(T0 + 3_600_000))}`, keys.create('qm', 'supervisor', T0).key);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.body).toBe(
      [
        `${E}|NONE|NONE|Agent/alice|AGENTLOGIN|`,
        `${E + 1}|call-1|sales|NONE|ENTERQUEUE||+33611111111|1`,
        `${E + 6}|call-1|sales|Agent/alice|CONNECT|5|o-1|5`,
        `${E + 66}|call-1|sales|Agent/alice|COMPLETECALLER|5|60|1`,
        '',
      ].join('\n'),
    );
  });

  it('given only from, when exported, then everything after it comes', async () => {
    const res = await get(`from=${encodeURIComponent(iso(T0 + 60_000))}`, keys.create('ops', 'admin', T0).key);
    expect(res.body.split('\n').filter(Boolean).map((l) => l.split('|')[4])).toEqual(['COMPLETECALLER', 'AGENTLOGOFF']);
  });

  it('given an agent key, when it exports, then it is 403', async () => {
    expect((await get(`from=${encodeURIComponent(iso(T0))}`, keys.create('desk', 'agent', T0).key)).statusCode).toBe(403);
  });

  it.each([
    ['no from', ''],
    ['a bad date', 'from=yesterday'],
    ['from after to', `from=${encodeURIComponent(iso(T0 + 1))}&to=${encodeURIComponent(iso(T0))}`],
  ])('given %s, when exported, then it is 400', async (_what, qs) => {
    const res = await get(qs, keys.create('qm', 'supervisor', T0).key);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'bad_request' });
  });
});
