import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Db } from '../../../src/adapters/sqlite/database.js';
import { createSqliteSoftphoneStore } from '../../../src/adapters/sqlite/sqlite-softphone-store.js';
import type { SoftphoneStore } from '../../../src/ports/softphone-store.js';
import type { EndpointState } from '../../../src/ports/telephony.js';
import { createSoftphoneService, passwordDigest, SoftphoneError, type SoftphoneService } from '../../../src/services/softphone-service.js';
import { FakeSoftphoneProvisioner } from '../support/fake-softphone-provisioner.js';
import { tempDir } from '../support/helpers.js';

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);
const PASSWORD = 'correct-horse-2101';

describe('softphone service: SQLite record, Asterisk push', () => {
  let cleanup: () => void;
  let db: Db;
  let store: SoftphoneStore;
  let asterisk: FakeSoftphoneProvisioner;
  let endpoints: EndpointState[] | Error;
  let logs: string;
  let clock: number;
  let service: SoftphoneService;

  const build = (options: { retryMs?: number; concurrency?: number } = {}) =>
    createSoftphoneService({
      store,
      provisioner: asterisk,
      endpointStates: async () => {
        if (endpoints instanceof Error) throw endpoints;
        return endpoints;
      },
      now: () => clock,
      logger: pino({ level: 'trace' }, new Writable({ write: (chunk, _enc, done) => ((logs += String(chunk)), done()) })),
      ...options,
    });
  const code = (promise: Promise<unknown>) =>
    promise.then(
      () => 'resolved',
      (err: unknown) => (err instanceof SoftphoneError ? err.code : `not a SoftphoneError: ${String(err)}`),
    );

  beforeEach(() => {
    let dir: string;
    ({ dir, cleanup } = tempDir());
    db = openDatabase(join(dir, 'switchboard.db'));
    store = createSqliteSoftphoneStore(db);
    asterisk = new FakeSoftphoneProvisioner();
    endpoints = [];
    logs = '';
    clock = T0;
    service = build();
  });
  afterEach(() => {
    service.stop();
    vi.useRealTimers();
    db.close();
    cleanup();
  });

  it('computes Asterisk’s password_digest: MD5 of id:realm:password (a value Asterisk 22 accepted a REGISTER with)', () => {
    // Checked against the real Asterisk: password_digest MD5:bad7… let SIPp register 2901 with this password.
    expect(passwordDigest('2901', 'asterisk', 'Secret-2901!')).toBe('MD5:bad7e51336bdcc5c166de24f4a99a691');
  });

  it('given a new softphone, when put, then Asterisk gets the digest and realm, never the password, and the row stores the same', async () => {
    const result = await service.put('2101', { password: PASSWORD, callerId: '"Agent 2101" <2101>' });
    const digest = passwordDigest('2101', 'asterisk', PASSWORD);
    expect(asterisk.objects.get('2101')).toEqual({ id: '2101', callerId: '"Agent 2101" <2101>', realm: 'asterisk', passwordDigest: digest });
    expect(store.get('2101')).toEqual({ id: '2101', callerId: '"Agent 2101" <2101>', realm: 'asterisk', secret: digest, createdAt: T0, updatedAt: T0 });
    expect(result).toEqual({
      created: true,
      warning: null,
      softphone: { id: '2101', callerId: '"Agent 2101" <2101>', realm: 'asterisk', createdAt: T0, updatedAt: T0, provisioned: true, provisionError: null, registered: null },
    });
    expect(JSON.stringify(result)).not.toContain(digest.slice(4));
    expect(logs).toContain('softphones: saved');
    expect(logs).not.toContain(PASSWORD);
    expect(logs).not.toContain(digest.slice(4));
  });

  it('given a softphone, when put again without callerId, then it is replaced (default caller id), keeps createdAt and says created false', async () => {
    await service.put('2101', { password: PASSWORD, callerId: '"Agent 2101" <2101>' });
    clock = T0 + 1_000;
    const result = await service.put('2101', { password: 'another-password' });
    expect(result.created).toBe(false);
    expect(result.softphone).toMatchObject({ callerId: '"2101" <2101>', createdAt: T0, updatedAt: T0 + 1_000 });
    expect(asterisk.objects.get('2101')).toMatchObject({ passwordDigest: passwordDigest('2101', 'asterisk', 'another-password') });
  });

  it('given a pjsip.conf id, when put, then it fails as read_only and nothing is stored', async () => {
    await expect(code(service.put('1001', { password: PASSWORD }))).resolves.toBe('read_only');
    expect(store.list()).toEqual([]);
    expect(await service.list()).toEqual([]);
  });

  it('given a new softphone whose caller id Asterisk refuses, when put, then it fails as invalid, nothing is stored and Asterisk is cleaned up', async () => {
    asterisk.refuseCallerId = 'bad';
    await expect(code(service.put('2101', { password: PASSWORD, callerId: 'bad' }))).resolves.toBe('invalid');
    expect(store.list()).toEqual([]);
    expect(asterisk.objects.has('2101')).toBe(false);
    expect(asterisk.calls).toEqual(['provision 2101', 'remove 2101']);
  });

  it('given a provisioned softphone, when an update is refused, then Asterisk gets the stored one back and the row is unchanged', async () => {
    await service.put('2101', { password: PASSWORD, callerId: '<2101>' });
    asterisk.refuseCallerId = 'bad';
    await expect(code(service.put('2101', { password: 'new-password', callerId: 'bad' }))).resolves.toBe('invalid');
    expect(asterisk.objects.get('2101')).toMatchObject({ callerId: '<2101>', passwordDigest: passwordDigest('2101', 'asterisk', PASSWORD) });
    expect(store.get('2101')?.secret).toBe(passwordDigest('2101', 'asterisk', PASSWORD));
    expect((await service.get('2101'))?.provisioned).toBe(true);
  });

  it('given Asterisk is unreachable, when put, then it is stored with a warning, and the retry pushes it once Asterisk is back', async () => {
    vi.useFakeTimers();
    service = build({ retryMs: 5_000 });
    asterisk.down = true;
    const result = await service.put('2101', { password: PASSWORD });
    expect(result.created).toBe(true);
    expect(result.softphone.provisioned).toBe(false);
    expect(result.softphone.provisionError).toMatch(/unreachable/);
    expect(result.warning).toMatch(/saved, but not provisioned: Asterisk could not be reached .*every 5 s/);
    expect(store.get('2101')).not.toBeNull();

    await vi.advanceTimersByTimeAsync(5_000); // still down: tried again, one push, then waits
    expect(asterisk.calls).toEqual(['provision 2101', 'provision 2101']);
    asterisk.down = false;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(asterisk.objects.has('2101')).toBe(true);
    expect((await service.get('2101'))?.provisioned).toBe(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(asterisk.calls).toHaveLength(3); // nothing pending: no more retries
  });

  it('given Asterisk restarted (its memory objects gone), when provisionAll runs on reconnect, then every stored softphone is pushed again', async () => {
    service = build({ concurrency: 2 });
    for (const id of ['2101', '2102', '2103']) await service.put(id, { password: `${PASSWORD}-${id}` });
    asterisk.objects.clear();
    const result = await service.provisionAll();
    expect(result).toEqual({ total: 3, provisioned: 3, failed: [] });
    expect([...asterisk.objects.keys()].sort()).toEqual(['2101', '2102', '2103']);
    expect(asterisk.objects.get('2102')?.callerId).toBe('"2102" <2102>');
    expect(logs).not.toContain(PASSWORD);
  });

  it('given a stored pjsip.conf id (saved while Asterisk was down), when provisionAll runs, then it is reported and the others are still pushed', async () => {
    asterisk.down = true;
    await service.put('1001', { password: PASSWORD });
    await service.put('2101', { password: PASSWORD });
    asterisk.down = false;
    const result = await service.provisionAll();
    expect(result).toEqual({ total: 2, provisioned: 1, failed: ['1001'] });
    const views = await service.list();
    expect(views.map((v) => [v.id, v.provisioned, v.provisionError !== null])).toEqual([['1001', false, true], ['2101', true, false]]);
    // Removing it: Asterisk says 403 (not ours), the row goes.
    await service.remove('1001');
    expect(store.get('1001')).toBeNull();
  });

  it('given Asterisk is unreachable, when provisionAll runs, then it stops at the first failure and never throws', async () => {
    for (const id of ['2101', '2102', '2103']) await service.put(id, { password: PASSWORD });
    asterisk.calls.length = 0;
    asterisk.down = true;
    const result = await service.provisionAll();
    expect(result.provisioned).toBe(0);
    expect(asterisk.calls.length).toBeLessThanOrEqual(4); // one per worker at most
    expect((await service.list()).every((v) => !v.provisioned)).toBe(true);
  });

  it('given a softphone, when removed, then Asterisk and the store forget it; unknown, it is not_found', async () => {
    await service.put('2101', { password: PASSWORD });
    await service.remove('2101');
    expect(asterisk.objects.has('2101')).toBe(false);
    expect(store.get('2101')).toBeNull();
    await expect(code(service.remove('2101'))).resolves.toBe('not_found');
  });

  it('given Asterisk is unreachable, when removed, then it fails as unavailable and the softphone is kept', async () => {
    await service.put('2101', { password: PASSWORD });
    asterisk.down = true;
    await expect(code(service.remove('2101'))).resolves.toBe('unavailable');
    expect(store.get('2101')).not.toBeNull();
  });

  it('given endpoint states, when listed, then registered comes from them; when Asterisk cannot say, registered is null', async () => {
    await service.put('2101', { password: PASSWORD });
    await service.put('2102', { password: PASSWORD });
    endpoints = [{ endpoint: 'PJSIP/2101', registered: true }, { endpoint: 'PJSIP/1001', registered: true }];
    expect((await service.list()).map((v) => [v.id, v.registered])).toEqual([['2101', true], ['2102', false]]);
    endpoints = new Error('ARI down');
    expect((await service.list()).map((v) => v.registered)).toEqual([null, null]);
    expect(await service.get('nope')).toBeNull();
  });

  it('given changes that overlap, when they run, then they apply one at a time in call order', async () => {
    const first = service.put('2101', { password: 'password-one', callerId: '<one>' });
    const second = service.put('2101', { password: 'password-two', callerId: '<two>' });
    const removal = service.remove('2101');
    await Promise.all([first, second, removal]);
    expect(asterisk.calls).toEqual(['provision 2101', 'provision 2101', 'remove 2101']);
    expect(store.get('2101')).toBeNull();
  });
});
