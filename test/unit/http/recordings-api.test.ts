import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFlowCatalog } from '../../../src/adapters/flows/flow-catalog.js';
import { createRecordingFiles } from '../../../src/adapters/recordings/recording-files.js';
import { openDatabase, type Db } from '../../../src/adapters/sqlite/database.js';
import { createSqliteAcdConfigStore } from '../../../src/adapters/sqlite/sqlite-acd-config-store.js';
import { createSqliteApiKeyStore } from '../../../src/adapters/sqlite/sqlite-api-key-store.js';
import { createSqliteCalendarOverrideStore } from '../../../src/adapters/sqlite/sqlite-calendar-override-store.js';
import { createSqliteCallStore } from '../../../src/adapters/sqlite/sqlite-call-store.js';
import { createSqliteRecordingStore } from '../../../src/adapters/sqlite/sqlite-recording-store.js';
import type { QueueConfig } from '../../../src/core/acd/acd-types.js';
import { buildApp } from '../../../src/http/build-app.js';
import type { CallStore } from '../../../src/ports/call-store.js';
import type { RecordingStore } from '../../../src/ports/recording-store.js';
import { createApiKeyService } from '../../../src/services/api-key-service.js';
import { createCalendarOverrideService } from '../../../src/services/calendar-override-service.js';
import { createRecordingService, type Conversation, type RecordingService } from '../../../src/services/recording-service.js';
import { agent, queue } from '../core/acd/acd-fixtures.js';
import { FakeTelephony } from '../support/fake-telephony.js';
import { silentLogger, tempDir } from '../support/helpers.js';
import { bearer, fakeHealth, T0 } from './support.js';
import { wav } from '../support/wav.js';

const DAY = 86_400_000;


interface ApiRecording {
  id: string;
  callId: string;
  segment: number;
  agentId: string | null;
  status: string;
  durationSec: number | null;
  sizeBytes: number | null;
  sha256: string | null;
  pauses: { at: string; until: string | null; by: string; reason: string }[];
  legalHold: boolean;
  deletedAt: string | null;
  audioUrl: string | null;
  audit?: { seq: number; at: string; action: string; actor: string; reason: string }[];
}

