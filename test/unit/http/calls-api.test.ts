import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, buildTestApp, T0, type TestApp } from './support.js';

const iso = (ms: number) => new Date(ms).toISOString();

describe('the calls API', () => {
  let t: TestApp;
  let supervisor: string;
  let agent: string;
  let admin: string;

  beforeEach(async () => {
    t = await buildTestApp();
    supervisor = t.keys.create('wallboard', 'supervisor', T0).key;
    agent = t.keys.create('desk 4', 'agent', T0).key;
    admin = t.keys.create('ops', 'admin', T0).key;
    // Two calls: an ended one with a full timeline and an active one.
    t.calls.startCall({ id: 'call-1', channelId: 'ch-1', direction: 'inbound', callerNumber: '+33611111111', callerName: 'Alice', dialed: '100', flowId: null, startedAt: T0 });
    t.calls.append('call-1', T0 + 5, 'flow.started', { flowId: 'main', version: '0123456789abcdef', file: '/flows/main.yaml' });
    t.calls.append('call-1', T0 + 1_000, 'call.answered');
    t.calls.append('call-1', T0 + 1_001, 'node.entered', { flowId: 'main', nodeId: 'welcome', kind: 'play' });
    t.calls.append('call-1', T0 + 3_000, 'node.entered', { flowId: 'auth', nodeId: 'ask', kind: 'collect', depth: 1 });
    t.calls.append('call-1', T0 + 6_000, 'node.entered', { flowId: 'main', nodeId: 'menu', kind: 'menu' });
    t.calls.append('call-1', T0 + 6_001, 'tags.added', { nodeId: 'menu', tags: ['sales', 'vip'] });
    t.calls.append('call-1', T0 + 11_000, 'hangup.requested', { cause: 16 });
    t.calls.append('call-1', T0 + 11_000, 'call.ended', { endReason: 'caller_hangup' });
    t.calls.startCall({ id: 'call-2', channelId: 'ch-2', direction: 'inbound', callerNumber: '+33622222222', callerName: '', dialed: '200', flowId: null, startedAt: T0 + 60_000 });
  });
  afterEach(() => t.close());

  describe('authentication and roles', () => {
    it('given no key, when the call log is asked, then it is 401 in the error shape', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/calls' });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ code: 'unauthorized', message: expect.any(String) as string });
    });

    it('given an unknown key, when the call log is asked, then it is 401', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/calls', headers: bearer('sbk_' + 'x'.repeat(43)) });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ code: 'unauthorized', message: 'unknown or revoked API key' });
    });

    it('given an agent key, when the call log is asked, then it is 403 forbidden', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/calls', headers: bearer(agent) });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ code: 'forbidden', message: expect.stringContaining('supervisor') as string });
    });

    it('given a supervisor key in X-API-Key, when the call log is asked, then it is 200', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/calls', headers: { 'x-api-key': supervisor } });
      expect(res.statusCode).toBe(200);
    });

    it('given an admin key, when the call log is asked, then it is 200 (admin is above supervisor)', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/calls', headers: bearer(admin) });
      expect(res.statusCode).toBe(200);
    });
  });

  describe('GET /api/v1/calls', () => {
    it('given two calls, when listed by a supervisor, then both come newest first with ISO times and paging', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/calls', headers: bearer(supervisor) });
      expect(res.statusCode).toBe(200);
      const body = res.json<{ total: number; limit: number; offset: number; items: Record<string, unknown>[] }>();
      expect(body).toMatchObject({ total: 2, limit: 50, offset: 0 });
      expect(body.items.map((c) => c.id)).toEqual(['call-2', 'call-1']);
      expect(body.items[1]).toEqual({
        id: 'call-1', channelId: 'ch-1', direction: 'inbound', callerNumber: '+33611111111', callerName: 'Alice', dialed: '100',
        flowId: 'main', status: 'ended', startedAt: iso(T0), answeredAt: iso(T0 + 1_000), endedAt: iso(T0 + 11_000),
        durationMs: 11_000, talkMs: 10_000, hangupCause: 16, hangupCauseText: 'Normal Clearing', endReason: 'caller_hangup',
        flowVersion: '0123456789abcdef', lastNode: 'menu', path: ['welcome', 'auth/ask', 'menu'], tags: ['sales', 'vip'],
      });
      expect(body.items[0]).toMatchObject({
        status: 'active', answeredAt: null, endedAt: null, endReason: null, flowId: null, flowVersion: null, lastNode: null, path: [], tags: [],
      });
    });

    it('given filters in the query, when listed, then they are applied (status, number, time range, paging)', async () => {
      const get = async (qs: string) =>
        (await t.app.inject({ method: 'GET', url: `/api/v1/calls?${qs}`, headers: bearer(supervisor) })).json<{ total: number; items: { id: string }[] }>();
      expect((await get('status=active')).items.map((c) => c.id)).toEqual(['call-2']);
      expect((await get('number=2222')).items.map((c) => c.id)).toEqual(['call-2']);
      expect((await get(`from=${encodeURIComponent(iso(T0))}&to=${encodeURIComponent(iso(T0 + 1))}`)).items.map((c) => c.id)).toEqual(['call-1']);
      expect(await get('limit=1&offset=1')).toMatchObject({ total: 2, items: [{ id: 'call-1' }] });
    });

    it('given flowId and tag in the query, when listed, then only calls of that entry flow or with that exact tag come', async () => {
      t.calls.startCall({ id: 'call-3', channelId: 'ch-3', direction: 'inbound', callerNumber: '+33633333333', callerName: '', dialed: '300', flowId: null, startedAt: T0 + 70_000 });
      t.calls.append('call-3', T0 + 70_005, 'flow.started', { flowId: 'night', version: 'fedcba9876543210', file: '/flows/night.yaml' });
      t.calls.append('call-3', T0 + 70_010, 'tags.added', { nodeId: 'closed', tags: ['sales', 'after hours'] });
      const get = async (qs: string) =>
        (await t.app.inject({ method: 'GET', url: `/api/v1/calls?${qs}`, headers: bearer(supervisor) })).json<{ total: number; items: { id: string }[] }>();
      expect((await get('flowId=main')).items.map((c) => c.id)).toEqual(['call-1']);
      expect((await get('flowId=night')).items.map((c) => c.id)).toEqual(['call-3']);
      expect(await get('flowId=nope')).toEqual({ total: 0, limit: 50, offset: 0, items: [] });
      expect((await get('tag=sales')).items.map((c) => c.id)).toEqual(['call-3', 'call-1']);
      expect((await get('tag=vip')).items.map((c) => c.id)).toEqual(['call-1']);
      expect((await get('tag=vi')).items).toEqual([]);
      expect((await get(`tag=${encodeURIComponent('after hours')}`)).items.map((c) => c.id)).toEqual(['call-3']);
      expect(await get('tag=sales&flowId=night&status=active')).toMatchObject({ total: 1, items: [{ id: 'call-3' }] });
    });

    it('given an empty or oversized flowId or tag, when listed, then it is 400 bad_request', async () => {
      for (const qs of ['flowId=', 'tag=', `tag=${'x'.repeat(129)}`, `flowId=${'x'.repeat(129)}`]) {
        const res = await t.app.inject({ method: 'GET', url: `/api/v1/calls?${qs}`, headers: bearer(supervisor) });
        expect(res.statusCode, qs).toBe(400);
        expect(res.json(), qs).toMatchObject({ code: 'bad_request' });
      }
    });

    it('given limit=0, when listed, then it is 400 bad_request with details', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/calls?limit=0', headers: bearer(supervisor) });
      expect(res.statusCode).toBe(400);
      const body = res.json<{ code: string; message: string; details: { path: string }[] }>();
      expect(body.code).toBe('bad_request');
      expect(body.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: '/limit' })]));
    });

    it('given an unknown query parameter or a bad status, when listed, then it is 400', async () => {
      for (const qs of ['colour=red', 'status=ringing', 'limit=abc', 'from=yesterday']) {
        const res = await t.app.inject({ method: 'GET', url: `/api/v1/calls?${qs}`, headers: bearer(supervisor) });
        expect(res.statusCode, qs).toBe(400);
        expect(res.json(), qs).toMatchObject({ code: 'bad_request' });
      }
    });

    it('given from after to, when listed, then it is 400 bad_request', async () => {
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/v1/calls?from=${encodeURIComponent(iso(T0 + 1_000))}&to=${encodeURIComponent(iso(T0))}`,
        headers: bearer(supervisor),
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'bad_request', message: "'from' must not be after 'to'" });
    });
  });

  describe('GET /api/v1/calls/:id', () => {
    it('given an unknown call id, when asked, then it is 404 not_found', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/calls/nope', headers: bearer(supervisor) });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'not_found', message: 'call not found' });
    });

    it('given an existing call, when asked, then the call and its timeline come back with ISO times', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/calls/call-1', headers: bearer(supervisor) });
      expect(res.statusCode).toBe(200);
      const body = res.json<{ call: { id: string; startedAt: string }; events: { seq: number; at: string; type: string; data: unknown }[] }>();
      expect(body.call).toMatchObject({
        id: 'call-1', startedAt: iso(T0), endReason: 'caller_hangup',
        flowId: 'main', flowVersion: '0123456789abcdef', lastNode: 'menu', path: ['welcome', 'auth/ask', 'menu'], tags: ['sales', 'vip'],
      });
      expect(body.events.map((e) => e.type)).toEqual([
        'call.started', 'flow.started', 'call.answered', 'node.entered', 'node.entered', 'node.entered', 'tags.added', 'hangup.requested', 'call.ended',
      ]);
      expect(body.events[0]).toMatchObject({ at: iso(T0), data: { channelId: 'ch-1', callerNumber: '+33611111111' } });
      expect(body.events[4]).toMatchObject({ at: iso(T0 + 3_000), data: { flowId: 'auth', nodeId: 'ask', depth: 1 } });
      expect(body.events[7]).toMatchObject({ at: iso(T0 + 11_000), data: { cause: 16 } });
      expect(body.events.every((e) => typeof e.seq === 'number')).toBe(true);
    });

    it('given the OpenAPI document, when read, then the call schema lists the new fields and the list takes flowId and tag', async () => {
      const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json<{
        paths: Record<string, { get: { parameters: { name: string }[] } }>;
        components: { schemas: Record<string, { required: string[] }> };
      }>();
      expect(doc.paths['/api/v1/calls']?.get.parameters.map((p) => p.name)).toEqual(expect.arrayContaining(['flowId', 'tag']));
      const callSchema = Object.values(doc.components.schemas).find((s) => s.required.includes('channelId'));
      expect(callSchema?.required).toEqual(expect.arrayContaining(['flowVersion', 'lastNode', 'path', 'tags']));
    });

    it('given an agent key, when a call is asked, then it is 403', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/calls/call-1', headers: bearer(agent) });
      expect(res.statusCode).toBe(403);
    });
  });
});
