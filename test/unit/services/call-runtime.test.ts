import { secretRef } from '../../../src/core/ivr/secret-refs.js';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Db } from '../../../src/adapters/sqlite/database.js';
import { createSqliteCallStore } from '../../../src/adapters/sqlite/sqlite-call-store.js';
import type { HttpOutcome, HttpRequestSpec } from '../../../src/core/call/call-types.js';
import type { Flow, FlowLibrary } from '../../../src/core/ivr/flow-types.js';
import type { CallRecord, CallStore } from '../../../src/ports/call-store.js';
import type { HttpClient } from '../../../src/ports/http-client.js';
import { TelephonyError, type TelephonyEvent } from '../../../src/ports/telephony.js';
import { createCallRuntime, type CallRuntime } from '../../../src/services/call-runtime.js';
import { FakeTelephony, liveChannel } from '../support/fake-telephony.js';
import { libraryFromYaml, yaml } from '../support/flow-fixtures.js';
import { fakeClock, silentLogger, tempDir } from '../support/helpers.js';

// The shell around callStep: telephony events in, effects out through the ports, the journal in a
// real SQLite call store, timers through (faked) setTimeout, http through a fake client.

const MAIN = yaml(
  'id: main',
  'entry: m',
  'nodes:',
  '  m: { type: menu, greeting: menu.main, options: { "1": one, "2": two }, on: { exhausted: bye } }',
  '  one: { type: play, prompt: hello, next: bye }',
  '  two: { type: play, prompt: goodbye, next: bye }',
  '  bye: { type: hangup }',
);
const DIP = yaml(
  'id: dip',
  'entry: l',
  'vars: { tier: { type: string } }',
  'nodes:',
  '  l: { type: http, url: "https://crm.example/c/{{caller.number}}", headers: { Authorization: "Bearer ${env:FLOW_TOKEN}" }, map: { tier: "response.body.tier" }, on: { ok: good, error: bad, timeout: bad } }',
  '  good: { type: play, prompt: hello, next: bye }',
  '  bad: { type: play, prompt: goodbye, next: bye }',
  '  bye: { type: hangup }',
);
const QUEUE = yaml(
  'id: q',
  'entry: q',
  'nodes:',
  '  q: { type: queue, queue: support, on: { answered: bye, noAgents: vm, timeout: bye, full: bye, error: bye } }',
  '  vm: { type: play, prompt: goodbye, next: bye }',
  '  bye: { type: hangup }',
);
const XFER = yaml(
  'id: xfer',
  'entry: t',
  'nodes:',
  '  t: { type: transfer, to: { endpoint: PJSIP/1001 }, timeout: 20s, on: { answered: bye, busy: busy, noanswer: busy, failed: busy } }',
  '  busy: { type: play, prompt: goodbye, next: bye }',
  '  bye: { type: hangup }',
);
const ROUTES = new Map([
  ['300', 'dip'],
  ['400', 'q'],
  ['500', 'xfer'],
]);
const FALLBACK = 'switchboard-fallback';

/** An http client whose answers the test gives by hand. */
class FakeHttp implements HttpClient {
  readonly requests: HttpRequestSpec[] = [];
  private readonly waiting: ((outcome: HttpOutcome) => void)[] = [];
  request(spec: HttpRequestSpec): Promise<HttpOutcome> {
    this.requests.push(spec);
    return new Promise((resolve) => this.waiting.push(resolve));
  }
  answer(outcome: HttpOutcome): void {
    const next = this.waiting.shift();
    if (!next) throw new Error('no http request is waiting');
    next(outcome);
  }
}

