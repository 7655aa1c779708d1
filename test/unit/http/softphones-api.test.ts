import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFlowCatalog } from '../../../src/adapters/flows/flow-catalog.js';
import { openDatabase, type Db } from '../../../src/adapters/sqlite/database.js';
import { createSqliteApiKeyStore } from '../../../src/adapters/sqlite/sqlite-api-key-store.js';
import { createSqliteCalendarOverrideStore } from '../../../src/adapters/sqlite/sqlite-calendar-override-store.js';
import { createSqliteCallStore } from '../../../src/adapters/sqlite/sqlite-call-store.js';
import { createSqliteSoftphoneStore } from '../../../src/adapters/sqlite/sqlite-softphone-store.js';
import { buildApp } from '../../../src/http/build-app.js';
import type { EndpointState } from '../../../src/ports/telephony.js';
import { createApiKeyService, type ApiKeyService } from '../../../src/services/api-key-service.js';
import { createCalendarOverrideService } from '../../../src/services/calendar-override-service.js';
import { createSoftphoneService, passwordDigest, type SoftphoneService } from '../../../src/services/softphone-service.js';
import { FakeSoftphoneProvisioner } from '../support/fake-softphone-provisioner.js';
import { tempDir } from '../support/helpers.js';
import { bearer, fakeHealth, T0 } from './support.js';

interface ErrorBody { code: string; message: string; details?: unknown }
const PASSWORD = 'Tr0ub4dor&3-2101';

