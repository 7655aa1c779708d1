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
    t.calls.append('call-1', T0 + 5, 'flow.started', { flowId: 'main', sha256: 'x' });
    t.calls.append('call-1', T0 + 1_000, 'call.answered');
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
      });
      expect(body.items[0]).toMatchObject({ status: 'active', answeredAt: null, endedAt: null, endReason: null });
    });

    it('given filters in the query, when listed, then they are applied (status, number, time range, paging)', async () => {
      const get = async (qs: string) =>
        (await t.app.inject({ method: 'GET', url: `/api/v1/calls?${qs}`, headers: bearer(supervisor) })).json<{ total: number; items: { id: string }[] }>();
      expect((await get('status=active')).items.map((c) => c.id)).toEqual(['call-2']);
      expect((await get('number=2222')).items.map((c) => c.id)).toEqual(['call-2']);
      expect((await get(`from=${encodeURIComponent(iso(T0))}&to=${encodeURIComponent(iso(T0 + 1))}`)).items.map((c) => c.id)).toEqual(['call-1']);
      expect(await get('limit=1&offset=1')).toMatchObject({ total: 2, items: [{ id: 'call-1' }] });
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
      expect(body.call).toMatchObject({ id: 'call-1', startedAt: iso(T0), endReason: 'caller_hangup' });
      expect(body.events.map((e) => e.type)).toEqual(['call.started', 'flow.started', 'call.answered', 'hangup.requested', 'call.ended']);
      expect(body.events[0]).toMatchObject({ at: iso(T0), data: { channelId: 'ch-1', callerNumber: '+33611111111' } });
      expect(body.events[3]).toMatchObject({ at: iso(T0 + 11_000), data: { cause: 16 } });
      expect(body.events.every((e) => typeof e.seq === 'number')).toBe(true);
    });

    it('given an agent key, when a call is asked, then it is 403', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/calls/call-1', headers: bearer(agent) });
      expect(res.statusCode).toBe(403);
    });
  });
});
