import { afterEach, describe, expect, it } from 'vitest';
import { bearer, buildTestApp, T0, type TestApp } from './support.js';

const agent = (id: string) => ({ id, name: id, endpoints: [], skills: {}, capacity: { voice: 1, chat: 1, email: 1, callback: 1 }, offerWhileBusy: { voice: [], chat: [], email: [], callback: [] } });

describe('POST /api/v1/interactions/:id/transfer', () => {
  let t: TestApp;
  afterEach(() => t.close());

  async function setup() {
    t = await buildTestApp();
    for (const id of ['alice', 'bob']) t.acd.config.putAgent(agent(id));
    t.acd.control.views.set('alice', { ...t.acd.control.view('alice'), status: 'available', activity: 'onCall', interactions: ['c1-q2'] });
    const alice = t.keys.create('alice desk', 'agent', T0, 'alice').key;
    const bob = t.keys.create('bob desk', 'agent', T0, 'bob').key;
    const supervisor = t.keys.create('floor', 'supervisor', T0).key;
    return { alice, bob, supervisor };
  }
  const transfer = (key: string, body: unknown, id = 'c1-q2') => t.app.inject({ method: 'POST', url: `/api/v1/interactions/${id}/transfer`, headers: bearer(key), payload: body as Record<string, unknown> });

  it('given the agent on the call, when they transfer to a queue, then 202 with the interaction the caller continues as, and who did it', async () => {
    const { alice } = await setup();
    const res = await transfer(alice, { queue: 'billing' });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ interactionId: 'c1-q2.t1' });
    expect(t.acd.control.actions.at(-1)).toMatchObject({ action: 'transfer', agentId: 'alice', by: 'alice desk', arg: JSON.stringify({ queue: 'billing' }) });
  });

  it('given another agent’s key, when it transfers the call, then 403; a supervisor may', async () => {
    const { bob, supervisor } = await setup();
    expect((await transfer(bob, { number: '+15145550100' })).statusCode).toBe(403);
    expect((await transfer(supervisor, { number: '+15145550100' })).statusCode).toBe(202);
  });

  it.each([
    ['both targets', { queue: 'billing', number: '123' }],
    ['no target', {}],
    ['a number with letters', { number: '555-CALL' }],
  ])('given %s, when posted, then 400', async (_what, body) => {
    const { supervisor } = await setup();
    expect((await transfer(supervisor, body)).statusCode).toBe(400);
  });

  it('given an interaction nobody talks to, when a supervisor transfers it, then 409', async () => {
    const { supervisor } = await setup();
    const res = await transfer(supervisor, { queue: 'billing' }, 'c9-q1');
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('invalid_state');
  });
});
