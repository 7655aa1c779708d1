import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databaseOk, migrate, openDatabase, type Db } from '../../../src/adapters/sqlite/database.js';
import { migrations } from '../../../src/adapters/sqlite/migrations.js';
import { createSqliteCallStore } from '../../../src/adapters/sqlite/sqlite-call-store.js';
import type { CallStore, NewCall } from '../../../src/ports/call-store.js';
import { tempDir } from '../support/helpers.js';

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);
const LATEST = migrations.at(-1)?.version ?? 0;

const newCall = (id: string, over: Partial<NewCall> = {}): NewCall => ({
  id,
  channelId: `chan-${id}`,
  direction: 'inbound',
  callerNumber: '+33612345678',
  callerName: 'Alice',
  dialed: '100',
  flowId: null,
  startedAt: T0,
  ...over,
});

describe('SQLite database', () => {
  let dir: string;
  let cleanup: () => void;
  const opened: Db[] = [];
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => {
    for (const db of opened.splice(0)) if (db.open) db.close();
    cleanup();
  });
  const open = (file = join(dir, 'nested', 'switchboard.db')) => {
    const db = openDatabase(file);
    opened.push(db);
    return db;
  };

  it('given a new file in a missing directory, when opened, then the directory is created and every migration is applied', () => {
    const db = open();
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['api_keys', 'call_events', 'calls']));
    expect(databaseOk(db)).toBe(true);
  });

  it('given a migrated database, when opened again, then migrations are not re-run and data survives', () => {
    const file = join(dir, 'switchboard.db');
    const first = open(file);
    createSqliteCallStore(first).startCall(newCall('c1'));
    first.close();
    const second = open(file);
    expect(second.pragma('user_version', { simple: true })).toBe(LATEST);
    expect(migrate(second)).toBe(LATEST);
    expect(createSqliteCallStore(second).get('c1')?.id).toBe('c1');
  });

  it('given a file database, when opened, then it is in WAL mode with foreign keys on', () => {
    const db = open();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('given a database from a newer Switchboard, when opened, then it refuses to run', () => {
    const file = join(dir, 'switchboard.db');
    const db = open(file);
    db.pragma(`user_version = ${LATEST + 1}`);
    db.close();
    expect(() => open(file)).toThrow(/newer than this Switchboard/);
  });

  it('given a closed database, when checked, then it is not ok', () => {
    const db = open();
    db.close();
    expect(databaseOk(db)).toBe(false);
  });
});

