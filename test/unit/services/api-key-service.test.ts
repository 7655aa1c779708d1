import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../src/adapters/sqlite/database.js';
import { createSqliteApiKeyStore } from '../../../src/adapters/sqlite/sqlite-api-key-store.js';
import type { Role } from '../../../src/ports/api-key-store.js';
import { createApiKeyService, hashKey, roleAtLeast, type ApiKeyService } from '../../../src/services/api-key-service.js';
import { tempDir } from '../support/helpers.js';

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);

describe('API key service over the SQLite key store', () => {
  let dir: string;
  let cleanup: () => void;
  let db: Db;
  let keys: ApiKeyService;
  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
    db = openDatabase(join(dir, 'switchboard.db'));
    keys = createApiKeyService(createSqliteApiKeyStore(db));
  });
  afterEach(() => {
    db.close();
    cleanup();
  });

  const rows = () => db.prepare('SELECT * FROM api_keys').all() as Record<string, unknown>[];

  it('given a name and role, when a key is created, then it starts with sbk_ and the record describes it', () => {
    const { key, record } = keys.create('wallboard', 'supervisor', T0);
    expect(key).toMatch(/^sbk_[A-Za-z0-9_-]{43}$/);
    expect(record).toMatchObject({ name: 'wallboard', role: 'supervisor', prefix: key.slice(0, 10), createdAt: T0, lastUsedAt: null, revokedAt: null });
  });

  it('given a created key, when the database row is read, then it holds the hash and never the key itself', () => {
    const { key } = keys.create('wallboard', 'supervisor', T0);
    const all = rows();
    expect(all).toHaveLength(1);
    expect(all[0]?.hash).toBe(hashKey(key));
    expect(JSON.stringify(all)).not.toContain(key);
    expect(JSON.stringify(all)).not.toContain(key.slice(10));
  });

  it('given two created keys, when compared, then they differ', () => {
    expect(keys.create('a', 'agent', T0).key).not.toBe(keys.create('b', 'agent', T0).key);
  });

  it('given a created key, when verified, then its record comes back and last use is recorded', () => {
    const { key, record } = keys.create('wallboard', 'supervisor', T0);
    expect(keys.verify(key, T0 + 5)).toMatchObject({ id: record.id, role: 'supervisor' });
    expect(keys.list()[0]?.lastUsedAt).toBe(T0 + 5);
  });

  it('given a key used twice within a minute, when verified, then last use is written only once (throttled)', () => {
    const { key } = keys.create('wallboard', 'supervisor', T0);
    keys.verify(key, T0 + 61_000);
    keys.verify(key, T0 + 62_000);
    expect(keys.list()[0]?.lastUsedAt).toBe(T0 + 61_000);
    keys.verify(key, T0 + 122_000);
    expect(keys.list()[0]?.lastUsedAt).toBe(T0 + 122_000);
  });

  it.each([
    ['a wrong key with the right prefix', 'sbk_' + 'A'.repeat(43)],
    ['a key without the sbk_ prefix', 'abc'],
    ['an empty key', ''],
    ['an overlong key', 'sbk_' + 'A'.repeat(300)],
  ])('given %s, when verified, then it is rejected', (_what, presented) => {
    keys.create('wallboard', 'supervisor', T0);
    expect(keys.verify(presented, T0)).toBeUndefined();
  });

  it('given a valid key with a changed character, when verified, then it is rejected', () => {
    const { key } = keys.create('wallboard', 'supervisor', T0);
    const tampered = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    expect(keys.verify(tampered, T0)).toBeUndefined();
  });

  it('given a revoked key, when verified, then it is rejected and the list shows when it was revoked', () => {
    const { key, record } = keys.create('wallboard', 'supervisor', T0);
    expect(keys.revoke(record.id, T0 + 10)).toBe(true);
    expect(keys.verify(key, T0 + 20)).toBeUndefined();
    expect(keys.list()[0]?.revokedAt).toBe(T0 + 10);
  });

  it('given a revoked or unknown key id, when revoked, then it reports false', () => {
    const { record } = keys.create('wallboard', 'supervisor', T0);
    keys.revoke(record.id, T0 + 10);
    expect(keys.revoke(record.id, T0 + 20)).toBe(false);
    expect(keys.revoke('no-such-id', T0)).toBe(false);
    expect(keys.list()[0]?.revokedAt).toBe(T0 + 10);
  });

  it('given several keys, when counted by the store, then revoked ones are left out', () => {
    const store = createSqliteApiKeyStore(db);
    keys.create('a', 'agent', T0);
    const b = keys.create('b', 'admin', T0 + 1);
    keys.revoke(b.record.id, T0 + 2);
    expect(store.count()).toBe(1);
    expect(keys.list().map((k) => k.name)).toEqual(['a', 'b']);
  });
});

describe('roleAtLeast', () => {
  it.each<[Role, Role, boolean]>([
    ['admin', 'admin', true],
    ['admin', 'supervisor', true],
    ['admin', 'agent', true],
    ['supervisor', 'admin', false],
    ['supervisor', 'supervisor', true],
    ['supervisor', 'agent', true],
    ['agent', 'admin', false],
    ['agent', 'supervisor', false],
    ['agent', 'agent', true],
  ])('given role %s, when %s is needed, then it is %s', (role, needed, allowed) => {
    expect(roleAtLeast(role, needed)).toBe(allowed);
  });
});
