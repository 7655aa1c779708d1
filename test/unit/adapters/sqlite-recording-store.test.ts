import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../src/adapters/sqlite/database.js';
import { createSqliteCallStore } from '../../../src/adapters/sqlite/sqlite-call-store.js';
import { createSqliteRecordingStore } from '../../../src/adapters/sqlite/sqlite-recording-store.js';
import type { NewRecording, RecordingStore } from '../../../src/ports/recording-store.js';
import { tempDir } from '../support/helpers.js';

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);
const MIN = 60_000;
const DAY = 86_400_000;

const recording = (id: string, over: Partial<NewRecording> = {}): NewRecording => ({
  id,
  callId: 'call-1',
  segment: 1,
  interactionId: 'i-1',
  queueId: 'support',
  agentId: 'sam',
  peer: null,
  callerNumber: '+33611111111',
  startedAt: T0,
  retainUntil: null,
  ...over,
});

describe('SQLite recording store (migration 4)', () => {
  let cleanup: () => void;
  let db: Db;
  let store: RecordingStore;

  beforeEach(() => {
    let dir: string;
    ({ dir, cleanup } = tempDir());
    db = openDatabase(join(dir, 'switchboard.db'));
    const calls = createSqliteCallStore(db);
    for (const id of ['call-1', 'call-2', 'call-3']) {
      calls.startCall({ id, channelId: `ch-${id}`, direction: 'inbound', callerNumber: '+33611111111', callerName: '', dialed: '100', flowId: null, startedAt: T0 });
    }
    store = createSqliteRecordingStore(db);
  });
  afterEach(() => {
    if (db.open) db.close();
    cleanup();
  });

  it('given a new segment, when inserted and read, then it is recording with no file, no pauses and no hold', () => {
    store.insert(recording('rec-1', { retainUntil: T0 + 30 * DAY }));
    expect(store.get('rec-1')).toEqual({
      ...recording('rec-1', { retainUntil: T0 + 30 * DAY }),
      status: 'recording', endedAt: null, durationMs: null, file: null, sizeBytes: null, sha256: null, failure: null,
      pauses: [], legalHold: false, deletedAt: null,
    });
    expect(store.get('rec-nope')).toBeUndefined();
  });

  it('given a segment, when updated with pauses, a hold and the stored file, then those fields change and the rest stays', () => {
    store.insert(recording('rec-1'));
    const pauses = [{ at: T0 + 1_000, until: T0 + 4_000, by: 'sam', reason: 'card number' }, { at: T0 + 9_000, until: null, by: 'flow', reason: 'masked input (pin)' }];
    store.update('rec-1', { status: 'paused', pauses });
    store.update('rec-1', { legalHold: true });
    store.update('rec-1', { status: 'complete', endedAt: T0 + MIN, durationMs: 57_000, file: '2026/11/23/rec-1.wav', sizeBytes: 912_044, sha256: 'ab'.repeat(32) });
    store.update('rec-1', {});
    expect(store.get('rec-1')).toMatchObject({
      status: 'complete', pauses, legalHold: true, endedAt: T0 + MIN, durationMs: 57_000, file: '2026/11/23/rec-1.wav', sizeBytes: 912_044,
      sha256: 'ab'.repeat(32), failure: null, agentId: 'sam', callerNumber: '+33611111111',
    });
    store.update('rec-1', { legalHold: false });
    expect(store.get('rec-1')!.legalHold).toBe(false);
  });

  it('given rows the schema refuses (an id with a slash, a second segment 1, an unknown status, an unknown call), when written, then SQLite raises', () => {
    store.insert(recording('rec-1'));
    expect(() => store.insert(recording('../rec-2', { segment: 2 }))).toThrow(/CHECK/);
    expect(() => store.insert(recording('rec-3'))).toThrow(/UNIQUE/);
    expect(() => store.update('rec-1', { status: 'lost' as never })).toThrow(/CHECK/);
    expect(() => store.insert(recording('rec-4', { callId: 'call-none' }))).toThrow(/FOREIGN KEY/);
  });

  it('given a call with two segments and another call with none, when asked for the next segment, then it is 3 and 1', () => {
    store.insert(recording('rec-1'));
    store.insert(recording('rec-2', { segment: 2 }));
    expect(store.nextSegment('call-1')).toBe(3);
    expect(store.nextSegment('call-2')).toBe(1);
  });

  it('given running, paused and ended segments, when asked for the unfinished ones, then the running and paused come oldest first', () => {
    store.insert(recording('rec-b', { startedAt: T0 + 2 * MIN }));
    store.insert(recording('rec-a', { callId: 'call-2', startedAt: T0 + MIN }));
    store.insert(recording('rec-c', { callId: 'call-3', startedAt: T0 }));
    store.update('rec-a', { status: 'paused' });
    store.update('rec-c', { status: 'failed', failure: 'boom' });
    expect(store.unfinished().map((r) => r.id)).toEqual(['rec-a', 'rec-b']);
  });

  describe('list', () => {
    beforeEach(() => {
      // Five segments over an hour: two calls from Alice, one from Bob.
      store.insert(recording('rec-1', { startedAt: T0, agentId: 'sam', queueId: 'support' }));
      store.insert(recording('rec-2', { segment: 2, startedAt: T0 + 10 * MIN, agentId: 'bill', queueId: 'billing' }));
      store.insert(recording('rec-3', { callId: 'call-2', startedAt: T0 + 20 * MIN, agentId: 'sam', queueId: 'support', callerNumber: '+33622222222' }));
      store.insert(recording('rec-4', { callId: 'call-3', startedAt: T0 + 30 * MIN, agentId: null, queueId: null, peer: '+33140000000' }));
      store.insert(recording('rec-5', { callId: 'call-3', segment: 2, startedAt: T0 + 40 * MIN, agentId: 'ann', queueId: 'support' }));
      store.update('rec-1', { status: 'complete', durationMs: 30_000 });
      store.update('rec-2', { status: 'complete', durationMs: 90_000 });
      store.update('rec-3', { status: 'complete', durationMs: 300_000 });
      store.update('rec-5', { status: 'complete', durationMs: 60_000, deletedAt: T0 + DAY });
    });
    const ids = (q: Parameters<RecordingStore['list']>[0]) => {
      const result = store.list(q);
      return { total: result.total, ids: result.items.map((r) => r.id) };
    };
    const page = { limit: 50, offset: 0 };

    it('given no filter, when listed, then every row not deleted comes newest first', () => {
      expect(ids(page)).toEqual({ total: 4, ids: ['rec-4', 'rec-3', 'rec-2', 'rec-1'] });
    });

    it('given includeDeleted, when listed, then deleted rows come too', () => {
      expect(ids({ ...page, includeDeleted: true })).toEqual({ total: 5, ids: ['rec-5', 'rec-4', 'rec-3', 'rec-2', 'rec-1'] });
    });

    it('given a time window, when listed, then from is inclusive and to exclusive', () => {
      expect(ids({ ...page, from: T0 + 10 * MIN, to: T0 + 30 * MIN })).toEqual({ total: 2, ids: ['rec-3', 'rec-2'] });
    });

    it.each<[string, Partial<Parameters<RecordingStore['list']>[0]>, string[]]>([
      ['queue', { queueId: 'support' }, ['rec-3', 'rec-1']],
      ['agent', { agentId: 'sam' }, ['rec-3', 'rec-1']],
      ['an agent id nobody has', { agentId: '' }, []],
      ['caller (exact)', { caller: '+33622222222' }, ['rec-3']],
      ['caller prefix (no match: exact only)', { caller: '+3362' }, []],
      ['call', { callId: 'call-1' }, ['rec-2', 'rec-1']],
      ['minimum duration', { minDurationMs: 90_000 }, ['rec-3', 'rec-2']],
      ['maximum duration', { maxDurationMs: 90_000 }, ['rec-2', 'rec-1']],
      ['duration band', { minDurationMs: 60_000, maxDurationMs: 120_000 }, ['rec-2']],
      ['agent and queue', { agentId: 'sam', queueId: 'billing' }, []],
    ])('given a %s filter, when listed, then only the matching rows come', (_what, filter, expected) => {
      expect(ids({ ...page, ...filter })).toEqual({ total: expected.length, ids: expected });
    });

    it('given a page size, when listed page by page, then the total counts every match and pages do not overlap', () => {
      expect(ids({ limit: 3, offset: 0 })).toEqual({ total: 4, ids: ['rec-4', 'rec-3', 'rec-2'] });
      expect(ids({ limit: 3, offset: 3 })).toEqual({ total: 4, ids: ['rec-1'] });
      expect(ids({ limit: 3, offset: 6 })).toEqual({ total: 4, ids: [] });
    });

    it('given two segments starting at the same instant, when listed, then the later segment comes first', () => {
      store.insert(recording('rec-6', { callId: 'call-2', segment: 2, startedAt: T0 + 20 * MIN }));
      expect(ids({ ...page, callId: 'call-2' }).ids).toEqual(['rec-6', 'rec-3']);
    });
  });

  describe('dueForPurge', () => {
    beforeEach(() => {
      store.insert(recording('rec-due-late', { retainUntil: T0 + 2 * DAY }));
      store.insert(recording('rec-due-early', { segment: 2, retainUntil: T0 + DAY }));
      store.insert(recording('rec-held', { segment: 3, retainUntil: T0 }));
      store.insert(recording('rec-gone', { segment: 4, retainUntil: T0 }));
      store.insert(recording('rec-later', { segment: 5, retainUntil: T0 + 3 * DAY }));
      store.insert(recording('rec-forever', { segment: 6, retainUntil: null }));
      store.update('rec-held', { legalHold: true });
      store.update('rec-gone', { deletedAt: T0 });
    });

    it('given rows past, at and before their retention, held, deleted and kept forever, when asked at day 2, then only those due, not held and not deleted come, earliest first', () => {
      expect(store.dueForPurge(T0 + 2 * DAY, 10).map((r) => r.id)).toEqual(['rec-due-early', 'rec-due-late']);
    });

    it('given a limit, when asked, then at most that many come', () => {
      expect(store.dueForPurge(T0 + 10 * DAY, 1).map((r) => r.id)).toEqual(['rec-due-early']);
    });
  });

  describe('audit trail', () => {
    it('given entries for two recordings, when the trail of one is read, then it has its entries in order with their data', () => {
      store.insert(recording('rec-1'));
      store.audit({ at: T0 + 1, recordingId: 'rec-1', callId: 'call-1', action: 'paused', actor: 'sam', reason: 'card number' });
      store.audit({ at: T0 + 2, recordingId: 'rec-2', callId: null, action: 'deleted', actor: 'ops', reason: 'GDPR request' });
      store.audit({ at: T0 + 3, recordingId: 'rec-1', callId: 'call-1', action: 'resumed', actor: 'sam', reason: 'done', data: { holds: ['mask'] } });
      const trail = store.auditTrail('rec-1');
      expect(trail.map(({ seq: _seq, ...e }) => e)).toEqual([
        { at: T0 + 1, recordingId: 'rec-1', callId: 'call-1', action: 'paused', actor: 'sam', reason: 'card number', data: {} },
        { at: T0 + 3, recordingId: 'rec-1', callId: 'call-1', action: 'resumed', actor: 'sam', reason: 'done', data: { holds: ['mask'] } },
      ]);
      expect(trail[0]!.seq).toBeLessThan(trail[1]!.seq);
      expect(store.auditTrail('rec-none')).toEqual([]);
    });

    it('given an entry, when someone UPDATEs or DELETEs it in SQL, then SQLite refuses: the trail is append-only', () => {
      store.audit({ at: T0, recordingId: 'rec-1', callId: 'call-1', action: 'deleted', actor: 'ops', reason: 'asked' });
      expect(() => db.prepare("UPDATE recording_audit SET actor = 'nobody'").run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM recording_audit').run()).toThrow(/append-only/);
      expect(store.auditTrail('rec-1')).toMatchObject([{ actor: 'ops', action: 'deleted' }]);
    });
  });
});
