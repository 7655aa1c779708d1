import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, buildTestApp, T0, type TestApp } from './support.js';

describe('HTTP: auth by default, one error shape, the OpenAPI document', () => {
  let t: TestApp;
  let supervisor: string;
  beforeEach(async () => {
    t = await buildTestApp();
    supervisor = t.keys.create('wallboard', 'supervisor', T0).key;
  });
  afterEach(() => t.close());

  it('given a route that does not exist, when requested, then it is 404 in the error shape', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/nope?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ code: 'not_found', message: 'no route GET /nope' });
  });

  it('given a valid key, when an unknown /api route is requested, then it is 404 in the error shape', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/nope', headers: bearer(supervisor) });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ code: 'not_found', message: 'no route GET /api/v1/nope' });
  });

  it('given no key, when an unknown /api route is requested, then it is 401 (routes are not revealed without a key)', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/nope' });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'unauthorized' });
  });

  it('given a body that is not JSON, when posted, then it is 4xx in the error shape', async () => {
    const admin = t.keys.create('ops', 'admin', T0).key;
    const res = await t.app.inject({
      method: 'POST', url: '/api/v1/api-keys', headers: { ...bearer(admin), 'content-type': 'application/json' }, payload: '{not json',
    });
    expect(res.statusCode).toBe(400);
    expect(Object.keys(res.json<object>()).sort()).toEqual(['code', 'message']);
  });

  it('given the store throws, when the call log is asked, then it is 500 with a request id and no internals', async () => {
    t.db.close();
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/calls/call-1', headers: bearer(supervisor) });
    // The key check itself reads the closed database: either way the answer must not leak.
    expect(res.statusCode).toBe(500);
    const body = res.json<{ code: string; message: string; details: { requestId: string } }>();
    expect(body.code).toBe('internal');
    expect(body.message).toBe('internal error');
    expect(typeof body.details.requestId).toBe('string');
    expect(res.body).not.toMatch(/sqlite|database|stack/i);
  });

  it('given the OpenAPI document, when fetched, then it lists the calls, api-keys and health paths', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/calls', '/api/v1/calls/{id}', '/api/v1/api-keys', '/api/v1/health']));
  });

  // Auth is decided on the raw URL (request.url.startsWith('/api/')), but the router matches the
  // percent-decoded path: /%61pi/v1/... reaches the /api/v1 handlers without any key.
  describe('a percent-encoded path does not skip the key check', () => {
    it('given no key, when /%61pi/v1/calls is requested, then it is refused', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/%61pi/v1/calls' });
      expect([401, 404]).toContain(res.statusCode);
    });

    it('given no key, when an admin key is created through /%61pi/v1/api-keys, then it is refused and no key is created', async () => {
      const before = t.keys.list().length;
      const res = await t.app.inject({ method: 'POST', url: '/%61pi/v1/api-keys', payload: { name: 'intruder', role: 'admin' } });
      expect([401, 404]).toContain(res.statusCode);
      expect(t.keys.list()).toHaveLength(before);
    });
  });
});
