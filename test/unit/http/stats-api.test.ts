import { join } from 'node:path';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../src/adapters/sqlite/database.js';
import { createSqliteAcdConfigStore } from '../../../src/adapters/sqlite/sqlite-acd-config-store.js';
import { createSqliteAcdStateStore } from '../../../src/adapters/sqlite/sqlite-acd-state-store.js';
import { createSqliteApiKeyStore } from '../../../src/adapters/sqlite/sqlite-api-key-store.js';
import { createSqliteStatsStore } from '../../../src/adapters/sqlite/sqlite-stats-store.js';
import { DEFAULT_CAPACITY, DEFAULT_OFFER_WHILE_BUSY } from '../../../src/core/acd/acd-types.js';
import { registerAuth } from '../../../src/http/plugins/auth.js';
import { registerErrorHandler } from '../../../src/http/plugins/error-handler.js';
import { statsRoutes } from '../../../src/http/routes/stats/index.js';
import { ErrorSchema } from '../../../src/http/schemas.js';
import { createApiKeyService, type ApiKeyService } from '../../../src/services/api-key-service.js';
import { createStatsService } from '../../../src/services/stats-service.js';
import { RANGE, workedExampleJournal } from '../core/stats/worked-example.js';
import { silentLogger, tempDir } from '../support/helpers.js';

// The stats routes in a small app with the real auth and error plugins (build-app.ts is wired in
// main.ts by its owner), over SQLite holding the worked example's journal.

const agent = (id: string) => ({ id, name: id, endpoints: [], skills: {}, capacity: { ...DEFAULT_CAPACITY }, offerWhileBusy: { ...DEFAULT_OFFER_WHILE_BUSY } });

