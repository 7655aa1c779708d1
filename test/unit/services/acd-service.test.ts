import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Db } from '../../../src/adapters/sqlite/database.js';
import { createSqliteAcdConfigStore } from '../../../src/adapters/sqlite/sqlite-acd-config-store.js';
import { createSqliteAcdStateStore } from '../../../src/adapters/sqlite/sqlite-acd-state-store.js';
import { createSqliteCallStore } from '../../../src/adapters/sqlite/sqlite-call-store.js';
import { createAcdEngine } from '../../../src/core/acd/acd-engine.js';
import { DEFAULT_CAPACITY, DEFAULT_OFFER_WHILE_BUSY, type AgentConfig, type QueueConfig } from '../../../src/core/acd/acd-types.js';
import type { CallStore } from '../../../src/ports/call-store.js';
import type { AcdConfigStore, AcdStateStore } from '../../../src/ports/acd-store.js';
import { createAcdService, type AcdService } from '../../../src/services/acd-service.js';
import { createCallRuntime, type CallRuntime } from '../../../src/services/call-runtime.js';
import { FakeTelephony, liveChannel } from '../support/fake-telephony.js';
import { libraryFromYaml, yaml } from '../support/flow-fixtures.js';
import { fakeClock, silentLogger, tempDir } from '../support/helpers.js';

// The ACD shell with everything real but Asterisk: the routing engine, the call runtime running a
// flow with a queue node, SQLite stores; the telephony is a fake whose events the test plays.

const FLOW = yaml(
  'id: q',
  'entry: q',
  'nodes:',
  '  q: { type: queue, queue: support, wait: { options: { "1": pressed }, callback: "2" }, on: { answered: bye, noAgents: none, timeout: none, full: none, error: none, callback: thanks } }',
  '  thanks: { type: hangup }',
  '  pressed: { type: hangup }',
  '  none: { type: hangup }',
  '  bye: { type: hangup }',
);

const queue = (over: Partial<QueueConfig> = {}): QueueConfig => ({
  id: 'support',
  name: 'Support',
  skills: [],
  priority: 0,
  strategy: 'longest-idle',
  ringTimeoutSec: 15,
  wrapUpSec: 10,
  maxWaitSec: null,
  maxLength: null,
  joinWhenEmpty: true,
  leaveWhenEmpty: false,
  serviceLevelSec: 20,
  hold: { moh: 'default', announceEverySec: null, announcePosition: true, announceWait: true },
  overflowQueue: null,
  steps: [],
  ronaMaxMisses: 1,
  preferredAgentSec: 0,
  ...over,
});

const agent = (id: string, endpoint: string): AgentConfig => ({ id, name: id, endpoints: [endpoint], skills: {}, capacity: { ...DEFAULT_CAPACITY }, offerWhileBusy: { ...DEFAULT_OFFER_WHILE_BUSY } });

