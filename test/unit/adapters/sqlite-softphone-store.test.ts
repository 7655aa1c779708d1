import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../src/adapters/sqlite/database.js';
import { createSqliteSoftphoneStore } from '../../../src/adapters/sqlite/sqlite-softphone-store.js';
import type { SoftphoneStore } from '../../../src/ports/softphone-store.js';
import { tempDir } from '../support/helpers.js';

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);
const phone = (id: string, secret = 'MD5:0123456789abcdef0123456789abcdef') => ({ id, callerId: `"Agent ${id}" <${id}>`, realm: 'asterisk', secret });

describe('SQLite softphone store', () => {
  let cleanup: () => void;
  let file: string;
  let db: Db;
  let store: SoftphoneStore;
  beforeEach(() => {
    let dir: string;
    ({ dir, cleanup } = tempDir());
    file = join(dir, 'switchboard.db');
    db = openDatabase(file);
    store = createSqliteSoftphoneStore(db);
  });
  afterEach(() => {
    if (db.open) db.close();
    cleanup();
  });

  it('given no softphones, when read, then the list is empty and get is null', () => {
    expect(store.list()).toEqual([]);
    expect(store.get('2101')).toBeNull();
  });

  it('given two softphones put, when listed, then they come back by id with every field', () => {
    expect(store.put(phone('2102'), T0)).toEqual({ ...phone('2102'), createdAt: T0, updatedAt: T0 });
    store.put(phone('2101'), T0 + 5);
    expect(store.list()).toEqual([
      { ...phone('2101'), createdAt: T0 + 5, updatedAt: T0 + 5 },
      { ...phone('2102'), createdAt: T0, updatedAt: T0 },
    ]);
    expect(store.get('2101')).toEqual({ ...phone('2101'), createdAt: T0 + 5, updatedAt: T0 + 5 });
  });

  it('given a softphone, when put again, then it is replaced and keeps its createdAt', () => {
    store.put(phone('2101'), T0);
    const updated = store.put({ ...phone('2101', 'MD5:ffffffffffffffffffffffffffffffff'), callerId: '<2101>', realm: 'switchboard' }, T0 + 60_000);
    expect(updated).toEqual({ id: '2101', callerId: '<2101>', realm: 'switchboard', secret: 'MD5:ffffffffffffffffffffffffffffffff', createdAt: T0, updatedAt: T0 + 60_000 });
    expect(store.list()).toHaveLength(1);
  });

  it('given a softphone, when deleted, then it is gone; deleting again says false', () => {
    store.put(phone('2101'), T0);
    expect(store.delete('2101')).toBe(true);
    expect(store.get('2101')).toBeNull();
    expect(store.delete('2101')).toBe(false);
  });

  it('given the database is reopened, when read, then the softphones are still there', () => {
    store.put(phone('agent.7_b-1'), T0);
    db.close();
    db = openDatabase(file);
    expect(createSqliteSoftphoneStore(db).list().map((s) => s.id)).toEqual(['agent.7_b-1']);
  });

  it.each(['', '20 01', '2001/x', 'a@b', 'x'.repeat(65), 'é'])('given the id %j, when put, then the table refuses it', (id) => {
    expect(() => store.put(phone(id), T0)).toThrow(/CHECK constraint failed/);
  });

  it('given the table, then it has no column that could hold a password in clear', () => {
    const columns = (db.prepare('PRAGMA table_info(softphones)').all() as { name: string }[]).map((c) => c.name);
    expect(columns).toEqual(['id', 'caller_id', 'realm', 'secret', 'created_at', 'updated_at']);
  });
});