describe('SQLite call store', () => {
  let dir: string;
  let cleanup: () => void;
  let db: Db;
  let store: CallStore;
  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
    db = openDatabase(join(dir, 'switchboard.db'));
    store = createSqliteCallStore(db);
  });
  afterEach(() => {
    db.close();
    cleanup();
  });

  describe('journal and projection', () => {
    it('given a new call, when started, then the row is active and the journal holds call.started', () => {
      store.startCall(newCall('c1'));
      expect(store.get('c1')).toMatchObject({
        id: 'c1', channelId: 'chan-c1', status: 'active', startedAt: T0, answeredAt: null, endedAt: null, endReason: null, hangupCause: null,
      });
      expect(store.events('c1')).toEqual([
        {
          seq: expect.any(Number) as number, callId: 'c1', at: T0, type: 'call.started',
          data: { channelId: 'chan-c1', callerNumber: '+33612345678', callerName: 'Alice', dialed: '100', direction: 'inbound' },
        },
      ]);
    });

    it('given a started call, when flow.started and call.answered are appended, then the row gets the flow id and answered_at', () => {
      store.startCall(newCall('c1'));
      store.append('c1', T0 + 5, 'flow.started', { flowId: 'main', sha256: 'x' });
      store.append('c1', T0 + 100, 'call.answered');
      expect(store.get('c1')).toMatchObject({ flowId: 'main', answeredAt: T0 + 100 });
    });

    it('given an answered call, when answered again, then the first answer time is kept', () => {
      store.startCall(newCall('c1'));
      store.append('c1', T0 + 100, 'call.answered');
      store.append('c1', T0 + 900, 'call.answered');
      expect(store.get('c1')?.answeredAt).toBe(T0 + 100);
    });

    it('given an answered call, when call.ended is appended, then duration, talk time and end reason are projected', () => {
      store.startCall(newCall('c1'));
      store.append('c1', T0 + 1_000, 'call.answered');
      store.append('c1', T0 + 61_000, 'call.ended', { endReason: 'flow_hangup' });
      expect(store.get('c1')).toMatchObject({
        status: 'ended', endedAt: T0 + 61_000, durationMs: 61_000, talkMs: 60_000, endReason: 'flow_hangup',
      });
    });

    it('given a call never answered, when it ends, then talk time is 0', () => {
      store.startCall(newCall('c1'));
      store.append('c1', T0 + 4_000, 'call.ended', { endReason: 'caller_hangup' });
      expect(store.get('c1')).toMatchObject({ durationMs: 4_000, talkMs: 0, endReason: 'caller_hangup' });
    });

    it('given an ended call, when call.ended is appended again, then the first end stays', () => {
      store.startCall(newCall('c1'));
      store.append('c1', T0 + 4_000, 'call.ended', { endReason: 'caller_hangup' });
      store.append('c1', T0 + 9_000, 'call.ended', { endReason: 'lost' });
      expect(store.get('c1')).toMatchObject({ endedAt: T0 + 4_000, endReason: 'caller_hangup' });
      expect(store.events('c1').map((e) => e.type)).toEqual(['call.started', 'call.ended', 'call.ended']);
    });

    it('given a hangup request without cause then one with cause 16, when projected, then the cause is 16 Normal Clearing', () => {
      store.startCall(newCall('c1'));
      store.append('c1', T0 + 1, 'hangup.requested', { cause: null });
      expect(store.get('c1')?.hangupCause).toBeNull();
      store.append('c1', T0 + 2, 'hangup.requested', { cause: 16 });
      expect(store.get('c1')).toMatchObject({ hangupCause: 16, hangupCauseText: 'Normal Clearing' });
    });

    it('given a cause already recorded, when a second hangup request brings another cause, then the first one stays', () => {
      store.startCall(newCall('c1'));
      store.append('c1', T0 + 1, 'hangup.requested', { cause: 16 });
      store.append('c1', T0 + 2, 'hangup.requested', { cause: 17 });
      expect(store.get('c1')?.hangupCause).toBe(16);
    });

    it('given cause 16 recorded, when the channel is destroyed with cause 0, then 16 is kept', () => {
      store.startCall(newCall('c1'));
      store.append('c1', T0 + 1, 'hangup.requested', { cause: 16 });
      store.append('c1', T0 + 2, 'channel.destroyed', { cause: 0, causeText: 'Unknown' });
      expect(store.get('c1')).toMatchObject({ hangupCause: 16, hangupCauseText: 'Normal Clearing' });
    });

    it('given cause 16 recorded, when the channel is destroyed with a non-zero cause, then the destroyed cause and its text win', () => {
      store.startCall(newCall('c1'));
      store.append('c1', T0 + 1, 'hangup.requested', { cause: 16 });
      store.append('c1', T0 + 2, 'channel.destroyed', { cause: 17, causeText: 'User busy' });
      expect(store.get('c1')).toMatchObject({ hangupCause: 17, hangupCauseText: 'User busy' });
    });

    it('given a destroyed event without cause text, when projected, then the text comes from the Q.850 table', () => {
      store.startCall(newCall('c1'));
      store.append('c1', T0 + 2, 'channel.destroyed', { cause: 34 });
      expect(store.get('c1')?.hangupCauseText).toBe('Circuit/channel congestion');
    });

    it('given several events, when read back, then they come in append order with increasing seq and their data', () => {
      store.startCall(newCall('c1'));
      store.append('c1', T0 + 1, 'node.entered', { nodeId: 'welcome', kind: 'play' });
      store.append('c1', T0 + 2, 'playback.started', { playbackId: 'c1-p1', media: ['sound:x'] });
      const events = store.events('c1');
      expect(events.map((e) => e.type)).toEqual(['call.started', 'node.entered', 'playback.started']);
      expect(events[2]?.data).toEqual({ playbackId: 'c1-p1', media: ['sound:x'] });
      const seqs = events.map((e) => e.seq);
      expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    });

    it('given an event for a call that does not exist, when appended, then the foreign key rejects it', () => {
      expect(() => store.append('ghost', T0, 'node.entered')).toThrow();
    });
  });

  describe('the journal is append-only', () => {
    it('given journal rows, when one is updated, then the database refuses', () => {
      store.startCall(newCall('c1'));
      expect(() => db.prepare("UPDATE call_events SET type = 'forged'").run()).toThrow(/append-only/);
    });

    it('given journal rows, when one is deleted, then the database refuses', () => {
      store.startCall(newCall('c1'));
      expect(() => db.prepare('DELETE FROM call_events').run()).toThrow(/append-only/);
      expect(store.events('c1')).toHaveLength(1);
    });
  });

  describe('list, active and findActiveByChannel', () => {
    beforeEach(() => {
      store.startCall(newCall('a', { startedAt: T0, callerNumber: '+33611111111', dialed: '100' }));
      store.startCall(newCall('b', { startedAt: T0 + 1_000, callerNumber: '0612%34', dialed: '200' }));
      store.startCall(newCall('c', { startedAt: T0 + 2_000, callerNumber: '1001', dialed: '5_5' }));
      store.startCall(newCall('d', { startedAt: T0 + 3_000, callerNumber: '42', dialed: '300' }));
      store.append('a', T0 + 500, 'call.ended', { endReason: 'caller_hangup' });
      store.append('c', T0 + 2_500, 'call.ended', { endReason: 'flow_hangup' });
    });
    const ids = (q: Parameters<CallStore['list']>[0]) => store.list(q).items.map((c) => c.id);
    const page = { limit: 50, offset: 0 };

    it('given calls, when listed without filters, then all come newest first with the total', () => {
      const result = store.list(page);
      expect(result.total).toBe(4);
      expect(result.items.map((c) => c.id)).toEqual(['d', 'c', 'b', 'a']);
    });

    it('given calls, when listed by time range, then from is inclusive and to is exclusive', () => {
      expect(ids({ ...page, from: T0 + 1_000, to: T0 + 3_000 })).toEqual(['c', 'b']);
      expect(ids({ ...page, from: T0 + 1_001 })).toEqual(['d', 'c']);
      expect(ids({ ...page, to: T0 + 1 })).toEqual(['a']);
    });

    it('given calls, when listed by number, then it matches a substring of the caller or the dialed number', () => {
      expect(ids({ ...page, number: '1111' })).toEqual(['a']);
      expect(ids({ ...page, number: '300' })).toEqual(['d']);
      expect(ids({ ...page, number: '10' })).toEqual(['c', 'a']);
    });

    it('given numbers containing % and _, when searched with them, then they match literally', () => {
      expect(ids({ ...page, number: '%' })).toEqual(['b']);
      expect(ids({ ...page, number: '_' })).toEqual(['c']);
      expect(ids({ ...page, number: '2%3' })).toEqual(['b']);
      expect(ids({ ...page, number: '5_5' })).toEqual(['c']);
      expect(ids({ ...page, number: '\\' })).toEqual([]);
    });

    it('given calls, when listed by status, then only that status comes back', () => {
      expect(ids({ ...page, status: 'active' })).toEqual(['d', 'b']);
      expect(ids({ ...page, status: 'ended' })).toEqual(['c', 'a']);
    });

    it('given calls, when paged, then limit and offset slice the list and total counts every match', () => {
      expect(store.list({ limit: 2, offset: 0 })).toMatchObject({ total: 4, items: [{ id: 'd' }, { id: 'c' }] });
      expect(store.list({ limit: 2, offset: 2 })).toMatchObject({ total: 4, items: [{ id: 'b' }, { id: 'a' }] });
      expect(store.list({ limit: 2, offset: 4 })).toEqual({ total: 4, items: [] });
      expect(store.list({ limit: 1, offset: 0, status: 'active' })).toMatchObject({ total: 2, items: [{ id: 'd' }] });
    });

    it('given active and ended calls, when active() is read, then only active calls come, oldest first', () => {
      expect(store.active().map((c) => c.id)).toEqual(['b', 'd']);
    });

    it('given a channel whose call ended and a channel still active, when found by channel, then only the active one is returned', () => {
      expect(store.findActiveByChannel('chan-b')?.id).toBe('b');
      expect(store.findActiveByChannel('chan-a')).toBeUndefined();
      expect(store.findActiveByChannel('nope')).toBeUndefined();
    });
  });
});