describe('ACD service with the call runtime, a fake telephony and SQLite', () => {
  let dir: string;
  let cleanup: () => void;
  let db: Db;
  let calls: CallStore;
  let configStore: AcdConfigStore;
  let stateStore: AcdStateStore;
  let telephony: FakeTelephony;
  let clock: ReturnType<typeof fakeClock>;
  let acd: AcdService;
  let runtime: CallRuntime;

  const build = async () => {
    let rt: CallRuntime | null = null;
    acd = createAcdService({
      engine: createAcdEngine({ random: () => 0 }),
      configStore,
      stateStore,
      telephony,
      calls: () => rt!,
      callJournal: (callId, at, type, data) => calls.append(callId, at, type, data),
      now: clock.now,
      logger: silentLogger(),
      callbackRetryDelayMs: 60_000,
    });
    rt = createCallRuntime({
      telephony,
      store: calls,
      flows: { library: () => libraryFromYaml([FLOW]), route: () => 'q' },
      http: { request: () => Promise.reject(new Error('no http')) },
      calendarOverrides: () => new Map(),
      fallbackContext: 'fallback',
      now: clock.now,
      logger: silentLogger(),
      queues: acd.voice,
    });
    runtime = rt;
    await acd.start();
  };

  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    ({ dir, cleanup } = tempDir());
    db = openDatabase(join(dir, 'switchboard.db'));
    calls = createSqliteCallStore(db);
    configStore = createSqliteAcdConfigStore(db, () => clock.now());
    stateStore = createSqliteAcdStateStore(db);
    clock = fakeClock();
    telephony = new FakeTelephony();
    telephony.onEvent((e) => {
      runtime.handle(e);
      acd.handleTelephony(e);
    });
    configStore.putQueue(queue());
    configStore.putAgent(agent('alice', 'PJSIP/1001'));
    configStore.putAgent(agent('bob', 'PJSIP/1002'));
    telephony.endpoints = [
      { endpoint: 'PJSIP/1001', registered: true },
      { endpoint: 'PJSIP/1002', registered: true },
    ];
    await build();
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
  const enter = async (channelId: string, callerNumber = '5145550100') => {
    telephony.emit({ type: 'channelEntered', at: clock.now(), channel: liveChannel(channelId, { dialed: '400', callerNumber }), args: ['inbound'] });
    await drain();
  };
  const dials = () => telephony.callsOf('dial').map(([legId, target]) => ({ legId: legId as string, endpoint: (target as { endpoint: string }).endpoint }));
  const callId = (channelId: string) => (db.prepare('SELECT id FROM calls WHERE channel_id = ?').get(channelId) as { id: string }).id;
  const timeline = (channelId: string) => calls.events(callId(channelId)).map((e) => e.type);
  const acdTypes = () => stateStore.events({ limit: 1000 }).map((e) => e.type);

  it('given a caller waiting when the server stops, when the call does not come back after the restart, then the journal closes the visit as a lost abandon', async () => {
    await enter('ch-lost');
    expect(acdTypes()).toContain('acd.enqueued');
    acd.stop();
    await runtime.idle();
    clock.advance(30_000);
    await build();
    acd.afterReconcile();
    await drain();
    const lost = stateStore.events({ type: 'acd.abandoned', limit: 10 });
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatchObject({ callId: callId('ch-lost'), queueId: 'support', data: { lost: true, waitMs: 30_000 } });
    acd.afterReconcile();
    await drain();
    expect(stateStore.events({ type: 'acd.abandoned', limit: 10 })).toHaveLength(1);
    expect(stateStore.loadInteractions()).toEqual([]);
  });

  it('given an available agent, when a caller enters the queue, then the agent is rung, the answer stops the music and bridges them, and the agent hanging up ends in wrap-up', async () => {
    acd.login('alice', 'test');
    await enter('ch-1');
    expect(telephony.moh.get('ch-1')).toBe('default');
    expect(dials()).toHaveLength(1);
    const { legId, endpoint } = dials()[0]!;
    expect(endpoint).toBe('PJSIP/1001');

    telephony.emit({ type: 'legAnswered', at: clock.now(), legId });
    await drain();
    expect(telephony.moh.has('ch-1')).toBe(false);
    expect(telephony.callsOf('bridge')).toEqual([[expect.stringMatching(/^acd-/), ['ch-1', legId]]]);
    expect(acd.agent('alice')?.activity).toBe('onCall');

    clock.advance(30_000);
    telephony.emit({ type: 'legEnded', at: clock.now(), legId, cause: 16 });
    await drain();
    expect(acd.agent('alice')?.activity).toBe('wrapUp');
    expect(timeline('ch-1')).toEqual(expect.arrayContaining(['queue.entered', 'acd.enqueued', 'acd.offered', 'acd.offer.answered', 'acd.ended']));
    // The flow went on after the agent hung up: answered → bye.
    expect(telephony.callsOf('hangup').map(([ch]) => ch)).toContain('ch-1');
    expect(acdTypes()).toEqual(expect.arrayContaining(['acd.agent.login', 'acd.wrapup.started']));
  });

  it('given no agent is logged in, when a caller waits and hangs up, then the abandon is journaled and no agent was rung', async () => {
    await enter('ch-1');
    clock.advance(8_000);
    telephony.emit({ type: 'hangupRequested', at: clock.now(), channelId: 'ch-1', cause: 16 });
    await drain();
    expect(dials()).toEqual([]);
    expect(acdTypes()).toContain('acd.abandoned');
    expect(acd.snapshot('support')?.waiting).toBe(0);
  });

  it('given a ringing agent who does not answer, when the ring timeout passes, then the agent is paused no-answer and the next agent is rung', async () => {
    acd.login('alice', 'test');
    clock.advance(1000);
    acd.login('bob', 'test');
    await enter('ch-1');
    const [first] = dials();
    expect(first?.endpoint).toBe('PJSIP/1001');
    clock.advance(15_000);
    await vi.advanceTimersByTimeAsync(15_000);
    await drain();
    expect(acd.agent('alice')).toMatchObject({ status: 'paused', pauseReason: 'no-answer' });
    expect(telephony.callsOf('hangup').map(([ch]) => ch)).toContain(first?.legId);
    expect(dials().map((d) => d.endpoint)).toEqual(['PJSIP/1001', 'PJSIP/1002']);
  });

  it('given a waiting caller, when they press the option key, then they leave the queue through option:1 and no abandon is counted', async () => {
    await enter('ch-1');
    telephony.emit({ type: 'dtmf', at: clock.now(), channelId: 'ch-1', digit: '1' });
    await drain();
    expect(timeline('ch-1')).toContain('acd.left');
    expect(acdTypes()).not.toContain('acd.abandoned');
    expect(telephony.moh.has('ch-1')).toBe(false);
  });

  it('given an unregistered agent, when a caller arrives, then the agent is not rung until the phone registers', async () => {
    telephony.endpoints = [{ endpoint: 'PJSIP/1001', registered: false }];
    await acd.resync();
    acd.login('alice', 'test');
    await enter('ch-1');
    expect(dials()).toEqual([]);
    expect(acd.explain(callsInQueue()[0]!)?.candidates.find((c) => c.agentId === 'alice')?.reason).toMatch(/regist/);
    telephony.setRegistered('PJSIP/1001', true, clock.now());
    await drain();
    expect(dials().map((d) => d.endpoint)).toEqual(['PJSIP/1001']);
  });

  it('given an unknown queue in the flow, when entered, then the node takes its error route', async () => {
    configStore.deleteQueue('support');
    acd.reloadConfig();
    await enter('ch-1');
    expect(timeline('ch-1')).toContain('node.error');
  });

  const connected = async (channelId: string) => {
    await enter(channelId);
    const { legId } = dials().at(-1)!;
    telephony.emit({ type: 'legAnswered', at: clock.now(), legId });
    await drain();
    return { legId, interactionId: acd.agent('alice')!.interactions[0]! };
  };

  it('given a caller talking to an agent, when the agent transfers them to another queue, then the agent is freed to wrap-up, the caller waits there with music and the next agent is rung', async () => {
    configStore.putQueue(queue({ id: 'billing', name: 'Billing' }));
    acd.reloadConfig();
    acd.login('alice', 'test');
    const { legId, interactionId } = await connected('ch-1');
    clock.advance(20_000);
    const { interactionId: next } = acd.transfer(interactionId, { queue: 'billing' }, 'alice desk');
    await drain();
    expect(telephony.callsOf('hangup').map(([ch]) => ch)).toContain(legId);
    expect(acd.agent('alice')?.activity).toBe('wrapUp');
    expect(telephony.moh.get('ch-1')).toBe('default');
    expect(acd.snapshot('billing')?.callers.map((c) => c.interactionId)).toEqual([next]);
    acd.login('bob', 'test');
    await drain();
    expect(dials().at(-1)?.endpoint).toBe('PJSIP/1002');
    expect(timeline('ch-1')).toEqual(expect.arrayContaining(['acd.transferred', 'acd.ended']));
    // The first agent's talk time ends at the transfer: transfers are segments, not one long call.
    expect(acd.agent('alice')?.talkMs).toBe(20_000);
  });

  it('given a caller talking to an agent, when transferred to a number that answers and later hangs up, then the caller is bridged to it and then goes on in the flow', async () => {
    acd.login('alice', 'test');
    await connected('ch-1');
    const { interactionId } = { interactionId: acd.agent('alice')!.interactions[0]! };
    acd.transfer(interactionId, { number: '+15145550199' }, 'alice desk');
    await drain();
    const external = dials().at(-1)!;
    expect(external.endpoint).toBe('PJSIP/+15145550199@trunk');
    telephony.emit({ type: 'legAnswered', at: clock.now(), legId: external.legId });
    await drain();
    expect(telephony.callsOf('bridge').at(-1)?.[1]).toEqual(['ch-1', external.legId]);
    telephony.emit({ type: 'legEnded', at: clock.now(), legId: external.legId, cause: 16 });
    await drain();
    expect(calls.get(callId('ch-1'))?.status).toBe('active');
    expect(telephony.callsOf('hangup').map(([ch]) => ch)).toContain('ch-1');
  });

  it('given a waiting caller, when a transfer is asked for them, then it is refused: nobody talks to them', async () => {
    await enter('ch-1');
    expect(() => acd.transfer(callsInQueue()[0]!, { queue: 'support' }, 'x')).toThrow(/not connected/);
  });

  it('given the agent presses transfer on the phone to a queue id, when the REFER arrives, then the phone is told it worked and the caller waits in that queue', async () => {
    configStore.putQueue(queue({ id: 'billing', name: 'Billing' }));
    acd.reloadConfig();
    acd.login('alice', 'test');
    const { legId } = await connected('ch-1');
    expect(telephony.callsOf('dial')[0]?.[1]).toMatchObject({ ariTransfers: true });
    telephony.emitTransferRequested(legId, { destination: 'billing', kind: 'blind' });
    await drain();
    expect(telephony.callsOf('transferProgress')).toEqual([[legId, 'progress'], [legId, 'answered']]);
    expect(telephony.callsOf('hangup').map(([ch]) => ch)).toContain(legId);
    expect(acd.snapshot('billing')?.waiting).toBe(1);
    expect(timeline('ch-1')).toContain('acd.transferred');
  });

  it('given the agent transfers on the phone to another agent\'s extension, when the REFER arrives, then it is declined and the call stays with the agent', async () => {
    acd.login('alice', 'test');
    const { legId } = await connected('ch-1');
    telephony.emitTransferRequested(legId, { destination: '1002', kind: 'blind' });
    await drain();
    expect(telephony.callsOf('transferProgress')).toEqual([[legId, 'declined']]);
    expect(acd.agent('alice')?.activity).toBe('onCall');
    expect(timeline('ch-1')).toContain('acd.transfer.refused');
  });

  it('given a conversation, when the agent leg is hung up, then talk time ends at the hang-up request, not at the channel destruction a second later', async () => {
    acd.login('alice', 'test');
    const { legId } = await connected('ch-1');
    clock.advance(10_000);
    telephony.emit({ type: 'legHangupRequested', at: clock.now(), legId, cause: 16 });
    await drain();
    clock.advance(900);
    telephony.emit({ type: 'legEnded', at: clock.now(), legId, cause: 16 });
    await drain();
    expect(acd.agent('alice')?.talkMs).toBe(10_000);
    expect(acd.agent('alice')?.activity).toBe('wrapUp');
  });

  describe('callbacks', () => {
    const pressTwo = async () => {
      await enter('ch-1', '5145550100');
      clock.advance(5_000);
      telephony.emit({ type: 'dtmf', at: clock.now(), channelId: 'ch-1', digit: '2' });
      await drain();
    };
    const ringAgentAndAnswer = async () => {
      const agentLeg = dials().at(-1)!;
      telephony.emit({ type: 'legAnswered', at: clock.now(), legId: agentLeg.legId });
      await drain();
      return { agentLeg, customer: dials().at(-1)! };
    };

    it('given a waiting caller, when they press the callback key, then they hang up with their place kept and the first free agent calls them back', async () => {
      await pressTwo();
      expect(timeline('ch-1')).toEqual(expect.arrayContaining(['queue.callback', 'acd.callback.requested', 'acd.left']));
      expect(telephony.callsOf('hangup').map(([ch]) => ch)).toContain('ch-1');
      const waiting = acd.snapshot('support')!.callers;
      expect(waiting).toHaveLength(1);
      expect(waiting[0]!.waitedSec).toBe(5);

      acd.login('alice', 'test');
      await drain();
      const { agentLeg, customer } = await ringAgentAndAnswer();
      expect(telephony.callsOf('dial')[0]?.[1]).toMatchObject({ endpoint: 'PJSIP/1001', callerId: '"Callback Alice" <5145550100>' });
      expect(customer.endpoint).toBe('PJSIP/5145550100@trunk');
      telephony.emit({ type: 'legAnswered', at: clock.now(), legId: customer.legId });
      await drain();
      expect(telephony.callsOf('bridge').at(-1)?.[1]).toEqual([agentLeg.legId, customer.legId]);
      expect(acd.agent('alice')?.activity).toBe('onCall');
      telephony.emit({ type: 'legEnded', at: clock.now(), legId: customer.legId, cause: 16 });
      await drain();
      expect(telephony.callsOf('hangup').map(([ch]) => ch)).toContain(agentLeg.legId);
      expect(acd.agent('alice')?.activity).toBe('wrapUp');
      expect(timeline('ch-1')).toEqual(expect.arrayContaining(['acd.callback.dialing', 'acd.callback.connected']));
    });

    it('given a callback whose customer does not answer, when the attempt fails, then it is tried again later at the same place', async () => {
      configStore.putQueue(queue({ wrapUpSec: 0 }));
      acd.reloadConfig();
      await pressTwo();
      acd.login('alice', 'test');
      await drain();
      const { customer } = await ringAgentAndAnswer();
      telephony.emit({ type: 'legEnded', at: clock.now(), legId: customer.legId, cause: 19 });
      await drain();
      expect(timeline('ch-1')).toContain('acd.callback.noAnswer');
      expect(acd.snapshot('support')!.callers).toHaveLength(0);
      const before = dials().length;
      clock.advance(60_000);
      await vi.advanceTimersByTimeAsync(60_000);
      await drain();
      expect(dials().length).toBe(before + 1);
      expect(dials().at(-1)?.endpoint).toBe('PJSIP/1001');
    });

    it('given an anonymous caller, when they press the callback key, then nothing happens: there is no number to call', async () => {
      await enter('ch-1', '');
      telephony.emit({ type: 'dtmf', at: clock.now(), channelId: 'ch-1', digit: '2' });
      await drain();
      expect(timeline('ch-1')).not.toContain('queue.callback');
      expect(acd.snapshot('support')!.waiting).toBe(1);
    });
  });

  const callsInQueue = () => acd.snapshot('support')?.callers.map((c) => c.interactionId) ?? [];
});
