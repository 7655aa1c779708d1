import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../src/adapters/sqlite/database.js';
import { createSqliteApiKeyStore } from '../../../src/adapters/sqlite/sqlite-api-key-store.js';
import { registerAuth } from '../../../src/http/plugins/auth.js';
import { registerErrorHandler } from '../../../src/http/plugins/error-handler.js';
import { erlangCRoutes } from '../../../src/http/routes/erlang-c/index.js';
import { createApiKeyService } from '../../../src/services/api-key-service.js';
import { bearer, T0 } from './support.js';

const SAMPLE = 'callsPerInterval=100&intervalSec=1800&ahtSec=180&slSec=20';

// build-app.ts does not mount the route yet: the same ajv options, error handler and auth around it.
describe('GET /api/v1/erlang-c', () => {
  let db: Db;
  let app: FastifyInstance;
  let agentKey: string;
  const get = (query: string, key = agentKey) => app.inject({ method: 'GET', url: `/api/v1/erlang-c?${query}`, headers: bearer(key) });

  beforeEach(async () => {
    db = openDatabase(':memory:');
    const keys = createApiKeyService(createSqliteApiKeyStore(db));
    agentKey = keys.create('desk', 'agent', T0).key;
    app = Fastify({ ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } } }).withTypeProvider<TypeBoxTypeProvider>();
    registerErrorHandler(app);
    registerAuth(app, keys, () => T0);
    await app.register(erlangCRoutes, { prefix: '/api/v1' });
    await app.ready();
  });
  afterEach(async () => {
    await app.close();
    db.close();
  });

  it('given 14 agents on the published example, when asked with any role, then the ErlangC package values come back', async () => {
    const res = await get(`${SAMPLE}&agents=14`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.trafficErlangs).toBe(10);
    expect(body.agents).toBe(14);
    expect(body.row.pWait).toBeCloseTo(0.1741319, 6);
    expect(body.row.serviceLevel).toBeCloseTo(0.88835, 5);
    expect(body.row.asaSec).toBeCloseTo(7.8359, 4);
    expect(body.row.occupancy).toBeCloseTo(0.7142857, 6);
    expect(body.table.map((r: { agents: number }) => r.agents)).toEqual([11, 12, 13, 14, 15, 16, 17]);
  });

  it('given a target of 80 %, when asked, then 14 agents with the rows around', async () => {
    const res = await get(`${SAMPLE}&targetSl=0.8&maxOccupancy=0.85`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ agents: 14, row: { agents: 14, stable: true } });
  });

  it('given an ASA target too, when asked, then the ASA decides', async () => {
    const res = await get(`${SAMPLE}&targetSl=0.8&targetAsaSec=5`);
    expect(res.json()).toMatchObject({ agents: 15 });
  });

  it('given no more agents than Erlangs, when asked, then it is 200 unstable with P(wait) 1 and a null ASA, never NaN', async () => {
    const res = await get(`${SAMPLE}&agents=10`);
    expect(res.statusCode).toBe(200);
    expect(res.json().row).toEqual({ agents: 10, stable: false, pWait: 1, serviceLevel: 0, asaSec: null, occupancy: 1, immediateAnswer: 0 });
  });

  it.each([
    ['neither agents nor targetSl', SAMPLE],
    ['both agents and targetSl', `${SAMPLE}&agents=14&targetSl=0.8`],
    ['an ASA target with agents', `${SAMPLE}&agents=14&targetAsaSec=10`],
    ['a target SL of 1', `${SAMPLE}&targetSl=1`],
    ['zero agents', `${SAMPLE}&agents=0`],
    ['fractional agents', `${SAMPLE}&agents=1.5`],
    ['a zero AHT', 'callsPerInterval=100&intervalSec=1800&ahtSec=0&slSec=20&agents=14'],
    ['a negative volume', 'callsPerInterval=-1&intervalSec=1800&ahtSec=180&slSec=20&agents=14'],
    ['a missing slSec', 'callsPerInterval=100&intervalSec=1800&ahtSec=180&agents=14'],
    ['not a number', 'callsPerInterval=many&intervalSec=1800&ahtSec=180&slSec=20&agents=14'],
    ['traffic over 100,000 Erlangs', 'callsPerInterval=1000000&intervalSec=60&ahtSec=600&slSec=20&targetSl=0.8'],
  ])('given %s, when asked, then it is 400 in the error shape', async (_what, query) => {
    const res = await get(query);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'bad_request' });
  });

  it('given no key, when asked, then it is 401', async () => {
    const res = await app.inject({ method: 'GET', url: `/api/v1/erlang-c?${SAMPLE}&agents=14` });
    expect(res.statusCode).toBe(401);
  });
});
