import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, buildTestApp, T0, type TestApp } from './support.js';

interface Created {
  key: string;
  apiKey: { id: string; name: string; role: string; prefix: string; createdAt: string; lastUsedAt: string | null; revokedAt: string | null };
}

describe('the API keys API', () => {
  let t: TestApp;
  let admin: string;
  let supervisor: string;

  beforeEach(async () => {
    t = await buildTestApp();
    admin = t.keys.create('ops', 'admin', T0).key;
    supervisor = t.keys.create('wallboard', 'supervisor', T0).key;
  });
  afterEach(() => t.close());

  const create = (key: string, body: unknown) => t.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: bearer(key), payload: body as Record<string, unknown> });

  it('given an admin key, when a key is created, then it is 201 with the secret once and the record without it', async () => {
    const res = await create(admin, { name: 'report bot', role: 'supervisor' });
    expect(res.statusCode).toBe(201);
    const body = res.json<Created>();
    expect(body.key).toMatch(/^sbk_/);
    expect(body.apiKey).toMatchObject({ name: 'report bot', role: 'supervisor', prefix: body.key.slice(0, 10), createdAt: new Date(t.clock.now).toISOString(), revokedAt: null });
    expect(JSON.stringify(body.apiKey)).not.toContain(body.key);

    const list = await t.app.inject({ method: 'GET', url: '/api/v1/api-keys', headers: bearer(admin) });
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(body.key);
    expect(list.json<{ name: string }[]>().map((k) => k.name)).toEqual(['ops', 'wallboard', 'report bot']);
  });

  it('given a key just created through the API, when it is used, then it works with its role', async () => {
    const { key } = (await create(admin, { name: 'report bot', role: 'supervisor' })).json<Created>();
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/calls', headers: bearer(key) })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/api-keys', headers: bearer(key) })).statusCode).toBe(403);
  });

  it('given a supervisor key, when it tries to create a key, then it is 403 forbidden', async () => {
    const res = await create(supervisor, { name: 'escalate', role: 'admin' });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'forbidden' });
  });

  it('given a body with an unknown role or extra fields, when a key is created, then it is 400', async () => {
    for (const body of [{ name: 'x', role: 'root' }, { name: '', role: 'agent' }, { name: 'x', role: 'agent', hash: 'h' }, { role: 'agent' }]) {
      const res = await create(admin, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json()).toMatchObject({ code: 'bad_request' });
    }
  });

  it('given a created key, when an admin deletes it, then it is 204 and the key is refused afterwards', async () => {
    const { key, apiKey } = (await create(admin, { name: 'temp', role: 'supervisor' })).json<Created>();
    const del = await t.app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${apiKey.id}`, headers: bearer(admin) });
    expect(del.statusCode).toBe(204);
    const after = await t.app.inject({ method: 'GET', url: '/api/v1/calls', headers: bearer(key) });
    expect(after.statusCode).toBe(401);
    expect(after.json()).toMatchObject({ code: 'unauthorized' });
  });

  it('given an unknown key id, when deleted, then it is 404 not_found', async () => {
    const res = await t.app.inject({ method: 'DELETE', url: '/api/v1/api-keys/nope', headers: bearer(admin) });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'not_found' });
  });

  it('given a supervisor key, when it tries to delete a key, then it is 403', async () => {
    const [first] = t.keys.list();
    const res = await t.app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${first?.id ?? 'x'}`, headers: bearer(supervisor) });
    expect(res.statusCode).toBe(403);
  });
});