describe('stats API', () => {
  let dir: string;
  let cleanup: () => void;
  let db: Db;
  let app: FastifyInstance;
  let keys: ApiKeyService;
  let admin: string;

  beforeEach(async () => {
    ({ dir, cleanup } = tempDir());
    db = openDatabase(join(dir, 'switchboard.db'));
    const now = () => RANGE.to;
    const config = createSqliteAcdConfigStore(db, now);
    for (const [id, sl] of [['sales', 20], ['billing', 30]] as const) {
      config.putQueue({
        id, name: id, skills: [], priority: 0, strategy: 'longest-idle', ringTimeoutSec: 15, wrapUpSec: 10, maxWaitSec: null, maxLength: null, joinWhenEmpty: true,
        leaveWhenEmpty: false, serviceLevelSec: sl, hold: { moh: 'default', announceEverySec: null, announcePosition: true, announceWait: true }, overflowQueue: null, steps: [],
        ronaMaxMisses: 1, preferredAgentSec: 0,
      });
    }
    for (const id of ['alice', 'bob', 'carol']) config.putAgent(agent(id));
    const store = createSqliteStatsStore(db);
    const journal = createSqliteAcdStateStore(db, { onAppend: (row) => store.apply(row) });
    for (const { seq: _seq, ...row } of workedExampleJournal()) journal.appendEvent(row);
    keys = createApiKeyService(createSqliteApiKeyStore(db));
    admin = keys.create('ops', 'admin', RANGE.from).key;
    const stats = createStatsService({ store, queues: () => config.listQueues(), agents: () => config.listAgents(), now, timeZone: 'UTC' });
    app = Fastify({ loggerInstance: silentLogger() as FastifyBaseLogger, ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } } }).withTypeProvider<TypeBoxTypeProvider>();
    registerErrorHandler(app);
    app.addSchema(ErrorSchema);
    registerAuth(app, keys, now);
    await app.register(statsRoutes({ stats }), { prefix: '/api/v1' });
    await app.ready();
  });
  afterEach(async () => {
    await app.close();
    db.close();
    cleanup();
  });

  const range = `from=${new Date(RANGE.from).toISOString()}&to=${new Date(RANGE.to).toISOString()}`;
  const get = (url: string, key = admin) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } });

  it('given the worked example, when a supervisor asks for sales per hour, then the doc’s numbers come back with local ISO times', async () => {
    const res = await get(`/api/v1/queues/sales/stats?${range}&interval=60m&tz=Europe/Paris`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ queueId: 'sales', slSec: 20, shortAbandonSec: 5, slVariant: 'answered', from: '2026-11-23T10:00:00+01:00', tz: 'Europe/Paris' });
    expect(body.summary).toMatchObject({ offered: 8, answered: 4, serviceLevel: 0.75, asaSec: 19.5, ahtSec: 85, ewtError: { samples: 4, maeSec: 8, p90Sec: 15 } });
    expect(body.intervals.map((i: { start: string; offered: number }) => [i.start, i.offered])).toEqual([['2026-11-23T10:00:00+01:00', 6], ['2026-11-23T11:00:00+01:00', 2]]);
  });

  it('given slSec and a variant, when asked, then they replace the queue’s threshold and formula', async () => {
    const body = (await get(`/api/v1/queues/sales/stats?${range}&slSec=10&slVariant=offered`)).json();
    expect(body).toMatchObject({ slSec: 10, slVariant: 'offered', summary: { answeredInSl: 2, serviceLevel: 0.25 } });
  });

  it('given every queue, then each row and the total come back', async () => {
    const body = (await get(`/api/v1/stats/queues?${range}&interval=day`)).json();
    expect(body.queues.map((q: { queueId: string; summary: { offered: number } }) => [q.queueId, q.summary.offered])).toEqual([['billing', 2], ['sales', 8]]);
    expect(body.total.summary).toMatchObject({ offered: 9, answered: 6, serviceLevel: 0.6667 });
    expect(body.total.intervals).toHaveLength(1);
  });

  it('given agents, then a supervisor sees them all and an agent key only its own agent', async () => {
    const all = (await get(`/api/v1/stats/agents?${range}`)).json();
    expect(all.agents.map((a: { agentId: string }) => a.agentId)).toEqual(['alice', 'bob', 'carol']);
    expect(all.total.summary).toMatchObject({ occupancy: 0.1003, loggedInSec: 11300 });
    const aliceKey = keys.create('alice desk', 'agent', RANGE.from, 'alice').key;
    expect((await get(`/api/v1/agents/alice/stats?${range}`, aliceKey)).json().summary).toMatchObject({ handled: 5, occupancy: 0.1246, pauseByReasonSec: { training: 420, lunch: 160 } });
    expect((await get(`/api/v1/agents/bob/stats?${range}`, aliceKey)).statusCode).toBe(403);
    const own = (await get(`/api/v1/stats/agents?${range}`, aliceKey)).json();
    expect(own.agents.map((a: { agentId: string }) => a.agentId)).toEqual(['alice']);
    expect((await get(`/api/v1/queues/sales/stats?${range}`, aliceKey)).statusCode).toBe(403);
  });

  it.each([
    ['to before from', `from=${new Date(RANGE.to).toISOString()}&to=${new Date(RANGE.from).toISOString()}`, 'to must be after from'],
    ['a range over 92 days', `from=2026-01-01T00:00:00Z&to=2026-06-01T00:00:00Z`, 'at most 92 days'],
    ['an unknown zone', `${range}&tz=Mars/Olympus`, "unknown time zone 'Mars/Olympus'"],
    ['a bad interval', `${range}&interval=45m`, 'querystring/interval'],
    ['no from', `to=${new Date(RANGE.to).toISOString()}`, 'from'],
  ])('given %s, then 400 with a clear message', async (_what, qs, message) => {
    const res = await get(`/api/v1/queues/sales/stats?${qs}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain(message);
  });

  it("given the worked example, when alice's timeline is asked, then her spans, conversations and misses come in order; an agent key sees only its own; 8 days is a 400", async () => {
    const res = await get(`/api/v1/agents/alice/timeline?from=${new Date(RANGE.from).toISOString()}&to=${new Date(RANGE.to).toISOString()}`);
    expect(res.statusCode, res.body).toBe(200);
    const entries = res.json().entries as { kind: string; start: string }[];
    expect(entries.filter((e) => e.kind === 'conversation')).toHaveLength(5);
    expect(entries.some((e) => e.kind === 'status')).toBe(true);
    expect(entries.map((e) => e.start)).toEqual([...entries.map((e) => e.start)].sort());
    const aliceKey = keys.create('alice desk', 'agent', RANGE.from, 'alice').key;
    expect((await get(`/api/v1/agents/bob/timeline?from=${new Date(RANGE.from).toISOString()}&to=${new Date(RANGE.to).toISOString()}`, aliceKey)).statusCode).toBe(403);
    const long = await get(`/api/v1/agents/alice/timeline?from=2026-01-01T00:00:00Z&to=2026-01-09T00:00:00Z`);
    expect(long.statusCode).toBe(400);
    expect(long.json().message).toContain('at most 7 days');
  });

  it('given an unknown queue or agent, then 404', async () => {
    expect((await get(`/api/v1/queues/nowhere/stats?${range}`)).json()).toMatchObject({ code: 'not_found', message: "queue 'nowhere' not found" });
    expect((await get(`/api/v1/agents/zoe/stats?${range}`)).statusCode).toBe(404);
  });
});