describe('call runtime with a fake telephony, a fake http client and a real SQLite call store', () => {
  let dir: string;
  let cleanup: () => void;
  let db: Db;
  let store: CallStore;
  let telephony: FakeTelephony;
  let http: FakeHttp;
  let clock: ReturnType<typeof fakeClock>;
  let library: FlowLibrary;
  let runtime: CallRuntime;

  const newRuntime = (tel: FakeTelephony = telephony) =>
    createCallRuntime({
      telephony: tel,
      store,
      flows: { library: () => library, route: (dialed) => ROUTES.get(dialed) ?? 'main' },
      http,
      calendarOverrides: () => new Map(),
      fallbackContext: FALLBACK,
      now: clock.now,
      logger: silentLogger(),
    });

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    ({ dir, cleanup } = tempDir());
    db = openDatabase(join(dir, 'switchboard.db'));
    store = createSqliteCallStore(db);
    telephony = new FakeTelephony();
    http = new FakeHttp();
    clock = fakeClock();
    library = libraryFromYaml([MAIN, DIP, QUEUE, XFER]);
    runtime = newRuntime();
  });
  afterEach(async () => {
    await runtime.idle();
    vi.useRealTimers();
    db.close();
    cleanup();
  });

  const callOn = (channelId: string): CallRecord => {
    const row = db.prepare('SELECT id FROM calls WHERE channel_id = ? ORDER BY started_at DESC LIMIT 1').get(channelId) as { id: string } | undefined;
    const call = row && store.get(row.id);
    if (!call) throw new Error(`no call on channel ${channelId}`);
    return call;
  };
  const events = (channelId: string) => store.events(callOn(channelId).id);
  const types = (channelId: string) => events(channelId).map((e) => e.type);
  /** Lets promise callbacks (the http client's answer) post to the mailboxes, then drains them. */
  const drain = async () => {
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      await runtime.idle();
    }
  };
  const deliver = async (event: TelephonyEvent) => {
    runtime.handle(event);
    await drain();
  };
  const enter = (channelId: string, dialed = '100') => deliver({ type: 'channelEntered', at: clock.now(), channel: liveChannel(channelId, { dialed }), args: ['inbound'] });
  const lastPlayback = (channelId: string) => {
    const play = telephony.callsOf('play').filter((args) => args[0] === channelId).at(-1);
    if (!play) throw new Error(`nothing played on ${channelId}`);
    return play[1] as string;
  };
  const finishPlayback = (channelId: string) => deliver({ type: 'playbackFinished', at: clock.now(), channelId, playbackId: lastPlayback(channelId), failed: false });
  const dtmf = (channelId: string, digit: string) => deliver({ type: 'dtmf', at: clock.now(), channelId, digit });
  const playedMedia = (channelId: string) => telephony.callsOf('play').filter((a) => a[0] === channelId).map((a) => a[2]);

  describe('a call through a menu', () => {
    it('given a caller enters, when handled, then the call is stored, watched, answered, its language set and the greeting played', async () => {
      await enter('ch-1');
      const call = callOn('ch-1');
      expect(call).toMatchObject({ channelId: 'ch-1', flowId: 'main', flowVersion: library.get('main')?.version, status: 'active', answeredAt: clock.now() });
      expect(telephony.calls).toEqual([
        { method: 'watch', args: ['ch-1'] },
        { method: 'answer', args: ['ch-1'] },
        { method: 'setLanguage', args: ['ch-1', 'en'] },
        { method: 'play', args: ['ch-1', `${call.id}-p2`, ['sound:vm-press', 'digits:1']] },
      ]);
      expect(types('ch-1')).toEqual(['call.started', 'flow.started', 'call.answered', 'node.entered', 'playback.started']);
    });

    it('given the greeting ended, when the caller presses 2, then the menu exits option:2 and the next node plays; the journal has node.entered/node.exited', async () => {
      await enter('ch-1');
      clock.advance(2000);
      await finishPlayback('ch-1');
      clock.advance(1000);
      await dtmf('ch-1', '2');
      expect(playedMedia('ch-1').at(-1)).toEqual(['sound:vm-goodbye']);
      const journal = events('ch-1');
      expect(journal.filter((e) => e.type === 'node.entered').map((e) => e.data.nodeId)).toEqual(['m', 'two']);
      expect(journal.find((e) => e.type === 'node.exited')?.data).toEqual({ flowId: 'main', nodeId: 'm', outcome: 'option:2', target: 'two' });
      expect(journal.find((e) => e.type === 'dtmf')?.data).toEqual({ digit: '2', nodeId: 'm' });
      expect(callOn('ch-1').path).toEqual(['m', 'two']);
    });

    it('given the greeting ended, when nothing is pressed for the timeout, then the (fake) timer fires and the menu plays again', async () => {
      await enter('ch-1');
      await finishPlayback('ch-1');
      expect(vi.getTimerCount()).toBe(2); // the call's duration limit and the menu's first-digit timer
      await vi.advanceTimersByTimeAsync(5000);
      await drain();
      expect(types('ch-1')).toContain('menu.noInput');
      expect(telephony.callsOf('play')).toHaveLength(2);
    });

    it('given the flow hangs up, when Asterisk reports the hangup and the channel leaves, then the call ends flow_hangup and no timer is left', async () => {
      await enter('ch-1');
      await finishPlayback('ch-1');
      await dtmf('ch-1', '1');
      await finishPlayback('ch-1');
      expect(telephony.callsOf('hangup')).toEqual([['ch-1', 'normal']]);
      await deliver({ type: 'hangupRequested', at: clock.now(), channelId: 'ch-1', cause: 16 });
      await deliver({ type: 'channelLeft', at: clock.now(), channelId: 'ch-1' });
      expect(callOn('ch-1')).toMatchObject({ status: 'ended', endReason: 'flow_hangup' });
      expect(runtime.activeCount()).toBe(0);
      expect(vi.getTimerCount()).toBe(0);
    });

    it('given the caller hangs up during the greeting, when handled, then the playback is stopped and the call ends caller_hangup', async () => {
      await enter('ch-1');
      const playbackId = lastPlayback('ch-1');
      await deliver({ type: 'hangupRequested', at: clock.now(), channelId: 'ch-1', cause: 16 });
      await deliver({ type: 'channelLeft', at: clock.now(), channelId: 'ch-1' });
      expect(telephony.callsOf('stopPlayback')).toEqual([[playbackId]]);
      expect(callOn('ch-1')).toMatchObject({ status: 'ended', endReason: 'caller_hangup' });
      expect(vi.getTimerCount()).toBe(0);
    });

    it('given the telephony rejects the play, when the call starts, then the caller goes to the dialplan fallback', async () => {
      telephony.fail('play', new TelephonyError('rejected', 'no media'));
      await enter('ch-1');
      expect(telephony.callsOf('continueInDialplan')).toEqual([['ch-1', FALLBACK]]);
      expect(types('ch-1')).toEqual(expect.arrayContaining(['node.error', 'call.error', 'call.fallback']));
    });

    it('given the routed flow is not loaded, when a caller enters, then flow_not_found and the fallback', async () => {
      library = new Map();
      await enter('ch-1');
      expect(telephony.methods()).toEqual(['watch', 'continueInDialplan']);
      expect(events('ch-1').find((e) => e.type === 'call.error')?.data).toMatchObject({ code: 'flow_not_found' });
    });
  });

  describe('effects performed by the shell', () => {
    it('given an http node, when it runs, then the request goes to the http client and its result comes back into the flow', async () => {
      await enter('ch-1', '300');
      expect(http.requests).toEqual([{ method: 'GET', url: 'https://crm.example/c/+33612345678', headers: { Authorization: `Bearer ${secretRef('FLOW_TOKEN')}` }, timeoutMs: 3000 }]);
      expect(telephony.callsOf('play')).toEqual([]);
      http.answer({ kind: 'ok', status: 200, body: { tier: 'gold' }, headers: {} });
      await drain();
      expect(playedMedia('ch-1')).toEqual([['sound:hello-world']]);
      expect(events('ch-1').find((e) => e.type === 'vars.set')?.data).toEqual({ nodeId: 'l', vars: { tier: 'gold' } });
    });

    it('given an http node, when the client answers a timeout, then the flow takes the timeout route', async () => {
      await enter('ch-1', '300');
      http.answer({ kind: 'timeout' });
      await drain();
      expect(playedMedia('ch-1')).toEqual([['sound:vm-goodbye']]);
    });

    it('given a pending http request, when the caller hangs up meanwhile, then the late answer is ignored', async () => {
      await enter('ch-1', '300');
      await deliver({ type: 'hangupRequested', at: clock.now(), channelId: 'ch-1', cause: 16 });
      await deliver({ type: 'channelLeft', at: clock.now(), channelId: 'ch-1' });
      http.answer({ kind: 'ok', status: 200, body: { tier: 'gold' }, headers: {} });
      await drain();
      expect(telephony.callsOf('play')).toEqual([]);
      expect(callOn('ch-1').status).toBe('ended');
    });

    it('given a queue node and no ACD, when enqueued, then queue.unavailable is journaled and the flow takes noAgents', async () => {
      await enter('ch-1', '400');
      expect(events('ch-1').find((e) => e.type === 'queue.unavailable')?.data).toEqual({ queue: 'support', reason: 'no ACD is running' });
      expect(events('ch-1').find((e) => e.type === 'node.exited')?.data).toMatchObject({ nodeId: 'q', outcome: 'noAgents', target: 'vm' });
      expect(playedMedia('ch-1')).toEqual([['sound:vm-goodbye']]);
    });
  });

  describe('transfer legs', () => {
    const dialOf = (callId: string) => {
      const dial = telephony.callsOf('dial').find((args) => String(args[0]).startsWith(`leg-${callId}`));
      if (!dial) throw new Error(`call ${callId} dialed nothing`);
      return dial;
    };

    it('given two calls transferring, when one leg answers and the other is busy, then each event goes to the call that dialed it', async () => {
      await enter('ch-1', '500');
      await enter('ch-2', '500');
      const [leg1, target] = dialOf(callOn('ch-1').id) as [string, unknown];
      const [leg2] = dialOf(callOn('ch-2').id) as [string];
      expect(leg1).toMatch(/^leg-/);
      expect(target).toEqual({ endpoint: 'PJSIP/1001', timeoutSec: 20 });

      await deliver({ type: 'legAnswered', at: clock.now(), legId: leg1 });
      expect(telephony.callsOf('bridge')).toEqual([[expect.stringMatching(/^br-/), ['ch-1', leg1]]]);

      await deliver({ type: 'legEnded', at: clock.now(), legId: leg2, cause: 17 });
      expect(playedMedia('ch-2')).toEqual([['sound:vm-goodbye']]);
      expect(playedMedia('ch-1')).toEqual([]);
      expect(events('ch-2').find((e) => e.type === 'transfer.ended')?.data).toMatchObject({ legId: leg2, cause: 17, outcome: 'busy' });
    });

    it('given a bridged call, when the agent\'s leg ends, then the bridge is destroyed and the caller\'s flow goes on (answered)', async () => {
      await enter('ch-1', '500');
      const [leg] = dialOf(callOn('ch-1').id) as [string];
      await deliver({ type: 'legAnswered', at: clock.now(), legId: leg });
      await deliver({ type: 'legEnded', at: clock.now(), legId: leg, cause: 16 });
      expect(telephony.callsOf('destroyBridge')).toHaveLength(1);
      expect(telephony.callsOf('hangup')).toEqual([['ch-1', 'normal']]);
    });

    it('given a bridged call, when the caller hangs up, then the leg is hung up and the bridge destroyed', async () => {
      await enter('ch-1', '500');
      const [leg] = dialOf(callOn('ch-1').id) as [string];
      await deliver({ type: 'legAnswered', at: clock.now(), legId: leg });
      await deliver({ type: 'hangupRequested', at: clock.now(), channelId: 'ch-1', cause: 16 });
      expect(telephony.callsOf('hangup')).toEqual([[leg, 'normal']]);
      expect(telephony.callsOf('destroyBridge')).toHaveLength(1);
    });

    it('given a leg nobody dialed, when its events arrive, then they are ignored', async () => {
      await enter('ch-1', '500');
      const before = telephony.calls.length;
      await deliver({ type: 'legAnswered', at: clock.now(), legId: 'leg-unknown' });
      await deliver({ type: 'legEnded', at: clock.now(), legId: 'leg-unknown', cause: 16 });
      expect(telephony.calls.length).toBe(before);
    });
  });

  describe('flow versions and reloads', () => {
    it('given a running call, when the library is reloaded with a new version, then the call keeps its snapshot and new calls get the new flow', async () => {
      const v1 = library.get('main') as Flow;
      await enter('ch-1');
      library = libraryFromYaml([MAIN.replace('prompt: hello', 'prompt: welcome'), DIP, QUEUE, XFER]);
      const v2 = library.get('main') as Flow;
      expect(v2.version).not.toBe(v1.version);

      await finishPlayback('ch-1');
      await dtmf('ch-1', '1');
      expect(playedMedia('ch-1').at(-1)).toEqual(['sound:hello-world']);
      expect(callOn('ch-1').flowVersion).toBe(v1.version);

      await enter('ch-2');
      await finishPlayback('ch-2');
      await dtmf('ch-2', '1');
      expect(playedMedia('ch-2').at(-1)).toEqual(['sound:dir-welcome']);
      expect(callOn('ch-2').flowVersion).toBe(v2.version);
    });
  });

  describe('reconcile', () => {
    it('given channels in the app that the store does not know, when reconciled, then new calls start for them but not for transfer legs (leg-*)', async () => {
      telephony.live = [liveChannel('ch-new', { state: 'Up' }), liveChannel('leg-old-d3', { state: 'Up' })];
      expect(await runtime.reconcile()).toEqual({ adopted: 0, lost: 0, added: 1 });
      await drain();
      expect(callOn('ch-new').status).toBe('active');
      expect(store.list({ limit: 10, offset: 0 }).items.map((c) => c.channelId)).toEqual(['ch-new']);
      expect(telephony.callsOf('answer')).toEqual([['ch-new']]);
    });

    it('given a call a previous process left in the menu, when reconciled, then it is re-adopted: old prompt stopped, menu entered again', async () => {
      await enter('ch-1');
      const id = callOn('ch-1').id;
      const old = lastPlayback('ch-1');
      telephony = new FakeTelephony();
      runtime = newRuntime(telephony);
      telephony.live = [liveChannel('ch-1', { state: 'Up' })];
      expect(await runtime.reconcile()).toEqual({ adopted: 1, lost: 0, added: 0 });
      await drain();
      expect(telephony.callsOf('stopPlayback')).toEqual([[old]]);
      const [, fresh, media] = telephony.callsOf('play').at(-1) as [string, string, string[]];
      expect(fresh).not.toBe(old);
      expect(fresh.startsWith(`${id}-p`)).toBe(true);
      expect(media).toEqual(['sound:vm-press', 'digits:1']);
      expect(events('ch-1').find((e) => e.type === 'call.readopted')?.data).toMatchObject({ nodeId: 'm', flowId: 'main' });
    });

    it('given an active call whose channel is gone, when reconciled, then it ends lost', async () => {
      await enter('ch-1');
      telephony.live = [];
      expect(await runtime.reconcile()).toEqual({ adopted: 0, lost: 1, added: 0 });
      await drain();
      expect(callOn('ch-1')).toMatchObject({ status: 'ended', endReason: 'lost' });
    });
  });
});
