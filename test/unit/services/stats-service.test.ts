import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Db } from '../../../src/adapters/sqlite/database.js';
import { createSqliteAcdConfigStore } from '../../../src/adapters/sqlite/sqlite-acd-config-store.js';
import { createSqliteAcdStateStore } from '../../../src/adapters/sqlite/sqlite-acd-state-store.js';
import { createSqliteCallStore } from '../../../src/adapters/sqlite/sqlite-call-store.js';
import { createSqliteStatsStore } from '../../../src/adapters/sqlite/sqlite-stats-store.js';
import { createAcdEngine } from '../../../src/core/acd/acd-engine.js';
import { replayJournal } from '../../../src/core/stats/journal-replay.js';
import { DEFAULT_CAPACITY, DEFAULT_OFFER_WHILE_BUSY, type QueueConfig } from '../../../src/core/acd/acd-types.js';
import type { StatsQuery } from '../../../src/core/stats/stats-query.js';
import type { AcdConfigStore } from '../../../src/ports/acd-store.js';
import { createAcdService, type AcdService } from '../../../src/services/acd-service.js';
import { createCallRuntime, type CallRuntime } from '../../../src/services/call-runtime.js';
import { createStatsService, StatsError } from '../../../src/services/stats-service.js';
import { random, randomJournal, randomQuery, WINDOWS } from '../core/stats/random-journal.js';
import { FakeTelephony, liveChannel } from '../support/fake-telephony.js';
import { libraryFromYaml, yaml } from '../support/flow-fixtures.js';
import { fakeClock, silentLogger, tempDir } from '../support/helpers.js';

// Stats over a journal the real ACD wrote: the routing engine and its shell, the call runtime
// running a queue node, SQLite; only Asterisk is a fake the test plays.

const FLOW = yaml(
  'id: q',
  'entry: q',
  'nodes:',
  '  q: { type: queue, queue: support, on: { answered: bye, noAgents: bye, timeout: bye, full: bye, error: bye } }',
  '  bye: { type: hangup }',
);

const queue = (id: string, serviceLevelSec: number): QueueConfig => ({
  id, name: id, skills: [], priority: 0, strategy: 'longest-idle', ringTimeoutSec: 15, wrapUpSec: 10, maxWaitSec: null, maxLength: null,
  joinWhenEmpty: true, leaveWhenEmpty: false, serviceLevelSec, hold: { moh: 'default', announceEverySec: null, announcePosition: true, announceWait: true },
  overflowQueue: null, steps: [], ronaMaxMisses: 1, preferredAgentSec: 0,
});