describe('the recordings API', () => {
  let cleanup: () => void;
  let dir: string;
  let db: Db;
  let app: FastifyInstance;
  let calls: CallStore;
  let store: RecordingStore;
  let service: RecordingService;
  let telephony: FakeTelephony;
  const clock = { now: T0 };
  const keys: Record<'admin' | 'supervisor' | 'sam' | 'ann' | 'unbound', string> = { admin: '', supervisor: '', sam: '', ann: '', unbound: '' };
  /** sam's 2 s recording on call-1 and ann's 1 s one on call-2, stored. */
  let samRec: ApiRecording;
  let samAudio: Buffer;
  let annRec: ApiRecording;

  const queues = new Map<string, QueueConfig>([
    ['support', queue('support', { recording: { mode: 'all', consentPrompt: null, retentionDays: 30 } })],
    ['sales', queue('sales', { recording: { mode: 'onDemand', consentPrompt: null, retentionDays: null } })],
  ]);
  const conversation = (callId: string, bridgeId: string, agentId: string, queueId = 'support'): Conversation => ({
    bridgeId, callId, interactionId: `i-${callId}`, queueId, agentId, peer: null, callerNumber: callId === 'call-2' ? '+33622222222' : '+33611111111',
  });
  /** A conversation recorded by policy, ended, its file stored. */
  const recorded = async (c: Conversation, audio: Buffer): Promise<string> => {
    service.conversationStarted(c);
    await service.idle();
    const id = service.liveRecording(c.callId)!;
    telephony.stored.set(id, audio);
    service.conversationEnded(c.bridgeId);
    await service.idle();
    return id;
  };

  type As = keyof typeof keys;
  const get = (url: string, as: As = 'supervisor', headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers: { ...bearer(keys[as]), ...headers } });
  const send = (method: 'POST' | 'PUT' | 'DELETE', url: string, body: unknown, as: As = 'admin') =>
    app.inject({ method, url, headers: bearer(keys[as]), ...(body === undefined ? {} : { payload: body as object }) });
  const list = async (query = '', as: As = 'supervisor') => {
    const res = await get(`/api/v1/recordings${query}`, as);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<{ total: number; items: ApiRecording[] }>();
    return { total: body.total, ids: body.items.map((r) => r.id) };
  };

  beforeEach(async () => {
    ({ dir, cleanup } = tempDir());
    clock.now = T0;
    const now = () => clock.now;
    db = openDatabase(join(dir, 'switchboard.db'));
    calls = createSqliteCallStore(db);
    for (const [i, id] of ['call-1', 'call-2', 'call-3'].entries()) {
      calls.startCall({ id, channelId: `ch-${id}`, direction: 'inbound', callerNumber: '+33611111111', callerName: '', dialed: '100', flowId: null, startedAt: T0 + i * 60_000 });
    }
    store = createSqliteRecordingStore(db);
    const files = createRecordingFiles(join(dir, 'recordings'));
    telephony = new FakeTelephony();
    service = createRecordingService({
      telephony, store, files, now, logger: silentLogger(), fetchRetryMs: 1,
      callJournal: (callId, at, type, data) => calls.append(callId, at, type, data),
      queue: (id) => queues.get(id),
    });
    // Agent keys name agents that exist (api_keys.agent_id references acd_agents).
    const acdConfig = createSqliteAcdConfigStore(db, now);
    for (const id of ['sam', 'ann']) acdConfig.putAgent(agent(id));
    const apiKeys = createApiKeyService(createSqliteApiKeyStore(db));
    keys.admin = apiKeys.create('ops', 'admin', T0).key;
    keys.supervisor = apiKeys.create('floor', 'supervisor', T0).key;
    keys.sam = apiKeys.create('sam desk', 'agent', T0, 'sam').key;
    keys.ann = apiKeys.create('ann desk', 'agent', T0, 'ann').key;
    keys.unbound = apiKeys.create('kiosk', 'agent', T0).key;
    mkdirSync(join(dir, 'ivr-flows'));
    const flows = createFlowCatalog({ dir: join(dir, 'ivr-flows'), defaultFlow: 'main', now });
    flows.reload();
    app = await buildApp({
      logger: silentLogger(), calls, keys: apiKeys, health: fakeHealth(now), now, flows: { catalog: flows, reload: () => flows.reload() },
      calendarOverrides: createCalendarOverrideService(createSqliteCalendarOverrideStore(db)),
      recordings: { service, store, files },
    });
    await app.ready();

    samAudio = wav(2);
    const samId = await recorded(conversation('call-1', 'br-1', 'sam'), samAudio);
    clock.now = T0 + 60_000;
    const annId = await recorded(conversation('call-2', 'br-2', 'ann'), wav(1));
    samRec = (await get(`/api/v1/recordings/${samId}`)).json();
    annRec = (await get(`/api/v1/recordings/${annId}`)).json();
  });
  afterEach(async () => {
    await app.close();
    db.close();
    cleanup();
  });

  describe('search', () => {
    it('given two stored recordings, when a supervisor lists them, then both come newest first with their audio links', async () => {
      const res = await get('/api/v1/recordings');
      expect(res.statusCode).toBe(200);
      const body = res.json<{ total: number; items: ApiRecording[] }>();
      expect(body.total).toBe(2);
      expect(body.items.map((r) => [r.callId, r.agentId, r.segment, r.status, r.durationSec])).toEqual([
        ['call-2', 'ann', 1, 'complete', 1],
        ['call-1', 'sam', 1, 'complete', 2],
      ]);
      expect(body.items[1]).toMatchObject({ sizeBytes: samAudio.length, sha256: createHash('sha256').update(samAudio).digest('hex'), audioUrl: `/api/v1/recordings/${samRec.id}/audio` });
    });

    it.each([
      ['?agentId=sam', () => [samRec.id]],
      ['?caller=%2B33622222222', () => [annRec.id]],
      ['?callId=call-1', () => [samRec.id]],
      ['?queueId=support', () => [annRec.id, samRec.id]],
      ['?queueId=sales', () => []],
      ['?minDurationSec=1.5', () => [samRec.id]],
      ['?maxDurationSec=1.5', () => [annRec.id]],
      [`?from=${new Date(T0 + 30_000).toISOString()}`, () => [annRec.id]],
      [`?to=${new Date(T0 + 30_000).toISOString()}`, () => [samRec.id]],
      ['?limit=1&offset=1', () => [samRec.id]],
    ])('given the filter %s, when a supervisor searches, then only the matching recordings come', async (query, expected) => {
      const result = await list(query);
      expect(result.ids).toEqual(expected());
      if (!query.includes('limit')) expect(result.total).toBe(expected().length);
      else expect(result.total).toBe(2);
    });

    it('given a time window whose end is before its start, when searched, then it is a 400', async () => {
      const res = await get(`/api/v1/recordings?from=${new Date(T0 + 1).toISOString()}&to=${new Date(T0).toISOString()}`);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'bad_request' });
    });

    it('given an unknown query parameter, when searched, then it is a 400', async () => {
      expect((await get('/api/v1/recordings?agent=sam')).statusCode).toBe(400);
    });

    it('given agent keys, when they search (even for another agent), then each sees only its own agent’s recordings; a key tied to no agent sees none', async () => {
      expect(await list('', 'sam')).toEqual({ total: 1, ids: [samRec.id] });
      expect(await list('?agentId=ann', 'sam')).toEqual({ total: 1, ids: [samRec.id] });
      expect(await list('', 'ann')).toEqual({ total: 1, ids: [annRec.id] });
      expect(await list('', 'unbound')).toEqual({ total: 0, ids: [] });
    });

    it('given a deleted recording, when searched, then it is hidden unless a supervisor asks for deleted ones; agents never see it', async () => {
      expect((await send('DELETE', `/api/v1/recordings/${samRec.id}`, { reason: 'asked' })).statusCode).toBe(204);
      expect(await list()).toEqual({ total: 1, ids: [annRec.id] });
      expect(await list('?includeDeleted=true')).toEqual({ total: 2, ids: [annRec.id, samRec.id] });
      expect(await list('?includeDeleted=true', 'sam')).toEqual({ total: 0, ids: [] });
    });

    it('given no key, when searched, then it is a 401', async () => {
      expect((await app.inject({ method: 'GET', url: '/api/v1/recordings' })).statusCode).toBe(401);
    });
  });

  describe('detail', () => {
    it('given a recording put on hold, when read, then its audit trail comes with it', async () => {
      expect((await send('PUT', `/api/v1/recordings/${samRec.id}/legal-hold`, { hold: true, reason: 'case 42' })).statusCode).toBe(200);
      const res = await get(`/api/v1/recordings/${samRec.id}`);
      expect(res.statusCode).toBe(200);
      expect(res.json<ApiRecording>()).toMatchObject({ id: samRec.id, legalHold: true, audit: [{ action: 'hold.set', actor: 'ops', reason: 'case 42', at: new Date(T0 + 60_000).toISOString() }] });
    });

    it('given agent keys, when they read a recording, then their own is found and another agent’s is 404', async () => {
      expect((await get(`/api/v1/recordings/${samRec.id}`, 'sam')).statusCode).toBe(200);
      expect((await get(`/api/v1/recordings/${samRec.id}`, 'ann')).statusCode).toBe(404);
      expect((await get(`/api/v1/recordings/${samRec.id}`, 'unbound')).statusCode).toBe(404);
    });

    it('given an unknown id, when read, then it is a 404 in the error shape', async () => {
      const res = await get('/api/v1/recordings/rec-nope');
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'not_found', message: "recording 'rec-nope' not found" });
    });
  });

  describe('audio', () => {
    const audio = (range?: string, as: As = 'supervisor', extra: Record<string, string> = {}) =>
      get(`/api/v1/recordings/${samRec.id}/audio`, as, { ...(range === undefined ? {} : { range }), ...extra });

    it('given a stored recording, when downloaded, then the whole WAV comes with its type, length, ETag and range support', async () => {
      const res = await audio();
      expect(res.statusCode).toBe(200);
      expect(res.headers).toMatchObject({
        'content-type': 'audio/wav',
        'accept-ranges': 'bytes',
        'content-length': String(samAudio.length),
        etag: `"${samRec.sha256}"`,
        'content-disposition': `inline; filename="${samRec.id}.wav"`,
      });
      expect(res.rawPayload.equals(samAudio)).toBe(true);
    });

    it.each([
      ['bytes=1000-1999', 1000, 1999],
      ['bytes=0-0', 0, 0],
      ['bytes=-100', samLength() - 100, samLength() - 1],
      ['bytes=32000-', 32000, samLength() - 1],
      ['bytes=32000-999999', 32000, samLength() - 1],
    ])('given the range %s, when downloaded, then it is a 206 with exactly those bytes', async (range, start, end) => {
      const res = await audio(range);
      expect(res.statusCode).toBe(206);
      expect(res.headers['content-range']).toBe(`bytes ${start}-${end}/${samAudio.length}`);
      expect(res.headers['content-length']).toBe(String(end - start + 1));
      expect(res.rawPayload.equals(samAudio.subarray(start, end + 1))).toBe(true);
    });

    it('given a range past the end, when downloaded, then it is a 416 saying the size', async () => {
      const res = await audio(`bytes=${samAudio.length + 10}-`);
      expect(res.statusCode).toBe(416);
      expect(res.headers['content-range']).toBe(`bytes */${samAudio.length}`);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.json()).toMatchObject({ code: 'range_not_satisfiable' });
    });

    it.each(['bytes=abc', 'pages=0-10', 'bytes=0-10,20-30'])('given the Range %s (malformed, or several ranges), when downloaded, then the whole file comes (200)', async (range) => {
      const res = await audio(range);
      expect(res.statusCode).toBe(200);
      expect(res.rawPayload.equals(samAudio)).toBe(true);
    });

    it('given the ETag already held, when downloaded with If-None-Match, then it is a 304 without a body; another ETag gets the file', async () => {
      const res = await audio(undefined, 'supervisor', { 'if-none-match': `"${samRec.sha256}"` });
      expect(res.statusCode).toBe(304);
      expect(res.rawPayload.length).toBe(0);
      expect((await audio(undefined, 'supervisor', { 'if-none-match': '"stale"' })).statusCode).toBe(200);
    });

    it('given agent keys, when they download, then their own plays and another agent’s is 404', async () => {
      expect((await audio(undefined, 'sam')).statusCode).toBe(200);
      expect((await audio(undefined, 'ann')).statusCode).toBe(404);
    });

    it.each(['..%2F..%2Fswitchboard.db', '..%2Fswitchboard.db', '%2Fetc%2Fpasswd', 'nope'])('given the id %s, when downloaded, then it is a 404 and nothing outside the recordings is served', async (id) => {
      expect(existsSync(join(dir, 'switchboard.db'))).toBe(true);
      const res = await get(`/api/v1/recordings/${id}/audio`);
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'not_found' });
    });

    it('given a recording still running, when downloaded, then it is a 404 (no file yet)', async () => {
      service.conversationStarted(conversation('call-3', 'br-3', 'sam'));
      await service.idle();
      const res = await get(`/api/v1/recordings/${service.liveRecording('call-3')}/audio`);
      expect(res.statusCode).toBe(404);
    });
  });

  describe('delete, legal hold and purge', () => {
    it('given a supervisor key, when it deletes, then it is a 403 and the file stays', async () => {
      expect((await send('DELETE', `/api/v1/recordings/${samRec.id}`, { reason: 'asked' }, 'supervisor')).statusCode).toBe(403);
      expect((await get(`/api/v1/recordings/${samRec.id}/audio`)).statusCode).toBe(200);
    });

    it.each([
      ['no body', undefined],
      ['no reason', {}],
      ['an empty reason', { reason: '' }],
    ])('given %s, when an admin deletes, then it is a 400', async (_what, body) => {
      expect((await send('DELETE', `/api/v1/recordings/${samRec.id}`, body)).statusCode).toBe(400);
    });

    it('given an admin and a reason, when deleted, then 204, the audio is gone and the detail shows who deleted it and why', async () => {
      clock.now = T0 + 120_000;
      expect((await send('DELETE', `/api/v1/recordings/${samRec.id}`, { reason: 'GDPR request' })).statusCode).toBe(204);
      expect((await get(`/api/v1/recordings/${samRec.id}/audio`)).statusCode).toBe(404);
      const detail = (await get(`/api/v1/recordings/${samRec.id}`)).json<ApiRecording>();
      expect(detail).toMatchObject({ deletedAt: new Date(T0 + 120_000).toISOString(), audioUrl: null, audit: [{ action: 'deleted', actor: 'ops', reason: 'GDPR request' }] });
      expect((await get(`/api/v1/recordings/${samRec.id}`, 'sam')).statusCode).toBe(404);
      expect((await send('DELETE', `/api/v1/recordings/${samRec.id}`, { reason: 'again' })).statusCode).toBe(404);
    });

    it('given a recording on legal hold, when deleted, then it is a 409 until the hold is released', async () => {
      const held = await send('PUT', `/api/v1/recordings/${samRec.id}/legal-hold`, { hold: true, reason: 'case 42' });
      expect(held.statusCode).toBe(200);
      expect(held.json()).toMatchObject({ id: samRec.id, legalHold: true });
      const refused = await send('DELETE', `/api/v1/recordings/${samRec.id}`, { reason: 'asked' });
      expect(refused.statusCode).toBe(409);
      expect(refused.json()).toMatchObject({ code: 'invalid_state' });
      expect((await send('PUT', `/api/v1/recordings/${samRec.id}/legal-hold`, { hold: false, reason: 'case closed' })).json()).toMatchObject({ legalHold: false });
      expect((await send('DELETE', `/api/v1/recordings/${samRec.id}`, { reason: 'asked' })).statusCode).toBe(204);
    });

    it('given a legal hold request from a supervisor, without a reason, or on an unknown id, then 403, 400 and 404', async () => {
      expect((await send('PUT', `/api/v1/recordings/${samRec.id}/legal-hold`, { hold: true, reason: 'x' }, 'supervisor')).statusCode).toBe(403);
      expect((await send('PUT', `/api/v1/recordings/${samRec.id}/legal-hold`, { hold: true })).statusCode).toBe(400);
      expect((await send('PUT', '/api/v1/recordings/rec-nope/legal-hold', { hold: true, reason: 'x' })).statusCode).toBe(404);
    });

    it('given recordings past their 30 days, one on hold, when an admin runs the purge, then the other is purged and the count says so', async () => {
      await send('PUT', `/api/v1/recordings/${annRec.id}/legal-hold`, { hold: true, reason: 'case 42' });
      clock.now = T0 + 31 * DAY;
      expect((await send('POST', '/api/v1/recordings/purge', undefined, 'supervisor')).statusCode).toBe(403);
      const res = await send('POST', '/api/v1/recordings/purge', undefined);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ purged: 1 });
      expect(await list()).toEqual({ total: 1, ids: [annRec.id] });
      expect((await send('POST', '/api/v1/recordings/purge', undefined)).json()).toEqual({ purged: 0 });
    });
  });

  describe('live controls on a call', () => {
    const control = (action: string, body: unknown, as: As = 'supervisor', callId = 'call-3') => send('POST', `/api/v1/calls/${callId}/recording/${action}`, body, as);

    it('given a call talking to nobody, when paused, then it is a 404', async () => {
      const res = await control('pause', { reason: 'card' });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'not_found' });
    });

    it('given a conversation not being recorded (onDemand), when paused or stopped, then it is a 409 not_recording', async () => {
      service.conversationStarted(conversation('call-3', 'br-3', 'sam', 'sales'));
      expect((await control('pause', { reason: 'card' })).json()).toMatchObject({ code: 'not_recording' });
      expect((await control('stop', {})).statusCode).toBe(409);
    });

    it('given sam talking, when ann’s key or a key tied to no agent acts on the recording, then it is a 403 and nothing happens', async () => {
      service.conversationStarted(conversation('call-3', 'br-3', 'sam'));
      await service.idle();
      for (const action of ['pause', 'resume', 'start', 'stop']) {
        expect((await control(action, {}, 'ann')).statusCode).toBe(403);
        expect((await control(action, {}, 'unbound')).statusCode).toBe(403);
      }
      expect(telephony.callsOf('pauseRecording')).toEqual([]);
      expect(telephony.callsOf('stopRecording')).toHaveLength(2); // the two stored in beforeEach
    });

    it('given sam’s key on sam’s recorded call, when paused with a reason and resumed, then 200 with the pause kept under the key’s name', async () => {
      service.conversationStarted(conversation('call-3', 'br-3', 'sam'));
      await service.idle();
      clock.now += 1_000;
      const paused = await control('pause', { reason: 'card number' }, 'sam');
      expect(paused.statusCode, paused.body).toBe(200);
      expect(paused.json()).toMatchObject({ status: 'paused', pauses: [{ by: 'sam desk', reason: 'card number', until: null }] });
      clock.now += 3_000;
      const resumed = await control('resume', {}, 'sam');
      expect(resumed.statusCode).toBe(200);
      expect(resumed.json()).toMatchObject({ status: 'recording', pauses: [{ until: new Date(clock.now).toISOString() }] });
    });

    it('given a supervisor and no body at all, when pausing, then the default reason is used', async () => {
      service.conversationStarted(conversation('call-3', 'br-3', 'sam'));
      await service.idle();
      const res = await control('pause', undefined);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ status: 'paused', pauses: [{ by: 'floor', reason: 'paused' }] });
    });

    it('given an onDemand conversation, when started and stopped, then the segment records and is stored', async () => {
      service.conversationStarted(conversation('call-3', 'br-3', 'sam', 'sales'));
      const started = await control('start', {}, 'sam');
      expect(started.statusCode).toBe(200);
      const rec = started.json<ApiRecording>();
      expect(rec).toMatchObject({ callId: 'call-3', status: 'recording', agentId: 'sam' });
      expect((await control('start', {}, 'sam')).statusCode).toBe(409);
      telephony.stored.set(rec.id, wav(1));
      const stopped = await control('stop', {}, 'sam');
      expect(stopped.statusCode).toBe(200);
      expect(stopped.json()).toMatchObject({ id: rec.id, status: 'complete', durationSec: 1, audioUrl: `/api/v1/recordings/${rec.id}/audio` });
    });
  });

  function samLength() {
    return 44 + 2 * 16000;
  }
});
