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
        outcome: 'ivr', queues: [], agents: [], waitMs: 0, agentTalkMs: 0, recordings: 0,
      });
      expect(body.items[0]).toMatchObject({
        status: 'active', answeredAt: null, endedAt: null, endReason: null, flowId: null, flowVersion: null, lastNode: null, path: [], tags: [], outcome: null,
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

describe('the call log derived from the journals', () => {
  let t: TestApp;
  let supervisor: string;
  let aliceKey: string;
  let bobKey: string;
  let looseAgentKey: string;

  const agent = (id: string) =>
    t.acd.config.putAgent({ id, name: id, endpoints: [], skills: {}, capacity: { voice: 1, chat: 1, email: 1, callback: 1 }, offerWhileBusy: { voice: [], chat: [], email: [], callback: [] } });
  const acd = (callId: string, ms: number, type: string, interactionId: string, refs: { agent?: string; queue?: string }, data: Record<string, unknown> = {}) =>
    t.acd.state.appendEvent({ at: T0 + ms, type, interactionId, agentId: refs.agent ?? null, queueId: refs.queue ?? null, callId, data });
  const get = (url: string, key = supervisor) => t.app.inject({ method: 'GET', url, headers: bearer(key) });

  beforeEach(async () => {
    t = await buildTestApp();
    agent('alice');
    agent('bob');
    supervisor = t.keys.create('wallboard', 'supervisor', T0).key;
    aliceKey = t.keys.create('alice desk', 'agent', T0, 'alice').key;
    bobKey = t.keys.create('bob desk', 'agent', T0, 'bob').key;
    looseAgentKey = t.keys.create('desk', 'agent', T0).key;
    // talked: alice answers in sales, then transfers to billing, where bob answers.
    t.calls.startCall({ id: 'talked', channelId: 'ch-t', direction: 'inbound', callerNumber: '+33611111111', callerName: '=cmd|calc', dialed: '100', flowId: null, startedAt: T0 });
    t.calls.append('talked', T0 + 5, 'flow.started', { flowId: 'main', version: 'v1' });
    t.calls.append('talked', T0 + 10, 'node.entered', { flowId: 'main', nodeId: 'q', kind: 'queue' });
    t.calls.append('talked', T0 + 10, 'queue.entered', { queue: 'sales', requestId: 'r1' });
    acd('talked', 10, 'acd.enqueued', 'r1', { queue: 'sales' }, { position: 1 });
    acd('talked', 100, 'acd.offered', 'r1', { queue: 'sales', agent: 'alice' }, { offerId: 'o-1', agentId: 'alice' });
    acd('talked', 4_010, 'acd.offer.answered', 'r1', { queue: 'sales', agent: 'alice' }, { offerId: 'o-1', waitMs: 4_000 });
    t.calls.append('talked', T0 + 4_100, 'recording.segment.started', { recordingId: 'rec-1', segment: 1, by: 'policy' });
    acd('talked', 30_010, 'acd.transferred', 'r1', { agent: 'alice' }, { mode: 'blind', fromAgent: 'alice', to: { queue: 'billing' }, by: 'alice' });
    acd('talked', 30_010, 'acd.ended', 'r1', { queue: 'sales', agent: 'alice' }, { by: 'agent', talkMs: 26_000 });
    acd('talked', 30_020, 'acd.enqueued', 'r1.t1', { queue: 'billing' }, { position: 1 });
    acd('talked', 30_020, 'acd.offered', 'r1.t1', { queue: 'billing', agent: 'bob' }, { offerId: 'o-2', agentId: 'bob' });
    acd('talked', 36_020, 'acd.offer.answered', 'r1.t1', { queue: 'billing', agent: 'bob' }, { offerId: 'o-2', waitMs: 36_010 });
    acd('talked', 96_020, 'acd.ended', 'r1.t1', { queue: 'billing', agent: 'bob' }, { by: 'caller', talkMs: 60_000 });
    t.calls.append('talked', T0 + 96_020, 'call.ended', { endReason: 'caller_hangup' });
    t.db.prepare("INSERT INTO recordings (id, call_id, segment, status, started_at) VALUES ('rec-1', 'talked', 1, 'complete', ?)").run(T0 + 4_100);
    // gaveUp: waits in sales and hangs up.
    t.calls.startCall({ id: 'gaveUp', channelId: 'ch-g', direction: 'internal', callerNumber: '1001', callerName: 'Desk, "front"', dialed: '200', flowId: null, startedAt: T0 + 1_000 });
    acd('gaveUp', 1_010, 'acd.enqueued', 'r2', { queue: 'sales' }, { position: 2 });
    acd('gaveUp', 9_010, 'acd.abandoned', 'r2', { queue: 'sales' }, { waitMs: 8_000 });
    t.calls.append('gaveUp', T0 + 9_010, 'call.ended', { endReason: 'caller_hangup' });
  });
  afterEach(() => t.close());

  describe('GET /api/v1/calls with the new filters', () => {
    const ids = async (qs: string, key = supervisor) => (await get(`/api/v1/calls?${qs}`, key)).json<{ total: number; items: { id: string }[] }>();

    it('given calls with queue visits, when listed, then each line carries outcome, queues, agents, wait, agent talk and recordings', async () => {
      const body = await ids('');
      expect(body.items).toMatchObject([
        { id: 'gaveUp', outcome: 'abandoned', queues: ['sales'], agents: [], waitMs: 8_000, agentTalkMs: 0, recordings: 0 },
        { id: 'talked', outcome: 'answered', queues: ['sales', 'billing'], agents: ['alice', 'bob'], waitMs: 10_000, agentTalkMs: 86_000, recordings: 1 },
      ]);
    });

    it.each([
      ['queueId=billing', ['talked']],
      ['queueId=sales', ['gaveUp', 'talked']],
      ['agentId=bob', ['talked']],
      ['outcome=abandoned', ['gaveUp']],
      ['outcome=answered&queueId=sales', ['talked']],
      ['direction=internal', ['gaveUp']],
      ['hasRecording=true', ['talked']],
      ['hasRecording=false', ['gaveUp']],
      ['outcome=timeout', []],
    ])('given the filter %s, when listed, then only matching calls come with their total', async (qs, expected) => {
      const body = await ids(qs);
      expect(body.items.map((c) => c.id)).toEqual(expected);
      expect(body.total).toBe(expected.length);
    });

    it('given an unknown outcome or a non-boolean hasRecording, when listed, then it is 400', async () => {
      for (const qs of ['outcome=great', 'hasRecording=maybe', 'direction=sideways']) expect((await get(`/api/v1/calls?${qs}`)).statusCode, qs).toBe(400);
    });
  });

  describe('agent keys', () => {
    it('given an agent key tied to an agent, when the log is listed, then only calls that agent talked on come', async () => {
      t.calls.startCall({ id: 'other', channelId: 'ch-o', direction: 'inbound', callerNumber: '1', callerName: '', dialed: '1', flowId: null, startedAt: T0 + 2_000 });
      acd('other', 2_010, 'acd.offered', 'r3', { queue: 'sales', agent: 'bob' }, { offerId: 'o-9' });
      acd('other', 17_010, 'acd.offer.missed', 'r3', { queue: 'sales', agent: 'bob' }, { offerId: 'o-9', reason: 'noAnswer' });
      const bob = (await get('/api/v1/calls', bobKey)).json<{ total: number; items: { id: string }[] }>();
      expect(bob).toMatchObject({ total: 1, items: [{ id: 'talked' }] });
      expect((await get('/api/v1/calls?outcome=abandoned', aliceKey)).json<{ total: number }>().total).toBe(0);
    });

    it("given an agent key, when it asks for another agent's calls, then it is 403", async () => {
      const res = await get('/api/v1/calls?agentId=bob', aliceKey);
      expect(res.statusCode).toBe(403);
      expect((await get('/api/v1/calls?agentId=alice', aliceKey)).statusCode).toBe(200);
    });

    it('given an agent key tied to no agent, when the log, the CSV or a timeline is asked, then it is 403', async () => {
      for (const url of ['/api/v1/calls', '/api/v1/calls.csv', '/api/v1/calls/talked/timeline']) {
        const res = await get(url, looseAgentKey);
        expect(res.statusCode, url).toBe(403);
        expect(res.json(), url).toMatchObject({ code: 'forbidden' });
      }
    });

    it("given an agent key, when the timeline of a call they did not talk on is asked, then it is 404 as for an unknown call", async () => {
      expect((await get('/api/v1/calls/talked/timeline', aliceKey)).statusCode).toBe(200);
      const res = await get('/api/v1/calls/gaveUp/timeline', aliceKey);
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'not_found', message: 'call not found' });
    });

    it('given an agent key, when the raw journal of a call is asked, then it stays supervisor-only', async () => {
      expect((await get('/api/v1/calls/talked', aliceKey)).statusCode).toBe(403);
    });
  });

  describe('GET /api/v1/calls.csv', () => {
    it('given calls, when exported, then CSV comes with a header, RFC 4180 quoting, defused formulas and whole-second times', async () => {
      const res = await get('/api/v1/calls.csv');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe('attachment; filename="calls.csv"');
      const lines = res.body.split('\r\n');
      expect(lines[0]).toBe('id,started,answered,ended,direction,caller,caller_name,dialed,flow,outcome,queues,agents,wait_s,talk_s,duration_s,hangup_cause,recordings,tags');
      expect(lines[1]).toBe(`gaveUp,${iso(T0 + 1_000)},,${iso(T0 + 9_010)},internal,1001,"Desk, ""front""",200,,abandoned,sales,,8,0,8,,0,`);
      expect(lines[2]).toBe(`talked,${iso(T0)},,${iso(T0 + 96_020)},inbound,'+33611111111,'=cmd|calc,100,main,answered,sales;billing,alice;bob,10,86,96,,1,`);
      expect(lines[3]).toBe('');
      expect(lines).toHaveLength(4);
    });

    it('given filters, when exported, then the CSV has the same calls as the list', async () => {
      const res = await get('/api/v1/calls.csv?outcome=answered&agentId=bob');
      expect(res.body.split('\r\n').slice(1, -1).map((l) => l.split(',')[0])).toEqual(['talked']);
    });

    it('given an agent key, when exported, then only their calls come', async () => {
      const res = await get('/api/v1/calls.csv', aliceKey);
      expect(res.statusCode).toBe(200);
      expect(res.body.split('\r\n').slice(1, -1).map((l) => l.split(',')[0])).toEqual(['talked']);
    });

    it('given more calls than a page, when exported, then every call comes once', async () => {
      const insert = t.db.prepare(`INSERT INTO calls (id, channel_id, direction, status, started_at) VALUES (?, ?, 'inbound', 'active', ?)`);
      t.db.transaction(() => {
        for (let i = 0; i < 1_234; i++) insert.run(`bulk-${i}`, `ch-bulk-${i}`, T0 + 200_000 + i);
      })();
      const res = await get('/api/v1/calls.csv?status=active');
      const ids = res.body.split('\r\n').slice(1, -1).map((l) => l.split(',')[0]);
      expect(ids).toHaveLength(1_234);
      expect(new Set(ids).size).toBe(1_234);
      expect(ids[0]).toBe('bulk-1233');
    });

    it('given a bad filter, when exported, then it is 400 in the error shape', async () => {
      const res = await get('/api/v1/calls.csv?limit=5');
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'bad_request' });
    });
  });

  describe('GET /api/v1/calls/:id/timeline', () => {
    it('given an unknown call, when asked, then it is 404', async () => {
      const res = await get('/api/v1/calls/nope/timeline');
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'not_found' });
    });

    it('given a transferred call, when asked, then it has the outcome, one segment per agent and the ordered timeline', async () => {
      const res = await get('/api/v1/calls/talked/timeline');
      expect(res.statusCode).toBe(200);
      const body = res.json<{
        call: { id: string }; outcome: string; agents: string[]; recordings: number;
        segments: Record<string, unknown>[]; timeline: { at: string; offsetMs: number; kind: string; event: string }[];
      }>();
      expect(body).toMatchObject({ call: { id: 'talked' }, outcome: 'answered', queues: ['sales', 'billing'], agents: ['alice', 'bob'], waitMs: 10_000, agentTalkMs: 86_000, recordings: 1 });
      expect(body.segments).toMatchObject([
        { index: 1, queueId: 'sales', agentId: 'alice', enteredAt: iso(T0 + 10), answeredAt: iso(T0 + 4_010), result: 'transferred', waitMs: 4_000, talkMs: 26_000, transferredTo: { queue: 'billing' } },
        { index: 2, queueId: 'billing', agentId: 'bob', result: 'completed', endedBy: 'caller', waitMs: 6_000, talkMs: 60_000, transferredTo: null },
      ]);
      expect(body.segments[0]).toMatchObject({ offers: [{ offerId: 'o-1', agentId: 'alice', offeredAt: iso(T0 + 100), result: 'answered' }] });
      expect(body.timeline.map((e) => [e.offsetMs, e.kind, e.event])).toEqual([
        [0, 'call', 'call.started'],
        [5, 'ivr', 'flow.started'],
        [10, 'ivr', 'node.entered'],
        [10, 'queue', 'queue.entered'],
        [10, 'queue', 'acd.enqueued'],
        [100, 'offer', 'acd.offered'],
        [4_010, 'offer', 'acd.offer.answered'],
        [4_100, 'recording', 'recording.segment.started'],
        [30_010, 'transfer', 'acd.transferred'],
        [30_010, 'agent', 'acd.ended'],
        [30_020, 'queue', 'acd.enqueued'],
        [30_020, 'offer', 'acd.offered'],
        [36_020, 'offer', 'acd.offer.answered'],
        [96_020, 'agent', 'acd.ended'],
        [96_020, 'call', 'call.ended'],
      ]);
      expect(body.timeline[0]?.at).toBe(iso(T0));
    });
  });
});