describe('stats service over a journal the ACD wrote', () => {
  let dir: string;
  let cleanup: () => void;
  let db: Db;
  let configStore: AcdConfigStore;
  let telephony: FakeTelephony;
  let clock: ReturnType<typeof fakeClock>;
  let acd: AcdService;
  let runtime: CallRuntime;
  const start = Date.UTC(2026, 10, 23, 9, 0, 0);

  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    ({ dir, cleanup } = tempDir());
    db = openDatabase(join(dir, 'switchboard.db'));
    clock = fakeClock(start);
    const calls = createSqliteCallStore(db);
    configStore = createSqliteAcdConfigStore(db, () => clock.now());
    const stats = createSqliteStatsStore(db);
    const stateStore = createSqliteAcdStateStore(db, { onAppend: (row) => stats.apply(row) });
    telephony = new FakeTelephony();
    telephony.onEvent((e) => {
      runtime.handle(e);
      acd.handleTelephony(e);
    });
    configStore.putQueue(queue('support', 20));
    configStore.putQueue(queue('billing', 30));
    for (const [id, endpoint] of [['alice', 'PJSIP/1001'], ['bob', 'PJSIP/1002']] as const) {
      configStore.putAgent({ id, name: id, endpoints: [endpoint], skills: {}, capacity: { ...DEFAULT_CAPACITY }, offerWhileBusy: { ...DEFAULT_OFFER_WHILE_BUSY } });
    }
    telephony.endpoints = [{ endpoint: 'PJSIP/1001', registered: true }, { endpoint: 'PJSIP/1002', registered: true }];
    acd = createAcdService({
      engine: createAcdEngine({ random: () => 0 }), configStore, stateStore, telephony, calls: () => runtime,
      callJournal: (callId, at, type, data) => calls.append(callId, at, type, data), now: clock.now, logger: silentLogger(),
    });
    runtime = createCallRuntime({
      telephony, store: calls, flows: { library: () => libraryFromYaml([FLOW]), route: () => 'q' }, http: { request: () => Promise.reject(new Error('no http')) },
      calendarOverrides: () => new Map(), fallbackContext: 'fallback', now: clock.now, logger: silentLogger(), queues: acd.voice,
    });
    await acd.start();
  });
  afterEach(async () => {
    acd.stop();
    await runtime.idle();
    vi.useRealTimers();
    db.close();
    cleanup();
  });

  const drain = async () => {
    for (let i = 0; i < 4; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      await runtime.idle();
    }
  };
  // A second at a time: a timer fires with the clock at its due time, as it would for real.
  const wait = async (ms: number) => {
    for (let t = 0; t < ms; t += 1000) {
      clock.advance(1000);
      await vi.advanceTimersByTimeAsync(1000);
    }
    await drain();
  };
  const enter = async (channelId: string) => {
    telephony.emit({ type: 'channelEntered', at: clock.now(), channel: liveChannel(channelId, { dialed: '400', callerNumber: '5145550100' }), args: ['inbound'] });
    await drain();
  };
  const lastLeg = () => telephony.callsOf('dial').at(-1)![0] as string;
  const emit = async (event: Parameters<FakeTelephony['emit']>[0]) => {
    telephony.emit(event);
    await drain();
  };
  const service = (store = createSqliteStatsStore(db)) =>
    createStatsService({ store, queues: () => configStore.listQueues(), agents: () => configStore.listAgents(), now: clock.now, timeZone: 'America/Montreal' });
  const query = (over: Partial<StatsQuery> = {}): StatsQuery => ({ from: start, to: start + 3600_000, interval: '15m', tz: 'UTC', shortAbandonSec: 5, slVariant: 'answered', ...over });

  /** Answered after 4 s and 30 s of talk; abandoned after 8 s; answered, then transferred to billing where bob answers. */
  const playDay = async () => {
    acd.login('alice', 'test');
    await enter('ch-1');
    await wait(4000);
    const leg1 = lastLeg();
    await emit({ type: 'legAnswered', at: clock.now(), legId: leg1 });
    await wait(30_000);
    await emit({ type: 'legEnded', at: clock.now(), legId: leg1, cause: 16 });
    await enter('ch-2');
    await wait(8000);
    await emit({ type: 'hangupRequested', at: clock.now(), channelId: 'ch-2', cause: 16 });
    await wait(5000);
    await enter('ch-3');
    const leg3 = lastLeg();
    await emit({ type: 'legAnswered', at: clock.now(), legId: leg3 });
    await wait(20_000);
    acd.transfer(acd.agent('alice')!.interactions[0]!, { queue: 'billing' }, 'alice desk');
    await drain();
    acd.login('bob', 'test');
    await wait(3000);
    const legBob = lastLeg();
    await emit({ type: 'legAnswered', at: clock.now(), legId: legBob });
    await wait(40_000);
    await emit({ type: 'legEnded', at: clock.now(), legId: legBob, cause: 16 });
    await wait(60_000);
  };

  it('given a played day, then queue stats count the answer, the abandon and both segments of the transfer', async () => {
    await playDay();
    const stats = service();
    expect(stats.queueStats('support', query()).summary).toMatchObject({
      offered: 3, answered: 2, answeredInSl: 2, abandoned: 1, shortAbandons: 0, transfersOut: 1, serviceLevel: 1, asaSec: 2, avgAbandonSec: 8,
      handled: 2, ahtSec: 35, avgTalkSec: 25, avgWrapUpSec: 10, ewtError: { samples: 2 },
    });
    expect(stats.queueStats('billing', query()).summary).toMatchObject({ offered: 1, answered: 1, transfersIn: 1, asaSec: 3, ahtSec: 50, avgTalkSec: 40 });
    const { agents, total } = stats.allAgentStats(query());
    expect(agents.map((a) => [a.agentId, a.summary.talkSec, a.summary.handled])).toEqual([['alice', 50, 2], ['bob', 40, 1]]);
    expect(total.summary.talkSec).toBe(90);
  });

  it('given a played day, when the projection is rebuilt or a new process reads it, then every number is the same', async () => {
    await playDay();
    const before = service().allQueueStats(query());
    const agentsBefore = service().allAgentStats(query());
    const store = createSqliteStatsStore(db);
    store.rebuild();
    expect(service(store).allQueueStats(query())).toEqual(before);
    expect(service(store).allAgentStats(query())).toEqual(agentsBefore);
  });

  it('given a played day, then today’s counters per queue are the day so far in the configured zone', async () => {
    await playDay();
    const [support, billing] = service().today(null);
    expect(support).toMatchObject({ queueId: 'billing' });
    expect(billing).toMatchObject({ queueId: 'support', offered: 3, answered: 2, abandoned: 1, waiting: 0, serviceLevel: 1, slSec: 20 });
    expect(service().today('support')[0]!.since).toBe(Date.parse('2026-11-23T00:00:00-05:00'));
  });

  it('given the same query twice in the same second with no new journal row, then the answer is computed once; a new row or a new second recomputes it', async () => {
    await playDay();
    const stats = service();
    const first = stats.queueStats('support', query());
    expect(stats.queueStats('support', query())).toBe(first);
    expect(stats.queueStats('support', query({ shortAbandonSec: 3 }))).not.toBe(first);
    await enter('ch-4');
    const afterRow = stats.queueStats('support', query());
    expect(afterRow).not.toBe(first);
    expect(afterRow.summary.offered).toBe(first.summary.offered + 1);
    clock.advance(1000);
    expect(stats.queueStats('support', query())).not.toBe(afterRow);
  });

  it('given a bad range, an unknown queue or agent, then the service refuses with a code', () => {
    const stats = service();
    expect(() => stats.queueStats('support', query({ to: start }))).toThrow(StatsError);
    expect(() => stats.queueStats('nowhere', query())).toThrow(/queue 'nowhere' not found/);
    expect(() => stats.agentStats('zoe', query())).toThrow(/agent 'zoe' not found/);
  });
});

