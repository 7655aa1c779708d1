import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RoutingExplanation } from '../../../src/core/acd/acd-types.js';
import { emptySnapshot } from '../support/fake-acd-control.js';
import { bearer, buildTestApp, T0, type TestApp } from './support.js';

const agentConfig = (id: string) => ({ id, name: id, endpoints: [], skills: {}, capacity: { voice: 1, chat: 3, email: 1, callback: 1 }, offerWhileBusy: { voice: [], chat: [], email: [], callback: [] } });

describe('the ACD live API: agent actions, queue snapshots, routing explanations, journal', () => {
  let t: TestApp;
  let supervisor: string;
  let alice: string;
  let unbound: string;

  beforeEach(async () => {
    t = await buildTestApp();
    t.acd.config.putAgent(agentConfig('alice'));
    t.acd.config.putAgent(agentConfig('bob'));
    supervisor = t.keys.create('wallboard', 'supervisor', T0).key;
    alice = t.keys.create('alice desk', 'agent', T0, 'alice').key;
    unbound = t.keys.create('shared desk', 'agent', T0).key;
  });
  afterEach(() => t.close());

  const post = (url: string, key: string, payload?: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: bearer(key), ...(payload ? { payload } : {}) });
  const get = (url: string, key: string) => t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: bearer(key) });

  describe('agent actions', () => {
    it("given an agent key tied to alice, when it logs alice in and pauses her, then it gets her view and the ACD records the key's name", async () => {
      const login = await post('/agents/alice/login', alice);
      expect(login.statusCode).toBe(200);
      expect(login.json()).toMatchObject({ id: 'alice', status: 'available', statusSince: new Date(t.clock.now).toISOString() });
      const pause = await post('/agents/alice/pause', alice, { reason: 'lunch' });
      expect(pause.json()).toMatchObject({ status: 'paused', pauseReason: 'lunch' });
      expect((await post('/agents/alice/unpause', alice)).json()).toMatchObject({ status: 'available' });
      expect((await post('/agents/alice/logout', alice)).json()).toMatchObject({ status: 'loggedOut' });
      expect(t.acd.control.actions).toEqual([
        { action: 'login', agentId: 'alice', by: 'alice desk' },
        { action: 'pause', agentId: 'alice', by: 'alice desk', arg: 'lunch' },
        { action: 'unpause', agentId: 'alice', by: 'alice desk' },
        { action: 'logout', agentId: 'alice', by: 'alice desk' },
      ]);
    });

    it.each(['login', 'logout', 'unpause', 'wrapup/end'])("given alice's key, when it tries %s on bob, then it is 403 and the ACD is not asked", async (action) => {
      const res = await post(`/agents/bob/${action}`, alice);
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ code: 'forbidden', message: "this key acts only for agent 'alice'" });
      expect(t.acd.control.actions).toEqual([]);
    });

    it("given alice's key, when it pauses or extends bob, then it is 403", async () => {
      expect((await post('/agents/bob/pause', alice, { reason: 'lunch' })).statusCode).toBe(403);
      expect((await post('/agents/bob/wrapup/extend', alice, { seconds: 30 })).statusCode).toBe(403);
    });

    it('given an agent key tied to no agent, when it acts on anyone, then it is 403', async () => {
      const res = await post('/agents/alice/login', unbound);
      expect(res.statusCode).toBe(403);
      expect(res.json<{ message: string }>().message).toMatch(/not tied to an agent/);
    });

    it('given a supervisor, when it acts on any agent, then it is allowed and recorded under its name', async () => {
      expect((await post('/agents/bob/login', supervisor)).statusCode).toBe(200);
      expect(t.acd.control.actions).toEqual([{ action: 'login', agentId: 'bob', by: 'wallboard' }]);
    });

    it('given wrap-up, when extended and ended, then the view follows', async () => {
      t.acd.control.views.set('alice', { ...t.acd.control.view('alice'), status: 'available', activity: 'wrapUp', wrapUpUntil: T0 + 100_000 });
      const extend = await post('/agents/alice/wrapup/extend', alice, { seconds: 60 });
      expect(extend.statusCode).toBe(200);
      expect(extend.json()).toMatchObject({ activity: 'wrapUp', wrapUpUntil: new Date(T0 + 160_000).toISOString() });
      expect((await post('/agents/alice/wrapup/end', alice)).json()).toMatchObject({ activity: 'idle', wrapUpUntil: null });
    });

    it.each([
      [{ seconds: 0 }, 'body/seconds'],
      [{ seconds: 3601 }, 'body/seconds'],
      [{}, 'seconds'],
    ])('given the extension %j, when posted, then it is 400 naming the field', async (body, field) => {
      const res = await post('/agents/alice/wrapup/extend', alice, body);
      expect(res.statusCode).toBe(400);
      expect(res.json<{ message: string }>().message).toContain(field);
    });

    it('given the ACD refuses, when acting, then its errors map to 404 unknown agent, 400 unknown reason, 409 wrong state', async () => {
      const unknown = await post('/agents/zoe/login', supervisor);
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json()).toEqual({ code: 'agent_not_found', message: "agent 'zoe' does not exist" });
      await post('/agents/alice/login', alice);
      const reason = await post('/agents/alice/pause', alice, { reason: 'nap' });
      expect(reason.statusCode).toBe(400);
      expect(reason.json()).toMatchObject({ code: 'unknown_reason' });
      const state = await post('/agents/alice/wrapup/end', alice);
      expect(state.statusCode).toBe(409);
      expect(state.json()).toMatchObject({ code: 'invalid_state' });
    });
  });

  describe('one agent', () => {
    it("given alice's key, when it reads alice, then it is 200; bob or an unknown agent, then 403 (existence not revealed)", async () => {
      const own = await get('/agents/alice', alice);
      expect(own.statusCode).toBe(200);
      expect(own.json()).toMatchObject({ id: 'alice', live: { status: 'loggedOut' } });
      expect((await get('/agents/bob', alice)).statusCode).toBe(403);
      expect((await get('/agents/zoe', alice)).statusCode).toBe(403);
      expect((await get('/agents/bob', supervisor)).statusCode).toBe(200);
      expect((await get('/agents/zoe', supervisor)).statusCode).toBe(404);
    });
  });

  describe('queue snapshots', () => {
    it('given snapshots in the ACD, when an agent key reads them, then it gets all or one; unknown is 404', async () => {
      const support = { ...emptySnapshot('support'), waiting: 1, longestWaitSec: 42, callers: [{ interactionId: 'q-1', callId: 'c1', waitedSec: 42, priority: 0, step: -1, phase: 'waiting' as const }] };
      t.acd.control.queueSnapshots.set('support', support);
      t.acd.control.queueSnapshots.set('sales', { ...emptySnapshot('sales'), agents: { ...emptySnapshot('sales').agents, staffed: 2, paused: { lunch: 1 } } });
      const all = await get('/queues/live', unbound);
      expect(all.statusCode).toBe(200);
      expect(all.json<{ queueId: string }[]>().map((s) => s.queueId)).toEqual(['support', 'sales']);
      const one = await get('/queues/support/live', unbound);
      expect(one.json()).toEqual(support);
      expect((await get('/queues/nope/live', unbound)).statusCode).toBe(404);
    });
  });

  describe("today's counters", () => {
    it('given the stats feed, when the live snapshots are read, then each queue carries today since midnight; a queue with no counters has none', async () => {
      const feed = {
        current: (queueId: string | null) =>
          [{ queueId: 'support', since: T0, offered: 5, answered: 3, abandoned: 1, waiting: 1, answeredInSl: 2, serviceLevel: 2 / 3, slSec: 20 }].filter((c) => queueId === null || c.queueId === queueId),
        subscribe: () => () => undefined,
      };
      const withFeed = await buildTestApp({ today: feed });
      try {
        withFeed.acd.control.queueSnapshots.set('support', emptySnapshot('support'));
        withFeed.acd.control.queueSnapshots.set('sales', emptySnapshot('sales'));
        const key = withFeed.keys.create('wall', 'supervisor', T0).key;
        const all = await withFeed.app.inject({ method: 'GET', url: '/api/v1/queues/live', headers: bearer(key) });
        expect(all.json()).toEqual([
          { ...emptySnapshot('support'), today: { since: new Date(T0).toISOString(), offered: 5, answered: 3, abandoned: 1, waiting: 1, answeredInSl: 2, serviceLevel: 2 / 3, slSec: 20 } },
          emptySnapshot('sales'),
        ]);
        const one = await withFeed.app.inject({ method: 'GET', url: '/api/v1/queues/support/live', headers: bearer(key) });
        expect(one.json().today).toMatchObject({ offered: 5, serviceLevel: 2 / 3 });
      } finally {
        await withFeed.close();
      }
    });
  });

  describe('routing explanations', () => {
    const explanation: RoutingExplanation = {
      interactionId: 'q-1', phase: 'connected', queueId: 'support', strategy: 'longest-idle', step: -1, requirements: [{ skill: 'billing', minProficiency: 2 }],
      decision: { at: T0 + 5000, agentIds: ['alice'], strategy: 'longest-idle', candidates: 2, why: 'idle longest' },
      candidates: [{ agentId: 'bob', eligible: false, reason: 'paused (lunch)' }], waitingBecause: null,
    };

    it('given an interaction the ACD knows, when a supervisor asks why, then it gets the explanation with ISO times; unknown is 404', async () => {
      t.acd.control.explanations.set('q-1', explanation);
      const res = await get('/interactions/q-1/routing', supervisor);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ ...explanation, decision: { ...explanation.decision, at: new Date(T0 + 5000).toISOString() } });
      expect((await get('/interactions/q-9/routing', supervisor)).statusCode).toBe(404);
      expect((await get('/interactions/q-1/routing', alice)).statusCode).toBe(403);
    });
  });

  describe('journal', () => {
    beforeEach(() => {
      const append = (at: number, type: string, over: { interactionId?: string; agentId?: string; queueId?: string }) =>
        t.acd.state.appendEvent({ at, type, interactionId: over.interactionId ?? null, agentId: over.agentId ?? null, queueId: over.queueId ?? null, callId: null, data: { n: at - T0 } });
      append(T0, 'acd.enqueued', { interactionId: 'q-1', queueId: 'support' });
      append(T0 + 1000, 'acd.offer.answered', { interactionId: 'q-1', queueId: 'support', agentId: 'alice' });
      append(T0 + 2000, 'acd.paused', { agentId: 'bob' });
      append(T0 + 3000, 'acd.enqueued', { interactionId: 'q-2', queueId: 'sales' });
    });

    it('given no filter, when a supervisor reads the journal, then rows come newest first with ISO times', async () => {
      const res = await get('/acd/journal', supervisor);
      expect(res.statusCode).toBe(200);
      const rows = res.json<{ type: string; at: string; data: unknown }[]>();
      expect(rows.map((r) => r.type)).toEqual(['acd.enqueued', 'acd.paused', 'acd.offer.answered', 'acd.enqueued']);
      expect(rows[3]).toMatchObject({ at: new Date(T0).toISOString(), interactionId: 'q-1', agentId: null, queueId: 'support', callId: null, data: { n: 0 } });
    });

    it.each([
      [`agentId=alice`, ['acd.offer.answered']],
      [`queueId=support`, ['acd.offer.answered', 'acd.enqueued']],
      [`interactionId=q-2`, ['acd.enqueued']],
      [`type=acd.enqueued`, ['acd.enqueued', 'acd.enqueued']],
      [`from=${new Date(T0 + 1000).toISOString()}&to=${new Date(T0 + 3000).toISOString()}`, ['acd.paused', 'acd.offer.answered']],
      [`limit=1`, ['acd.enqueued']],
    ])('given the filter %s, when read, then only matching rows come back', async (query, types) => {
      const res = await get(`/acd/journal?${query}`, supervisor);
      expect(res.statusCode).toBe(200);
      expect(res.json<{ type: string }[]>().map((r) => r.type)).toEqual(types);
    });

    it.each([['limit=0'], ['limit=5001'], ['from=yesterday'], ['colour=red'], [`from=${new Date(T0 + 1).toISOString()}&to=${new Date(T0).toISOString()}`]])(
      'given the bad query %s, when read, then it is 400',
      async (query) => {
        expect((await get(`/acd/journal?${query}`, supervisor)).statusCode).toBe(400);
      },
    );

    it('given an agent key, when it reads the journal, then it is 403', async () => {
      expect((await get('/acd/journal', alice)).statusCode).toBe(403);
    });
  });
});
