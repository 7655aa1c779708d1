import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../src/adapters/sqlite/database.js';
import { createSqliteApiKeyStore } from '../../../src/adapters/sqlite/sqlite-api-key-store.js';
import { registerAuth } from '../../../src/http/plugins/auth.js';
import { registerErrorHandler } from '../../../src/http/plugins/error-handler.js';
import { metricsRoutes } from '../../../src/http/routes/metrics/index.js';
import { createApiKeyService, type ApiKeyService } from '../../../src/services/api-key-service.js';
import { createMetrics, type Metrics } from '../../../src/services/metrics.js';
import { bearer, T0 } from './support.js';

// build-app.ts does not mount /metrics yet: the same error handler and auth plugin around the route.
async function buildMetricsApp(keys: ApiKeyService, metrics: Metrics): Promise<FastifyInstance> {
  const app = Fastify().withTypeProvider<TypeBoxTypeProvider>();
  registerErrorHandler(app);
  registerAuth(app, keys, () => T0);
  await app.register(metricsRoutes({ metrics }));
  await app.ready();
  return app;
}

describe('GET /metrics', () => {
  let db: Db;
  let keys: ApiKeyService;
  let metrics: Metrics;
  let app: FastifyInstance;
  beforeEach(async () => {
    db = openDatabase(':memory:');
    keys = createApiKeyService(createSqliteApiKeyStore(db));
    metrics = createMetrics(
      { activeCalls: () => 2, ariConnected: () => true, queues: () => [{ queueId: 'sales', waiting: 1, longestWaitSec: 7 }], agents: () => [] },
      { defaultMetrics: false },
    );
    app = await buildMetricsApp(keys, metrics);
  });
  afterEach(async () => {
    await app.close();
    db.close();
  });

  it('given a supervisor key as a bearer token, when scraped, then it is the Prometheus text format', async () => {
    const key = keys.create('prometheus', 'supervisor', T0).key;
    metrics.callStarted('inbound');
    const res = await app.inject({ method: 'GET', url: '/metrics', headers: bearer(key) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.body).toContain('# TYPE switchboard_calls_active gauge\nswitchboard_calls_active 2\n');
    expect(res.body).toContain('switchboard_queue_waiting{queue="sales"} 1\n');
    expect(res.body).toContain('switchboard_calls_total{direction="inbound"} 1\n');
  });

  it('given an admin key in X-API-Key, when scraped, then it is 200', async () => {
    const key = keys.create('ops', 'admin', T0).key;
    const res = await app.inject({ method: 'GET', url: '/metrics', headers: { 'x-api-key': key } });
    expect(res.statusCode).toBe(200);
  });

  it('given no key, when scraped, then it is 401 in the error shape', async () => {
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'unauthorized' });
  });

  it('given an unknown or a revoked key, when scraped, then it is 401', async () => {
    const { key, record } = keys.create('old', 'supervisor', T0);
    keys.revoke(record.id, T0);
    for (const presented of ['sbk_nope', key]) {
      const res = await app.inject({ method: 'GET', url: '/metrics', headers: bearer(presented) });
      expect(res.statusCode).toBe(401);
    }
  });

  it('given an agent key, when scraped, then it is 403: queue and agent numbers are for supervisors', async () => {
    const key = keys.create('desk', 'agent', T0).key;
    const res = await app.inject({ method: 'GET', url: '/metrics', headers: bearer(key) });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'forbidden' });
  });
});