describe('stats service: 15-minute rollups against reading every visit', () => {
  it('given a random journal appended row by row, when 200 random queries are asked both ways, then the answers are deep-equal', { timeout: 120_000 }, () => {
    const { dir, cleanup } = tempDir();
    const db = openDatabase(join(dir, 'switchboard.db'));
    try {
      const store = createSqliteStatsStore(db);
      const journal = createSqliteAcdStateStore(db, { onAppend: (row) => store.apply(row) });
      const rows = randomJournal({ seed: 11, calls: 1500, windows: WINDOWS });
      for (const { seq: _seq, ...row } of rows) journal.appendEvent(row);
      const wrapEnds = replayJournal(rows).visits.flatMap((v) => (v.wrapEnd !== null && !v.wrapFinal ? [v.wrapEnd] : []));
      let now = 0;
      let rollupsRead = 0;
      const counted = { ...store, queueRollups: (f: Parameters<typeof store.queueRollups>[0]) => store.queueRollups(f).map((r) => (rollupsRead++, r)) };
      const deps = {
        queues: () => [{ id: 'sales', serviceLevelSec: 20 }, { id: 'billing', serviceLevelSec: 30 }, { id: 'support', serviceLevelSec: 15 }],
        agents: () => [], now: () => now, timeZone: 'UTC',
      };
      const viaRollups = createStatsService({ ...deps, store: counted });
      const perVisit = createStatsService({ ...deps, store, useRollups: false });
      const rnd = random(3);
      for (let n = 0; n < 200; n++) {
        const { now: at, ...q } = randomQuery(rnd, wrapEnds);
        now = at;
        const label = JSON.stringify({ ...q, now });
        expect(viaRollups.allQueueStats(q), label).toEqual(perVisit.allQueueStats(q));
        const one = ['sales', 'billing', 'support', 'vip'][n % 4]!;
        // vip is not configured: without a visit in the range it is not found, either way.
        const attempt = (service: typeof perVisit) => {
          try {
            return service.queueStats(one, q);
          } catch (err) {
            return String(err);
          }
        };
        expect(attempt(viaRollups), label).toEqual(attempt(perVisit));
      }
      expect(rollupsRead).toBeGreaterThan(10_000);
    } finally {
      db.close();
      cleanup();
    }
  });
});
