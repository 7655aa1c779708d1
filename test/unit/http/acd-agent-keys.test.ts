import { afterEach, describe, expect, it } from 'vitest';
import { bearer, buildTestApp, T0, type TestApp } from './support.js';

interface Created { key: string; apiKey: { id: string; role: string; agentId: string | null } }

describe('API keys tied to an agent', () => {
  let t: TestApp;
  afterEach(() => t.close());

  const create = (key: string, body: Record<string, unknown>) => t.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: bearer(key), payload: body });

  it('given an existing agent, when an admin creates an agent key for it, then the key carries agentId and acts for that agent only', async () => {
    t = await buildTestApp();
    const admin = t.keys.create('ops', 'admin', T0).key;
    t.acd.config.putAgent({ id: 'alice', name: 'Alice', endpoints: [], skills: {}, capacity: { voice: 1, chat: 1, email: 1, callback: 1 }, offerWhileBusy: { voice: [], chat: [], email: [], callback: [] } });
    const res = await create(admin, { name: 'alice desk', role: 'agent', agentId: 'alice' });
    expect(res.statusCode).toBe(201);
    const { key, apiKey } = res.json<Created>();
    expect(apiKey).toMatchObject({ role: 'agent', agentId: 'alice' });
    const listed = await t.app.inject({ method: 'GET', url: '/api/v1/api-keys', headers: bearer(admin) });
    expect(listed.json<{ name: string; agentId: string | null }[]>().map((k) => [k.name, k.agentId])).toEqual([['ops', null], ['alice desk', 'alice']]);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/agents/alice/login', headers: bearer(key) })).statusCode).toBe(200);
  });

  it('given no agentId, when an agent key is created, then agentId is null', async () => {
    t = await buildTestApp();
    const admin = t.keys.create('ops', 'admin', T0).key;
    const res = await create(admin, { name: 'desk', role: 'agent' });
    expect(res.statusCode).toBe(201);
    expect(res.json<Created>().apiKey.agentId).toBeNull();
  });

  it.each([
    ['an unknown agent', { name: 'x', role: 'agent', agentId: 'zoe' }, "agentId: unknown agent 'zoe'"],
    ['a supervisor key', { name: 'x', role: 'supervisor', agentId: 'alice' }, 'agentId: only an agent key can be tied to an agent'],
    ['an empty agentId', { name: 'x', role: 'agent', agentId: '' }, 'body/agentId'],
  ])('given %s, when the key is created, then it is 400 and no key is made', async (_what, body, message) => {
    t = await buildTestApp();
    const admin = t.keys.create('ops', 'admin', T0).key;
    t.acd.config.putAgent({ id: 'alice', name: 'Alice', endpoints: [], skills: {}, capacity: { voice: 1, chat: 1, email: 1, callback: 1 }, offerWhileBusy: { voice: [], chat: [], email: [], callback: [] } });
    const res = await create(admin, body);
    expect(res.statusCode).toBe(400);
    expect(res.json<{ message: string }>().message).toContain(message);
    expect(t.keys.list()).toHaveLength(1);
  });

  it('given the app built without the ACD, when an agent key names an agent or an ACD route is asked, then 400 and 404', async () => {
    t = await buildTestApp({ withoutAcd: true });
    const admin = t.keys.create('ops', 'admin', T0).key;
    expect((await create(admin, { name: 'x', role: 'agent', agentId: 'alice' })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/agents', headers: bearer(admin) })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/calls', headers: bearer(admin) })).statusCode).toBe(200);
  });

  it('given the service, when a non-agent key is tied to an agent, then it refuses (the route checks first)', async () => {
    t = await buildTestApp();
    expect(() => t.keys.create('x', 'admin', T0, 'alice')).toThrow(/only an agent key/);
  });
});