describe('the softphones API: PJSIP endpoints provisioned in Asterisk', () => {
  let cleanup: () => void;
  let db: Db;
  let app: FastifyInstance;
  let keys: ApiKeyService;
  let asterisk: FakeSoftphoneProvisioner;
  let softphones: SoftphoneService;
  let endpoints: EndpointState[];
  let logs: string;
  let admin: string;
  let supervisor: string;

  const build = async (withSoftphones = true) => {
    const { dir, cleanup: done } = tempDir();
    cleanup = done;
    db = openDatabase(join(dir, 'switchboard.db'));
    const now = () => T0 + 90_000;
    const logger = pino({ level: 'trace' }, new Writable({ write: (chunk, _enc, next) => ((logs += String(chunk)), next()) }));
    keys = createApiKeyService(createSqliteApiKeyStore(db));
    mkdirSync(join(dir, 'ivr-flows'));
    const flows = createFlowCatalog({ dir: join(dir, 'ivr-flows'), defaultFlow: 'main', now });
    flows.reload();
    softphones = createSoftphoneService({ store: createSqliteSoftphoneStore(db), provisioner: asterisk, endpointStates: async () => endpoints, now, logger });
    app = await buildApp({
      logger, calls: createSqliteCallStore(db), keys, health: fakeHealth(now), now, flows: { catalog: flows, reload: () => flows.reload() },
      calendarOverrides: createCalendarOverrideService(createSqliteCalendarOverrideStore(db)),
      ...(withSoftphones ? { softphones } : {}),
    });
    await app.ready();
    admin = keys.create('ops', 'admin', T0).key;
    supervisor = keys.create('wallboard', 'supervisor', T0).key;
  };

  beforeEach(async () => {
    logs = '';
    endpoints = [];
    asterisk = new FakeSoftphoneProvisioner();
    await build();
  });
  afterEach(async () => {
    softphones.stop();
    await app.close();
    db.close();
    cleanup();
  });

  const call = (method: 'GET' | 'PUT' | 'DELETE', url: string, key: string, payload?: unknown) =>
    app.inject({ method, url: `/api/v1${url}`, headers: bearer(key), ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) });

  it('given an admin, when a softphone is put, then it is 201 and provisioned; put again it is 200; the password is in no response and no log', async () => {
    const created = await call('PUT', '/softphones/2101', admin, { password: PASSWORD, callerId: '"Agent 2101" <2101>' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({
      id: '2101', callerId: '"Agent 2101" <2101>', realm: 'asterisk', createdAt: new Date(T0 + 90_000).toISOString(), updatedAt: new Date(T0 + 90_000).toISOString(),
      provisioned: true, provisionError: null, registered: null,
    });
    const replaced = await call('PUT', '/softphones/2101', admin, { password: PASSWORD });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json()).toMatchObject({ callerId: '"2101" <2101>' });

    endpoints = [{ endpoint: 'PJSIP/2101', registered: true }];
    const list = await call('GET', '/softphones', admin);
    expect(list.statusCode).toBe(200);
    expect(list.json()).toEqual([expect.objectContaining({ id: '2101', provisioned: true, registered: true })]);
    expect((await call('GET', '/softphones/2101', admin)).json()).toMatchObject({ id: '2101', registered: true });

    const digest = passwordDigest('2101', 'asterisk', PASSWORD).slice(4);
    for (const body of [created.body, replaced.body, list.body]) {
      expect(body).not.toContain(PASSWORD);
      expect(body).not.toContain(digest);
      expect(body).not.toMatch(/password|secret/i);
    }
    expect(logs).toContain('"url":"/api/v1/softphones/2101"'); // the requests were logged…
    expect(logs).not.toContain(PASSWORD); // …never their body
    expect(logs).not.toContain(digest);
  });

  it('given the softphones API, then it is documented under the acd tag and the password is write-only', async () => {
    const spec = app.swagger() as unknown as { paths: Record<string, Record<string, { tags: string[]; requestBody?: unknown }>> };
    expect(Object.keys(spec.paths).filter((p) => p.startsWith('/api/v1/softphones'))).toEqual(['/api/v1/softphones', '/api/v1/softphones/{id}']);
    expect(spec.paths['/api/v1/softphones/{id}']?.put?.tags).toEqual(['acd']);
    expect(spec.paths['/api/v1/softphones']?.get?.tags).toEqual(['acd']);
    expect(JSON.stringify(spec.paths['/api/v1/softphones/{id}']?.put?.requestBody)).toContain('write-only');
  });

  it('given a supervisor, when it lists, puts or deletes softphones, then it is 403 (admin only)', async () => {
    expect((await call('GET', '/softphones', supervisor)).statusCode).toBe(403);
    expect((await call('PUT', '/softphones/2101', supervisor, { password: PASSWORD })).statusCode).toBe(403);
    expect((await call('DELETE', '/softphones/2101', supervisor)).statusCode).toBe(403);
    expect(asterisk.calls).toEqual([]);
  });

  it.each<[string, string, unknown, RegExp]>([
    ['a short password', '2101', { password: 'short' }, /body\/password/],
    ['a long password', '2101', { password: 'x'.repeat(65) }, /body\/password/],
    ['a password with a newline', '2101', { password: 'line\nbreak-pw' }, /body\/password/],
    ['no password', '2101', { callerId: '<2101>' }, /password/],
    ['an unknown field', '2101', { password: PASSWORD, context: 'default' }, /additional/],
    ['an empty caller id', '2101', { password: PASSWORD, callerId: '' }, /body\/callerId/],
    ['a caller id with a control character', '2101', { password: PASSWORD, callerId: '<2101>\r\nX-Evil: 1' }, /body\/callerId/],
    ['an id with a space', '21%2001', { password: PASSWORD }, /params\/id/],
    ['an id with a slash', '2101%2Fx', { password: PASSWORD }, /params\/id/],
    ['a 65-character id', 'x'.repeat(65), { password: PASSWORD }, /params\/id/],
  ])('given %s, when put, then it is 400 and nothing reaches Asterisk, and the password is not echoed', async (_what, id, body, message) => {
    const res = await call('PUT', `/softphones/${id}`, admin, body);
    expect(res.statusCode).toBe(400);
    expect(res.json<ErrorBody>()).toMatchObject({ code: 'bad_request', message: expect.stringMatching(message) as unknown as string });
    expect(res.body).not.toContain('short"');
    expect(res.body).not.toContain('xxxxxxxxxx');
    expect(res.body).not.toContain('break-pw');
    expect(res.body).not.toContain(PASSWORD);
    expect(asterisk.calls).toEqual([]);
  });

  it('given the id of a pjsip.conf endpoint, when put, then Asterisk’s 403 becomes 409 and nothing is stored', async () => {
    const res = await call('PUT', '/softphones/1001', admin, { password: PASSWORD });
    expect(res.statusCode).toBe(409);
    expect(res.json<ErrorBody>()).toMatchObject({ code: 'softphone_conflict', message: expect.stringMatching(/pjsip\.conf/) as unknown as string });
    expect(res.body).not.toContain(PASSWORD);
    expect((await call('GET', '/softphones', admin)).json()).toEqual([]);
  });

  it('given a caller id Asterisk refuses, when put, then it is 400 rejected_by_asterisk', async () => {
    asterisk.refuseCallerId = 'Agent';
    const res = await call('PUT', '/softphones/2101', admin, { password: PASSWORD, callerId: 'Agent' });
    expect(res.statusCode).toBe(400);
    expect(res.json<ErrorBody>().code).toBe('rejected_by_asterisk');
  });

  it('given Asterisk is unreachable, when put, then it is saved: 201 with provisioned false and a warning', async () => {
    asterisk.down = true;
    const res = await call('PUT', '/softphones/2101', admin, { password: PASSWORD });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ id: '2101', provisioned: false, provisionError: expect.stringMatching(/unreachable/) as unknown as string, warning: expect.stringMatching(/not provisioned/) as unknown as string });
    expect(res.body).not.toContain(PASSWORD);
    expect((await call('GET', '/softphones', admin)).json()).toEqual([expect.objectContaining({ id: '2101', provisioned: false })]);
  });

  it('given a softphone, when deleted, then it is 204 and gone from Asterisk; again, 404', async () => {
    await call('PUT', '/softphones/2101', admin, { password: PASSWORD });
    expect((await call('DELETE', '/softphones/2101', admin)).statusCode).toBe(204);
    expect(asterisk.objects.has('2101')).toBe(false);
    expect((await call('GET', '/softphones/2101', admin)).statusCode).toBe(404);
    const again = await call('DELETE', '/softphones/2101', admin);
    expect(again.statusCode).toBe(404);
    expect(again.json<ErrorBody>().code).toBe('not_found');
  });

  it('given Asterisk is unreachable, when deleted, then it is 503 and the softphone is kept', async () => {
    await call('PUT', '/softphones/2101', admin, { password: PASSWORD });
    asterisk.down = true;
    const res = await call('DELETE', '/softphones/2101', admin);
    expect(res.statusCode).toBe(503);
    expect(res.json<ErrorBody>().code).toBe('telephony_unavailable');
    expect((await call('GET', '/softphones', admin)).json()).toHaveLength(1);
  });

  it('given an app built without softphones, then the routes are absent', async () => {
    await app.close();
    db.close();
    cleanup();
    await build(false);
    expect((await call('GET', '/softphones', admin)).statusCode).toBe(404);
  });
});
