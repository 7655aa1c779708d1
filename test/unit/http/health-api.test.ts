import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, T0, type TestApp } from './support.js';

describe('GET /api/v1/health', () => {
  let t: TestApp;
  beforeEach(async () => (t = await buildTestApp()));
  afterEach(() => t.close());

  it('given ARI connected and the database ok, when health is asked without a key, then it is 200 ok with the numbers', async () => {
    t.health.active = 3;
    t.clock.now = T0 + 90_500;
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      status: 'ok',
      ari: { connected: true },
      db: { ok: true },
      activeCalls: 3,
      version: '0.1.0-test',
      uptimeSeconds: 90,
    });
  });

  it('given ARI disconnected, when health is asked, then it is 503 degraded', async () => {
    t.health.ari = false;
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/health' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'degraded', ari: { connected: false }, db: { ok: true } });
  });

  it('given the database failing, when health is asked, then it is 503 degraded', async () => {
    t.health.db = false;
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/health' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'degraded', db: { ok: false } });
  });

  it('given a wrong key, when health is asked, then the key is not checked (public route)', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/health', headers: { authorization: 'Bearer nope' } });
    expect(res.statusCode).toBe(200);
  });
});
