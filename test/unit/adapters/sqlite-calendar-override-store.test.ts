import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../src/adapters/sqlite/database.js';
import { createSqliteCalendarOverrideStore } from '../../../src/adapters/sqlite/sqlite-calendar-override-store.js';
import type { CalendarOverrideStore } from '../../../src/ports/calendar-override-store.js';
import { tempDir } from '../support/helpers.js';

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);

describe('SQLite calendar override store', () => {
  let cleanup: () => void;
  let file: string;
  let db: Db;
  let store: CalendarOverrideStore;
  beforeEach(() => {
    let dir: string;
    ({ dir, cleanup } = tempDir());
    file = join(dir, 'switchboard.db');
    db = openDatabase(file);
    store = createSqliteCalendarOverrideStore(db);
  });
  afterEach(() => {
    if (db.open) db.close();
    cleanup();
  });

  it('given no overrides, when read, then all and the log are empty', () => {
    expect(store.all()).toEqual([]);
    expect(store.log('support', 10)).toEqual([]);
  });

  it('given overrides set for two calendars, when read, then both come back by calendar id with their fields', () => {
    store.set({ calendarId: 'support', state: 'closed', until: T0 + 3_600_000, reason: 'strike', setBy: 'wallboard', setAt: T0 });
    store.set({ calendarId: 'sales', state: 'open', until: null, setAt: T0 + 1 });
    expect(store.all()).toEqual([
      { calendarId: 'sales', state: 'open', until: null, setAt: T0 + 1 },
      { calendarId: 'support', state: 'closed', until: T0 + 3_600_000, reason: 'strike', setBy: 'wallboard', setAt: T0 },
    ]);
  });

  it('given an override, when set again for the same calendar, then it is replaced and both sets are logged, newest first', () => {
    store.set({ calendarId: 'support', state: 'closed', until: null, reason: 'strike', setBy: 'alice', setAt: T0 });
    store.set({ calendarId: 'support', state: 'inventory', until: T0 + 60_000, setBy: 'bob', setAt: T0 + 10 });
    expect(store.all()).toEqual([{ calendarId: 'support', state: 'inventory', until: T0 + 60_000, setBy: 'bob', setAt: T0 + 10 }]);
    const log = store.log('support', 10);
    expect(log).toEqual([
      { id: expect.any(Number) as number, calendarId: 'support', action: 'set', state: 'inventory', until: T0 + 60_000, reason: null, by: 'bob', at: T0 + 10 },
      { id: expect.any(Number) as number, calendarId: 'support', action: 'set', state: 'closed', until: null, reason: 'strike', by: 'alice', at: T0 },
    ]);
    expect(log[0]?.id ?? 0).toBeGreaterThan(log[1]?.id ?? 0);
  });

  it('given an override, when cleared, then it is gone and the log records what was cleared and by whom', () => {
    store.set({ calendarId: 'support', state: 'closed', until: T0 + 60_000, reason: 'strike', setBy: 'alice', setAt: T0 });
    expect(store.clear('support', 'bob', T0 + 30)).toBe(true);
    expect(store.all()).toEqual([]);
    expect(store.log('support', 10)[0]).toEqual({
      id: expect.any(Number) as number, calendarId: 'support', action: 'cleared', state: 'closed', until: T0 + 60_000, reason: 'strike', by: 'bob', at: T0 + 30,
    });
  });

  it('given no override, when cleared, then it returns false and logs nothing', () => {
    store.set({ calendarId: 'sales', state: 'open', until: null, setAt: T0 });
    expect(store.clear('support', 'bob', T0 + 30)).toBe(false);
    expect(store.log('support', 10)).toEqual([]);
    expect(store.all()).toHaveLength(1);
  });

  it('given a clear without a known author, when logged, then by is null', () => {
    store.set({ calendarId: 'support', state: 'closed', until: null, setAt: T0 });
    store.clear('support', undefined, T0 + 1);
    expect(store.log('support', 1)).toEqual([expect.objectContaining({ action: 'cleared', by: null })]);
  });

  it('given a long log for several calendars, when read with a limit, then only that calendar and that many newest entries come', () => {
    for (let i = 0; i < 5; i++) store.set({ calendarId: 'support', state: i % 2 ? 'open' : 'closed', until: null, setAt: T0 + i });
    store.set({ calendarId: 'sales', state: 'closed', until: null, setAt: T0 + 9 });
    expect(store.log('support', 2).map((e) => e.at)).toEqual([T0 + 4, T0 + 3]);
    expect(store.log('sales', 10)).toHaveLength(1);
  });

  it('given a log, when a row is updated or deleted, then the database refuses (append-only)', () => {
    store.set({ calendarId: 'support', state: 'closed', until: null, setAt: T0 });
    expect(() => db.prepare("UPDATE calendar_override_log SET state = 'open'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM calendar_override_log').run()).toThrow(/append-only/);
  });

  it('given a set whose log write fails, when set, then the override is not stored either (one transaction)', () => {
    db.exec("CREATE TRIGGER fail_log BEFORE INSERT ON calendar_override_log BEGIN SELECT RAISE(ABORT, 'log broken'); END");
    expect(() => store.set({ calendarId: 'support', state: 'closed', until: null, setAt: T0 })).toThrow(/log broken/);
    expect(store.all()).toEqual([]);
  });

  it('given a clear whose log write fails, when cleared, then the override stays', () => {
    store.set({ calendarId: 'support', state: 'closed', until: null, setAt: T0 });
    db.exec("CREATE TRIGGER fail_log BEFORE INSERT ON calendar_override_log BEGIN SELECT RAISE(ABORT, 'log broken'); END");
    expect(() => store.clear('support', 'bob', T0 + 1)).toThrow(/log broken/);
    expect(store.all()).toHaveLength(1);
  });

  it('given overrides, when the database is reopened, then they survive', () => {
    store.set({ calendarId: 'support', state: 'holiday', until: null, reason: 'closed today', setAt: T0 });
    db.close();
    db = openDatabase(file);
    expect(createSqliteCalendarOverrideStore(db).all()).toEqual([{ calendarId: 'support', state: 'holiday', until: null, reason: 'closed today', setAt: T0 }]);
  });
});
