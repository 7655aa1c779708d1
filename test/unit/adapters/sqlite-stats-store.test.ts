import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../src/adapters/sqlite/database.js';
import { createSqliteAcdStateStore } from '../../../src/adapters/sqlite/sqlite-acd-state-store.js';
import { createSqliteStatsStore } from '../../../src/adapters/sqlite/sqlite-stats-store.js';
import { replayJournal } from '../../../src/core/stats/journal-replay.js';
import { rollupsOf, type QueueRollup } from '../../../src/core/stats/queue-rollup.js';
import type { Visit } from '../../../src/core/stats/stats-types.js';
import type { StatsStore } from '../../../src/ports/stats-store.js';
import { randomJournal, WINDOWS } from '../core/stats/random-journal.js';
import { RANGE, workedExampleJournal } from '../core/stats/worked-example.js';
import { tempDir } from '../support/helpers.js';

// The projection in a real SQLite file with the real migrations, kept up to date by the journal
// store's hook, against a replay of the same journal in memory.

const byKey = (a: Visit, b: Visit) => a.interactionId.localeCompare(b.interactionId) || a.visit - b.visit;
const everything = { from: RANGE.from - 86_400_000, to: RANGE.to + 86_400_000 };

describe('SQLite stats store', () => {
  let dir: string;
  let cleanup: () => void;
  let db: Db;
  let file: string;
  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
    file = join(dir, 'switchboard.db');
    db = openDatabase(file);
  });
  afterEach(() => {
    db.close();
    cleanup();
  });

  const append = (stats: StatsStore | null) => {
    const journal = createSqliteAcdStateStore(db, stats ? { onAppend: (row) => stats.apply(row) } : {});
    for (const { seq: _seq, ...row } of workedExampleJournal()) journal.appendEvent(row);
  };
  const expected = replayJournal(workedExampleJournal());
  const spansOf = (stats: StatsStore) => [...stats.agentActivity(everything).values()].flatMap((a) => a.spans).sort((a, b) => a.openedSeq - b.openedSeq);

  it('given rows appended through the journal store, then the projection kept row by row equals a replay of the journal', () => {
    const stats = createSqliteStatsStore(db);
    append(stats);
    expect(stats.visits(everything).sort(byKey)).toEqual([...expected.visits].sort(byKey));
    expect(spansOf(stats)).toEqual(expected.spans);
    expect([...stats.agentActivity(everything).values()].flatMap((a) => a.misses)).toEqual(expected.misses);
    expect(stats.catchUp()).toEqual({ applied: 0 });
  });

  it('given the projection, then the compact queue facts hold exactly what queue metrics read of each visit', () => {
    const stats = createSqliteStatsStore(db);
    append(stats);
    const strip = ({ interactionId: _i, visit: _v, callId: _c, agentId: _a, ...fact }: Visit) => fact;
    const sort = (a: { queueId: string; enteredAt: number; waitStart: number }, b: typeof a) => a.queueId.localeCompare(b.queueId) || a.enteredAt - b.enteredAt || a.waitStart - b.waitStart;
    expect(stats.queueFacts(everything).sort(sort)).toEqual(expected.visits.map(strip).sort(sort));
    expect(stats.queueFacts({ ...everything, queueId: 'billing' })).toHaveLength(2);
    expect(stats.queueFacts({ from: 0, to: 1 })).toEqual([]);
  });

  it('given a projection kept row by row, when it is rebuilt from the journal, then nothing changes', () => {
    const stats = createSqliteStatsStore(db);
    append(stats);
    const before = stats.visits(everything).sort(byKey);
    expect(stats.rebuild()).toEqual({ rows: workedExampleJournal().length });
    expect(stats.visits(everything).sort(byKey)).toEqual(before);
    expect(spansOf(stats)).toEqual(expected.spans);
  });

  it('given a journal written before the projection existed, when the store catches up, then it folds the whole journal once', () => {
    append(null);
    const stats = createSqliteStatsStore(db);
    expect(stats.visits(everything)).toEqual([]);
    expect(stats.catchUp()).toEqual({ applied: workedExampleJournal().length });
    expect(stats.visits(everything).sort(byKey)).toEqual([...expected.visits].sort(byKey));
  });

  it('given a restart (database closed and opened again), then the projection and its numbers are the same', () => {
    append(createSqliteStatsStore(db));
    const before = createSqliteStatsStore(db).visits(everything).sort(byKey);
    db.close();
    db = openDatabase(file);
    const stats = createSqliteStatsStore(db);
    expect(stats.catchUp()).toEqual({ applied: 0 });
    expect(stats.visits(everything).sort(byKey)).toEqual(before);
  });

  it('given a fold that fails, when a row is appended, then the journal row is kept and the projection catches up with the next rows', () => {
    const errors: number[] = [];
    const stats = createSqliteStatsStore(db, { onError: (_err, seq) => errors.push(seq) });
    db.exec("CREATE TEMP TRIGGER break_fold BEFORE INSERT ON stats_visits WHEN NEW.interaction_id = 'c3' BEGIN SELECT RAISE(ABORT, 'broken'); END;");
    append(stats);
    expect(errors).toEqual([workedExampleJournal().find((r) => r.interactionId === 'c3')!.seq]);
    expect(db.prepare('SELECT count(*) FROM acd_events').pluck().get()).toBe(workedExampleJournal().length);
    expect(() => stats.catchUp()).toThrow(/broken/);
    db.exec('DROP TRIGGER break_fold');
    stats.catchUp();
    expect(stats.visits(everything).sort(byKey)).toEqual([...expected.visits].sort(byKey));
  });

  it('given a range and a queue, then only visits that entered that queue in the range come back', () => {
    const stats = createSqliteStatsStore(db);
    append(stats);
    expect(stats.visits({ from: RANGE.from, to: RANGE.from + 3600_000, queueId: 'billing' }).map((v) => v.interactionId)).toEqual(['c6.t1']);
    const alice = stats.agentActivity({ from: RANGE.from + 3600_000, to: RANGE.to, agentId: 'alice' });
    expect([...alice.keys()]).toEqual(['alice']);
    expect(alice.get('alice')!.visits.map((v) => v.answeredAt)).toEqual([RANGE.from + 3765_000]);
  });

  describe('rollups', () => {
    const journal = randomJournal({ seed: 5, calls: 800, windows: WINDOWS });
    const all = { from: 0, to: Date.UTC(2100, 0, 1) };
    const byKey = (a: QueueRollup, b: QueueRollup) => a.slot - b.slot || a.queueId.localeCompare(b.queueId) || Number(a.overflow) - Number(b.overflow);
    const expectedRollups = [...rollupsOf(replayJournal(journal).visits).values()].sort(byKey);
    const appendRandom = (stats: StatsStore | null, rows = journal) => {
      const store = createSqliteAcdStateStore(db, stats ? { onAppend: (row) => stats.apply(row) } : {});
      for (const { seq: _seq, ...row } of rows) store.appendEvent(row);
    };

    it('given a random journal appended row by row, then the rollups kept with each fold equal the rollups of a replay', () => {
      const stats = createSqliteStatsStore(db);
      appendRandom(stats);
      expect(stats.queueRollups(all).sort(byKey)).toEqual(expectedRollups);
      stats.rebuild();
      expect(stats.queueRollups(all).sort(byKey)).toEqual(expectedRollups);
      expect(stats.queueRollups({ ...all, queueId: 'vip' })).toEqual(expectedRollups.filter((r) => r.queueId === 'vip'));
    });

    it('given a projection from before migration 6 (no rollups), when rows are appended, then the rollups are first filled from its visits', () => {
      const stats = createSqliteStatsStore(db);
      const half = journal.length >> 1;
      appendRandom(stats, journal.slice(0, half));
      db.exec('DELETE FROM stats_queue_rollups; UPDATE stats_projection SET rollups_ready = 0;');
      appendRandom(stats, journal.slice(half));
      expect(stats.queueRollups(all).sort(byKey)).toEqual(expectedRollups);
      db.exec('DELETE FROM stats_queue_rollups; UPDATE stats_projection SET rollups_ready = 0;');
      expect(stats.catchUp()).toEqual({ applied: 0 });
      expect(stats.queueRollups(all).sort(byKey)).toEqual(expectedRollups);
    });
  });
});
