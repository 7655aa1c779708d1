import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../src/adapters/sqlite/database.js';
import { createSqliteAcdStateStore } from '../../../src/adapters/sqlite/sqlite-acd-state-store.js';
import { createSqliteCallStore } from '../../../src/adapters/sqlite/sqlite-call-store.js';
import type { AcdEventRow, AcdStateStore } from '../../../src/ports/acd-store.js';
import type { CallStore } from '../../../src/ports/call-store.js';
import { tempDir } from '../support/helpers.js';

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);
const row = (over: Partial<Omit<AcdEventRow, 'seq'>>): Omit<AcdEventRow, 'seq'> => ({
  at: T0, type: 'acd.enqueued', interactionId: null, agentId: null, queueId: null, callId: null, data: {}, ...over,
});

describe('SQLite ACD state store', () => {
  let cleanup: () => void;
  let db: Db;
  let store: AcdStateStore;
  let calls: CallStore;
  beforeEach(() => {
    let dir: string;
    ({ dir, cleanup } = tempDir());
    db = openDatabase(join(dir, 'switchboard.db'));
    store = createSqliteAcdStateStore(db);
    calls = createSqliteCallStore(db);
  });
  afterEach(() => {
    if (db.open) db.close();
    cleanup();
  });

  const startCall = (id: string, callerNumber: string) =>
    calls.startCall({ id, channelId: `ch-${id}`, direction: 'inbound', callerNumber, callerName: '', dialed: '100', flowId: null, startedAt: T0 });

  it('given agent states saved, when saved again and loaded, then the latest state of each agent comes back', () => {
    store.saveAgentState({ agentId: 'bob', status: 'available', pauseReason: null, statusSince: T0, idleSince: T0, wrapUpUntil: null, handled: 0, talkMs: 0 });
    store.saveAgentState({ agentId: 'alice', status: 'available', pauseReason: null, statusSince: T0, idleSince: T0, wrapUpUntil: T0 + 10_000, handled: 1, talkMs: 5000 });
    store.saveAgentState({ agentId: 'alice', status: 'paused', pauseReason: 'lunch', statusSince: T0 + 1, idleSince: T0 + 2, wrapUpUntil: null, handled: 2, talkMs: 9000 });
    expect(store.loadAgentStates()).toEqual([
      { agentId: 'alice', status: 'paused', pauseReason: 'lunch', statusSince: T0 + 1, idleSince: T0 + 2, wrapUpUntil: null, handled: 2, talkMs: 9000 },
      { agentId: 'bob', status: 'available', pauseReason: null, statusSince: T0, idleSince: T0, wrapUpUntil: null, handled: 0, talkMs: 0 },
    ]);
  });

  it('given waiting interactions saved and one removed, when loaded, then the rest come back in arrival order', () => {
    store.saveInteraction({ id: 'q-2', channel: 'voice', queueId: 'support', callId: 'c2', enqueuedAt: T0 + 5, priority: 0, skills: [] });
    store.saveInteraction({ id: 'q-1', channel: 'voice', queueId: 'support', callId: 'c1', enqueuedAt: T0, priority: 3, skills: ['lang:fr'] });
    store.saveInteraction({ id: 'q-3', channel: 'chat', queueId: 'sales', callId: null, enqueuedAt: T0 + 9, priority: 0, skills: [] });
    store.saveInteraction({ id: 'q-1', channel: 'voice', queueId: 'sales', callId: 'c1', enqueuedAt: T0, priority: 3, skills: ['lang:fr', 'vip'] });
    store.removeInteraction('q-2');
    store.removeInteraction('never-there');
    expect(store.loadInteractions()).toEqual([
      { id: 'q-1', channel: 'voice', queueId: 'sales', callId: 'c1', enqueuedAt: T0, priority: 3, skills: ['lang:fr', 'vip'], connected: null, caller: null },
      { id: 'q-3', channel: 'chat', queueId: 'sales', callId: null, enqueuedAt: T0 + 9, priority: 0, skills: [], connected: null, caller: null },
    ]);
  });

  it('given a caller saved as talking to an agent, when loaded, then the agent, leg, bridge and answer time come back', () => {
    const connected = { agentId: 'ann', legId: 'leg-acd-1', bridgeId: 'acd-1', connectedAt: T0 + 30 };
    store.saveInteraction({ id: 'q-1', channel: 'voice', queueId: 'support', callId: 'c1', enqueuedAt: T0, priority: 0, skills: [] });
    store.saveInteraction({ id: 'q-1', channel: 'voice', queueId: 'support', callId: 'c1', enqueuedAt: T0, priority: 0, skills: [], connected });
    expect(store.loadInteractions()[0]?.connected).toEqual(connected);
  });

  it('given journal rows, when one is updated or deleted, then SQLite refuses: the journal is append-only', () => {
    store.appendEvent(row({}));
    expect(() => db.prepare("UPDATE acd_events SET type = 'x'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM acd_events').run()).toThrow(/append-only/);
  });

  describe('events', () => {
    beforeEach(() => {
      store.appendEvent(row({ at: T0, type: 'acd.enqueued', interactionId: 'i1', queueId: 'support', callId: 'c1', data: { priority: 0 } }));
      store.appendEvent(row({ at: T0 + 1000, type: 'acd.offer', interactionId: 'i1', queueId: 'support', agentId: 'alice', callId: 'c1' }));
      store.appendEvent(row({ at: T0 + 2000, type: 'acd.offer.answered', interactionId: 'i1', queueId: 'support', agentId: 'alice', callId: 'c1' }));
      store.appendEvent(row({ at: T0 + 3000, type: 'acd.paused', agentId: 'bob', data: { reason: 'lunch' } }));
      store.appendEvent(row({ at: T0 + 4000, type: 'acd.enqueued', interactionId: 'i2', queueId: 'sales', callId: 'c2' }));
    });

    it('given no filter, when read, then every row comes back newest first with its fields', () => {
      const all = store.events({});
      expect(all.map((e) => e.type)).toEqual(['acd.enqueued', 'acd.paused', 'acd.offer.answered', 'acd.offer', 'acd.enqueued']);
      expect(all.at(-1)).toEqual({ seq: expect.any(Number) as number, at: T0, type: 'acd.enqueued', interactionId: 'i1', agentId: null, queueId: 'support', callId: 'c1', data: { priority: 0 } });
    });

    it.each([
      [{ agentId: 'alice' }, ['acd.offer.answered', 'acd.offer']],
      [{ queueId: 'sales' }, ['acd.enqueued']],
      [{ interactionId: 'i1' }, ['acd.offer.answered', 'acd.offer', 'acd.enqueued']],
      [{ type: 'acd.enqueued' }, ['acd.enqueued', 'acd.enqueued']],
      [{ from: T0 + 1000, to: T0 + 3000 }, ['acd.offer.answered', 'acd.offer']],
      [{ limit: 2 }, ['acd.enqueued', 'acd.paused']],
      [{ queueId: 'support', type: 'acd.offer', agentId: 'alice' }, ['acd.offer']],
    ])('given the filter %j, when read, then only matching rows come back', (filter, types) => {
      expect(store.events(filter).map((e) => e.type)).toEqual(types);
    });
  });

  describe('lastAgentFor', () => {
    it("given answers for the caller's calls, when asked since a time, then the latest answering agent in the window is returned", () => {
      startCall('c1', '+33612345678');
      startCall('c2', '+33612345678');
      startCall('c3', '+33699999999');
      store.appendEvent(row({ at: T0 + 1000, type: 'acd.offer.answered', agentId: 'alice', callId: 'c1' }));
      store.appendEvent(row({ at: T0 + 5000, type: 'acd.offer.answered', agentId: 'bob', callId: 'c2' }));
      store.appendEvent(row({ at: T0 + 6000, type: 'acd.offer', agentId: 'carol', callId: 'c2' }));
      store.appendEvent(row({ at: T0 + 9000, type: 'acd.offer.answered', agentId: 'dave', callId: 'c3' }));
      expect(store.lastAgentFor('+33612345678', T0)).toBe('bob');
      expect(store.lastAgentFor('+33612345678', T0 + 5001)).toBeNull();
      expect(store.lastAgentFor('+33699999999', T0)).toBe('dave');
      expect(store.lastAgentFor('+33600000000', T0)).toBeNull();
    });

    it('given anonymous callers (empty number) answered, when asked for the empty number, then nobody is anyone’s returning caller', () => {
      startCall('c1', '');
      store.appendEvent(row({ at: T0, type: 'acd.offer.answered', agentId: 'alice', callId: 'c1' }));
      expect(store.lastAgentFor('', 0)).toBeNull();
    });
  });

  describe('recentHandleTimes', () => {
    it("given wrap-up ends in two queues, when asked, then the queue's handle times come back newest first, limited", () => {
      store.appendEvent(row({ at: T0, type: 'acd.wrapup.ended', queueId: 'support', agentId: 'alice', data: { handleMs: 100_000 } }));
      store.appendEvent(row({ at: T0 + 1, type: 'acd.wrapup.ended', queueId: 'sales', agentId: 'alice', data: { handleMs: 5 } }));
      store.appendEvent(row({ at: T0 + 2, type: 'acd.wrapup.ended', queueId: 'support', agentId: 'bob', data: { handleMs: 200_000 } }));
      store.appendEvent(row({ at: T0 + 3, type: 'acd.offer.answered', queueId: 'support', data: { handleMs: 7 } }));
      store.appendEvent(row({ at: T0 + 4, type: 'acd.wrapup.ended', queueId: 'support', agentId: 'carol', data: { handleMs: 150_500.5 } }));
      expect(store.recentHandleTimes('support', 20)).toEqual([150_500.5, 200_000, 100_000]);
      expect(store.recentHandleTimes('support', 2)).toEqual([150_500.5, 200_000]);
      expect(store.recentHandleTimes('support', 0)).toEqual([]);
      expect(store.recentHandleTimes('nowhere', 5)).toEqual([]);
    });

    it('given wrap-up rows without a usable handleMs, when asked, then they are skipped rather than counted', () => {
      store.appendEvent(row({ at: T0, type: 'acd.wrapup.ended', queueId: 'support', data: { handleMs: 90_000 } }));
      store.appendEvent(row({ at: T0 + 1, type: 'acd.wrapup.ended', queueId: 'support', data: {} }));
      store.appendEvent(row({ at: T0 + 2, type: 'acd.wrapup.ended', queueId: 'support', data: { handleMs: '60000' } }));
      store.appendEvent(row({ at: T0 + 3, type: 'acd.wrapup.ended', queueId: 'support', data: { handleMs: -5 } }));
      store.appendEvent(row({ at: T0 + 4, type: 'acd.wrapup.ended', queueId: 'support', data: { handleMs: null } }));
      db.prepare("INSERT INTO acd_events (at, type, queue_id, data) VALUES (?, 'acd.wrapup.ended', 'support', 'not json')").run(T0 + 5);
      expect(store.recentHandleTimes('support', 1)).toEqual([90_000]);
      expect(store.events({ queueId: 'support', limit: 1 })[0]?.data).toEqual({});
    });
  });
});
