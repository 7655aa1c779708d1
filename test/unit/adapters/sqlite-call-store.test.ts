import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databaseOk, migrate, openDatabase, type Db } from '../../../src/adapters/sqlite/database.js';
import { migrations } from '../../../src/adapters/sqlite/migrations.js';
import { createSqliteCallStore } from '../../../src/adapters/sqlite/sqlite-call-store.js';
import { createSqliteAcdStateStore } from '../../../src/adapters/sqlite/sqlite-acd-state-store.js';
import { decideOutcome } from '../../../src/core/calls/outcome.js';
import type { CallJournal } from '../../../src/core/calls/journal-facts.js';
import type { CallStore, NewCall } from '../../../src/ports/call-store.js';
import { outcomeScenarios } from '../core/calls/journal-fixtures.js';
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

  it('given a version 1 database with calls, when opened, then it is upgraded and the old rows get empty path and tags', () => {
    const file = join(dir, 'v1.db');
    const v1 = new Database(file);
    const first = migrations.find((m) => m.version === 1);
    if (!first) throw new Error('migration 1 missing');
    v1.exec(first.sql);
    v1.pragma('user_version = 1');
    v1.prepare(`INSERT INTO calls (id, channel_id, direction, caller_number, flow_id, status, started_at) VALUES ('old', 'chan-old', 'inbound', '42', 'main', 'active', ?)`).run(T0);
    v1.prepare(`INSERT INTO call_events (call_id, at, type, data) VALUES ('old', ?, 'flow.started', '{"flowId":"main","sha256":"x"}')`).run(T0);
    v1.close();

    const db = open(file);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['calendar_overrides', 'calendar_override_log']));
    const store = createSqliteCallStore(db);
    expect(store.get('old')).toMatchObject({ id: 'old', flowId: 'main', flowVersion: null, lastNode: null, path: [], tags: [] });
    expect(db.prepare("SELECT node_path, tags FROM calls WHERE id = 'old'").get()).toEqual({ node_path: '[]', tags: '[]' });
    expect(store.events('old').map((e) => e.type)).toEqual(['flow.started']);

    store.append('old', T0 + 10, 'node.entered', { flowId: 'main', nodeId: 'welcome', kind: 'play' });
    store.append('old', T0 + 11, 'tags.added', { nodeId: 'welcome', tags: ['vip'] });
    expect(store.get('old')).toMatchObject({ path: ['welcome'], lastNode: 'welcome', tags: ['vip'] });
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

  describe('flow version, node path and tags', () => {
    const enter = (at: number, nodeId: string, flowId = 'main', depth?: number) =>
      store.append('c1', at, 'node.entered', { flowId, nodeId, kind: 'play', ...(depth === undefined ? {} : { depth }) });

    it('given flow.started with a version, when projected, then the call has the flow id and version and an empty path', () => {
      store.startCall(newCall('c1'));
      expect(store.get('c1')).toMatchObject({ flowId: null, flowVersion: null, lastNode: null, path: [], tags: [] });
      store.append('c1', T0 + 1, 'flow.started', { flowId: 'main', version: '0123456789abcdef', file: '/flows/main.yaml' });
      expect(store.get('c1')).toMatchObject({ flowId: 'main', flowVersion: '0123456789abcdef', path: [] });
    });

    it('given nodes entered in the entry flow and in a subflow, when projected, then subflow nodes are prefixed with their flow id', () => {
      store.startCall(newCall('c1'));
      store.append('c1', T0 + 1, 'flow.started', { flowId: 'main', version: 'v1', file: 'main.yaml' });
      enter(T0 + 2, 'welcome');
      enter(T0 + 3, 'identify');
      store.append('c1', T0 + 3, 'subflow.called', { nodeId: 'identify', flowId: 'auth', version: 'a1' });
      enter(T0 + 4, 'ask', 'auth', 1);
      enter(T0 + 5, 'check', 'auth', 1);
      store.append('c1', T0 + 6, 'subflow.returned', { flowId: 'auth', nodeId: 'identify' });
      enter(T0 + 7, 'menu');
      expect(store.get('c1')).toMatchObject({ path: ['welcome', 'identify', 'auth/ask', 'auth/check', 'menu'], lastNode: 'menu' });
      enter(T0 + 8, 'ask', 'auth', 1);
      expect(store.get('c1')?.lastNode).toBe('auth/ask');
    });

    it('given the entry flow called as its own subflow, when its nodes are entered with depth, then they are prefixed too', () => {
      store.startCall(newCall('c1'));
      store.append('c1', T0 + 1, 'flow.started', { flowId: 'main', version: 'v1', file: 'main.yaml' });
      enter(T0 + 2, 'welcome');
      enter(T0 + 3, 'welcome', 'main', 1);
      enter(T0 + 4, 'menu', 'main', 0);
      expect(store.get('c1')?.path).toEqual(['welcome', 'main/welcome', 'menu']);
    });

    it('given a node of another flow without depth, when entered, then the flow id difference alone prefixes it', () => {
      store.startCall(newCall('c1'));
      store.append('c1', T0 + 1, 'flow.started', { flowId: 'main', version: 'v1', file: 'main.yaml' });
      enter(T0 + 2, 'x', 'other');
      expect(store.get('c1')).toMatchObject({ path: ['other/x'], lastNode: 'other/x' });
    });

    it('given a node entered before any flow.started or without a flow id, when projected, then it goes in unprefixed', () => {
      store.startCall(newCall('c1'));
      enter(T0 + 2, 'welcome');
      store.append('c1', T0 + 3, 'node.entered', { nodeId: 'ask', kind: 'collect', depth: 1 });
      expect(store.get('c1')).toMatchObject({ path: ['welcome', 'ask'], lastNode: 'ask' });
    });

    it('given node ids with quotes and slashes, when entered, then the path keeps them as JSON strings', () => {
      store.startCall(newCall('c1'));
      enter(T0 + 2, 'say "hi"');
      enter(T0 + 3, 'a/b');
      expect(store.get('c1')?.path).toEqual(['say "hi"', 'a/b']);
    });

    it('given node.entered without a node id, when appended, then it is journaled and the path is unchanged', () => {
      store.startCall(newCall('c1'));
      store.append('c1', T0 + 2, 'node.entered', { flowId: 'main' });
      expect(store.get('c1')).toMatchObject({ path: [], lastNode: null });
      expect(store.events('c1')).toHaveLength(2);
    });

    it('given tags added twice with an overlap, when projected, then the tags are unique in first-added order', () => {
      store.startCall(newCall('c1'));
      store.append('c1', T0 + 1, 'tags.added', { nodeId: 't1', tags: ['sales', 'vip'] });
      store.append('c1', T0 + 2, 'tags.added', { nodeId: 't2', tags: ['vip', 'callback', 'sales', 'callback'] });
      expect(store.get('c1')?.tags).toEqual(['sales', 'vip', 'callback']);
    });

    it('given tags.added with non-string entries or no array, when projected, then only strings are kept', () => {
      store.startCall(newCall('c1'));
      store.append('c1', T0 + 1, 'tags.added', { nodeId: 't1', tags: ['a', 3, null] });
      store.append('c1', T0 + 2, 'tags.added', { nodeId: 't2', tags: 'b' });
      expect(store.get('c1')?.tags).toEqual(['a']);
    });

    it('given an answered call re-adopted on a newer flow version, when projected, then the version follows and the re-entered node is in the path again', () => {
      store.startCall(newCall('c1'));
      store.append('c1', T0 + 1, 'flow.started', { flowId: 'main', version: 'v1', file: 'main.yaml' });
      enter(T0 + 2, 'welcome');
      enter(T0 + 3, 'menu');
      store.append('c1', T0 + 4, 'tags.added', { nodeId: 'menu', tags: ['sales'] });
      store.append('c1', T0 + 10, 'call.readopted', { nodeId: 'menu', flowId: 'main', version: 'v2' });
      enter(T0 + 10, 'menu');
      expect(store.get('c1')).toMatchObject({ flowId: 'main', flowVersion: 'v2', path: ['welcome', 'menu', 'menu'], lastNode: 'menu', tags: ['sales'] });
    });

    it('given a call never answered, when re-adopted without a version, then the following flow.started brings the version', () => {
      store.startCall(newCall('c1'));
      store.append('c1', T0 + 1, 'flow.started', { flowId: 'main', version: 'v1', file: 'main.yaml' });
      store.append('c1', T0 + 10, 'call.readopted', { nodeId: null, flowId: 'main' });
      expect(store.get('c1')).toMatchObject({ flowId: 'main', flowVersion: 'v1' });
      store.append('c1', T0 + 10, 'flow.started', { flowId: 'main', version: 'v2', file: 'main.yaml' });
      expect(store.get('c1')).toMatchObject({ flowId: 'main', flowVersion: 'v2', path: [] });
    });

    it('given a call re-adopted on another flow without a version, when projected, then the old version is not kept for the new flow', () => {
      store.startCall(newCall('c1'));
      store.append('c1', T0 + 1, 'flow.started', { flowId: 'main', version: 'v1', file: 'main.yaml' });
      store.append('c1', T0 + 10, 'call.readopted', { nodeId: null, flowId: 'night' });
      expect(store.get('c1')).toMatchObject({ flowId: 'night', flowVersion: null });
    });
  });

  describe('node stats', () => {
    // Two calls on main v1, one on main v2, each with a walk through the flow; 'auth' is a subflow.
    const walk = (id: string, at: number, version: string, steps: [nodeId: string, outcome: string | null, flowId?: string][]) => {
      store.startCall(newCall(id, { startedAt: at }));
      store.append(id, at, 'flow.started', { flowId: 'main', version, file: 'main.yaml' });
      let t = at;
      for (const [nodeId, outcome, flowId = 'main'] of steps) {
        t += 1_000;
        store.append(id, t, 'node.entered', { flowId, nodeId, kind: 'menu', ...(flowId === 'main' ? {} : { depth: 1 }) });
        if (outcome) store.append(id, t + 500, 'node.exited', { flowId, nodeId, outcome, target: null });
      }
    };
    beforeEach(() => {
      walk('s1', T0, 'v1', [['welcome', 'next'], ['menu', 'noInput'], ['menu', '1'], ['sales', null]]);
      walk('s2', T0 + 60_000, 'v1', [['welcome', 'next'], ['menu', '2'], ['ask', 'ok', 'auth'], ['support', null]]);
      walk('s3', T0 + 120_000, 'v2', [['welcome', 'next'], ['menu', '1'], ['sales', null]]);
      // A loop refused by maxVisits is journaled without node.entered, then exits 'loopExceeded'.
      store.append('s3', T0 + 125_000, 'node.loopExceeded', { flowId: 'main', nodeId: 'menu', visits: 4 });
      store.append('s3', T0 + 125_000, 'node.exited', { flowId: 'main', nodeId: 'menu', outcome: 'loopExceeded', target: 'bye' });
    });

    it('given calls over the whole range, when counted, then visits and exits by outcome are per node, ordered by node id', () => {
      expect(store.nodeStats('main', {})).toEqual([
        { nodeId: 'menu', visits: 4, exits: { noInput: 1, '1': 2, '2': 1, loopExceeded: 1 } },
        { nodeId: 'sales', visits: 2, exits: {} },
        { nodeId: 'support', visits: 1, exits: {} },
        { nodeId: 'welcome', visits: 3, exits: { next: 3 } },
      ]);
    });

    it('given a subflow, when counted, then only its own nodes come back', () => {
      expect(store.nodeStats('auth', {})).toEqual([{ nodeId: 'ask', visits: 1, exits: { ok: 1 } }]);
      expect(store.nodeStats('nope', {})).toEqual([]);
    });

    it('given a time range, when counted, then events at from are in and events at to are out', () => {
      // s2's events run from T0+61s (welcome) to T0+64s (support).
      expect(store.nodeStats('main', { from: T0 + 61_000, to: T0 + 64_000 })).toEqual([
        { nodeId: 'menu', visits: 1, exits: { '2': 1 } },
        { nodeId: 'welcome', visits: 1, exits: { next: 1 } },
      ]);
      expect(store.nodeStats('main', { from: T0 + 120_000 })).toEqual([
        { nodeId: 'menu', visits: 1, exits: { '1': 1, loopExceeded: 1 } },
        { nodeId: 'sales', visits: 1, exits: {} },
        { nodeId: 'welcome', visits: 1, exits: { next: 1 } },
      ]);
      expect(store.nodeStats('main', { to: T0 })).toEqual([]);
    });

    it('given a version, when counted, then only calls whose entry flow ran that version count', () => {
      expect(store.nodeStats('main', { version: 'v2' })).toEqual([
        { nodeId: 'menu', visits: 1, exits: { '1': 1, loopExceeded: 1 } },
        { nodeId: 'sales', visits: 1, exits: {} },
        { nodeId: 'welcome', visits: 1, exits: { next: 1 } },
      ]);
      expect(store.nodeStats('main', { version: 'v1', from: T0 + 60_000 }).map((s) => [s.nodeId, s.visits])).toEqual([
        ['menu', 1], ['support', 1], ['welcome', 1],
      ]);
      expect(store.nodeStats('main', { version: 'v9' })).toEqual([]);
    });

    it('given the query, when planned, then it reads the journal through the (type, at) index', () => {
      const plan = (db.prepare(`EXPLAIN QUERY PLAN SELECT COUNT(*) FROM call_events e
        WHERE e.type IN ('node.entered', 'node.exited') AND json_extract(e.data, '$.flowId') = 'main' AND e.at >= 0 AND e.at < 1`).all() as { detail: string }[])
        .map((r) => r.detail).join('\n');
      expect(plan).toMatch(/call_events_type_at/);
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

    it('given calls with flows and tags, when listed by flow id or tag, then only the matching calls come', () => {
      store.append('a', T0 + 1, 'flow.started', { flowId: 'main', version: 'v1', file: 'main.yaml' });
      store.append('b', T0 + 1_001, 'flow.started', { flowId: 'night', version: 'n1', file: 'night.yaml' });
      store.append('c', T0 + 2_001, 'flow.started', { flowId: 'main', version: 'v1', file: 'main.yaml' });
      store.append('a', T0 + 2, 'tags.added', { nodeId: 't', tags: ['vip', 'sales'] });
      store.append('b', T0 + 1_002, 'tags.added', { nodeId: 't', tags: ['sales'] });
      store.append('d', T0 + 3_002, 'tags.added', { nodeId: 't', tags: ['vip-gold', '%'] });
      expect(ids({ ...page, flowId: 'main' })).toEqual(['c', 'a']);
      expect(ids({ ...page, flowId: 'mai' })).toEqual([]);
      expect(ids({ ...page, tag: 'sales' })).toEqual(['b', 'a']);
      expect(ids({ ...page, tag: 'vip' })).toEqual(['a']);
      expect(ids({ ...page, tag: '%' })).toEqual(['d']);
      expect(ids({ ...page, tag: 'sales', flowId: 'main' })).toEqual(['a']);
      expect(store.list({ ...page, limit: 1, tag: 'sales' })).toMatchObject({ total: 2, items: [{ id: 'b' }] });
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

describe('SQLite call log queries', () => {
  let cleanup: () => void;
  let db: Db;
  let store: CallStore;
  beforeEach(() => {
    let dir: string;
    ({ dir, cleanup } = tempDir());
    db = openDatabase(join(dir, 'switchboard.db'));
    store = createSqliteCallStore(db);
  });
  afterEach(() => {
    db.close();
    cleanup();
  });

  /** A call with both journals written as the runtime and the ACD write them. */
  const seed = (id: string, j: CallJournal, end: { status: 'active' | 'ended'; endReason: string | null }, over: Partial<NewCall> = {}) => {
    const acd = createSqliteAcdStateStore(db);
    store.startCall(newCall(id, over));
    for (const e of j.events) store.append(id, e.at, e.type, e.data);
    for (const r of j.acd) acd.appendEvent({ at: r.at, type: r.type, interactionId: r.interactionId, agentId: r.agentId, queueId: r.queueId, callId: id, data: r.data });
    if (end.status === 'ended') store.append(id, T0 + 100_000, 'call.ended', { endReason: end.endReason });
  };
  const ids = (q: Parameters<CallStore['list']>[0]) => store.list(q).items.map((c) => c.id).sort();
  const page = { limit: 500, offset: 0 };
  const recording = (id: string, callId: string, segment: number, status: string, deletedAt: number | null = null) =>
    db.prepare(`INSERT INTO recordings (id, call_id, segment, status, started_at, deleted_at) VALUES (?, ?, ?, ?, ?, ?)`).run(id, callId, segment, status, T0, deletedAt);

  it('given every outcome scenario, when filtered by outcome in SQL, then each call lands where the core puts it', () => {
    outcomeScenarios.forEach((s, i) => seed(`c${i}`, s.journal, s));
    for (const [i, s] of outcomeScenarios.entries()) {
      const call = store.get(`c${i}`)!;
      const core = decideOutcome(call, s.journal.events, s.journal.acd);
      expect(core, s.name).toBe(s.outcome);
      if (core !== null) expect(ids({ ...page, outcome: core }), s.name).toContain(`c${i}`);
    }
    const counted = new Set(['answered', 'abandoned', 'callback', 'timeout', 'noAgents', 'full', 'transferred', 'ivr', 'failed'] as const);
    const total = [...counted].reduce((n, outcome) => n + store.list({ ...page, outcome }).total, 0);
    expect(total).toBe(outcomeScenarios.filter((s) => s.outcome !== null).length);
  });

  it('given calls in several queues, when filtered by queue, agent and direction, then only matching calls come', () => {
    const byName = (name: string) => outcomeScenarios.find((s) => s.name === name)!;
    const answered = byName('a caller answered by an agent');
    const callback = byName('a caller who asked to be called back, later reached');
    const overflow = byName('a full queue that overflowed to one that answered');
    seed('a', answered.journal, answered);
    seed('b', callback.journal, callback, { direction: 'internal' });
    seed('c', overflow.journal, overflow);
    seed('d', { events: [], acd: [] }, { status: 'ended', endReason: 'caller_hangup' });
    expect(ids({ ...page, queueId: 'sales' })).toEqual(['a', 'b', 'c']);
    expect(ids({ ...page, queueId: 'general' })).toEqual(['c']);
    expect(ids({ ...page, agentId: 'alice' })).toEqual(['a']);
    // The callback agent answered the offer and then reached the customer: that is talking.
    expect(ids({ ...page, agentId: 'bob' })).toEqual(['b']);
    expect(ids({ ...page, agentId: 'carol', queueId: 'sales' })).toEqual(['c']);
    expect(ids({ ...page, direction: 'internal' })).toEqual(['b']);
    expect(store.list({ ...page, direction: 'inbound', agentId: 'nobody' })).toEqual({ total: 0, items: [] });
  });

  it('given an agent who only missed an offer, when filtered by that agent, then the call is not theirs', () => {
    const j: CallJournal = {
      events: [],
      acd: [
        { seq: 1, at: T0, type: 'acd.offered', interactionId: 'q1', agentId: 'dave', queueId: 'sales', data: { offerId: 'o-1' } },
        { seq: 2, at: T0 + 15_000, type: 'acd.offer.missed', interactionId: 'q1', agentId: 'dave', queueId: 'sales', data: { offerId: 'o-1' } },
      ],
    };
    seed('x', j, { status: 'ended', endReason: 'caller_hangup' });
    expect(ids({ ...page, agentId: 'dave' })).toEqual([]);
  });

  it('given recordings failed, deleted and kept, when filtered by hasRecording, then only a kept one counts', () => {
    for (const id of ['r', 'f', 'd', 'n']) seed(id, { events: [], acd: [] }, { status: 'ended', endReason: 'caller_hangup' });
    recording('rec-1', 'r', 1, 'complete');
    recording('rec-2', 'r', 2, 'recording');
    recording('rec-3', 'f', 1, 'failed');
    recording('rec-4', 'd', 1, 'complete', T0 + 1);
    expect(ids({ ...page, hasRecording: true })).toEqual(['r']);
    expect(ids({ ...page, hasRecording: false })).toEqual(['d', 'f', 'n']);
    expect(store.journals(['r', 'f', 'n'], 'summary').get('r')?.recordings).toBe(2);
    expect(store.journals(['f'], 'summary').get('f')?.recordings).toBe(0);
  });

  it('given calls, when read by pages, then every call comes once, newest first, even with equal start times', () => {
    for (let i = 0; i < 7; i++) seed(`p${i}`, { events: [], acd: [] }, { status: 'active', endReason: null }, { startedAt: T0 + Math.floor(i / 2) * 1000 });
    const pages = [...store.pages({}, 3)];
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(pages.flat().map((c) => c.id)).toEqual(['p6', 'p4', 'p5', 'p2', 'p3', 'p0', 'p1']);
    expect([...store.pages({ from: T0 + 3000 }, 3)].flat().map((c) => c.id)).toEqual(['p6']);
    expect([...store.pages({ status: 'ended' }, 3)]).toEqual([]);
  });

  it('given a call, when its journals are read, then a summary keeps only the events the outcome reads and all ACD rows', () => {
    const s = outcomeScenarios.find((x) => x.name === 'a queue node with no ACD running')!;
    seed('j', s.journal, s);
    seed('k', outcomeScenarios[4]!.journal, outcomeScenarios[4]!);
    const summary = store.journals(['j', 'k', 'missing'], 'summary');
    expect(summary.get('j')?.events.map((e) => e.type)).toEqual(['queue.unavailable']);
    expect(summary.get('k')?.acd.map((r) => r.type)).toEqual(['acd.enqueued', 'acd.offered', 'acd.offer.ringing', 'acd.offer.answered', 'acd.ended']);
    expect(summary.get('missing')).toEqual({ events: [], acd: [], recordings: 0 });
    expect(store.journals(['j'], 'full').get('j')?.events.map((e) => e.type)).toEqual(['call.started', 'queue.entered', 'queue.unavailable', 'call.ended']);
  });

  it('given ACD rows, when read for queue_log, then they come in time order within the range with the caller number', () => {
    const acd = createSqliteAcdStateStore(db);
    seed('q', { events: [], acd: [] }, { status: 'active', endReason: null }, { callerNumber: '+33699999999' });
    for (let i = 0; i < 5; i++) acd.appendEvent({ at: T0 + i * 1000, type: 'acd.enqueued', interactionId: `i${i}`, agentId: null, queueId: 'sales', callId: i === 2 ? 'q' : null, data: {} });
    acd.appendEvent({ at: T0 + 500, type: 'acd.agent.login', interactionId: null, agentId: 'alice', queueId: null, callId: null, data: {} });
    const rows = [...store.queueLogRows({ from: T0 + 1000, to: T0 + 4000 }, 2)];
    expect(rows.map((p) => p.map((r) => r.interactionId))).toEqual([['i1', 'i2'], ['i3']]);
    expect(rows[0]![1]).toMatchObject({ callId: 'q', callerNumber: '+33699999999' });
    expect([...store.queueLogRows({ from: T0 }, 100)].flat().map((r) => r.type)).toEqual(['acd.enqueued', 'acd.agent.login', 'acd.enqueued', 'acd.enqueued', 'acd.enqueued', 'acd.enqueued']);
  });
});
