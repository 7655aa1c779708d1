import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Db } from '../../../src/adapters/sqlite/database.js';
import { createSqliteCallStore } from '../../../src/adapters/sqlite/sqlite-call-store.js';
import type { Flow } from '../../../src/core/ivr/flow-types.js';
import type { CallRecord, CallStore } from '../../../src/ports/call-store.js';
import { TelephonyError, type TelephonyEvent } from '../../../src/ports/telephony.js';
import { createCallRuntime, type CallRuntime } from '../../../src/services/call-runtime.js';
import { FakeTelephony, liveChannel } from '../support/fake-telephony.js';
import { fakeClock, makeFlow, silentLogger, tempDir } from '../support/helpers.js';

// welcome (play) → thanks (play, two prompts) → goodbye (hangup)
const mainFlow: Flow = makeFlow(
  'welcome',
  {
    welcome: { kind: 'play', prompts: ['sound:hello-world'], next: 'thanks' },
    thanks: { kind: 'play', prompts: ['sound:auth-thankyou', 'sound:vm-goodbye'], next: 'goodbye' },
    goodbye: { kind: 'hangup' },
  },
  'main',
);

// hold (pause 5 s) → after (play) → ends by running off the flow
const pauseFlow: Flow = makeFlow(
  'hold',
  {
    hold: { kind: 'pause', seconds: 5, next: 'after' },
    after: { kind: 'play', prompts: ['sound:beep'] },
  },
  'main',
);

const FALLBACK = 'switchboard-fallback';

describe('call runtime with a fake telephony and a real SQLite call store', () => {
  let dir: string;
  let cleanup: () => void;
  let db: Db;
  let store: CallStore;
  let telephony: FakeTelephony;
  let clock: ReturnType<typeof fakeClock>;
  let flows: Map<string, Flow>;
  let runtime: CallRuntime;

  const newRuntime = (tel: FakeTelephony = telephony) =>
    createCallRuntime({
      telephony: tel,
      store,
      flows: { get: (id) => flows.get(id) },
      entryFlow: 'main',
      fallbackContext: FALLBACK,
      now: clock.now,
      logger: silentLogger(),
    });

  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
    db = openDatabase(join(dir, 'switchboard.db'));
    store = createSqliteCallStore(db);
    telephony = new FakeTelephony();
    clock = fakeClock();
    flows = new Map([['main', mainFlow]]);
    runtime = newRuntime();
  });
  afterEach(async () => {
    vi.useRealTimers();
    await runtime.idle();
    db.close();
    cleanup();
  });

  const callOn = (channelId: string): CallRecord => {
    const row = db.prepare('SELECT id FROM calls WHERE channel_id = ? ORDER BY started_at DESC LIMIT 1').get(channelId) as { id: string } | undefined;
    const call = row && store.get(row.id);
    if (!call) throw new Error(`no call on channel ${channelId}`);
    return call;
  };
  const journal = (channelId: string) => store.events(callOn(channelId).id).map((e) => e.type);

  /** Delivers an event at the current fake time, then waits for every mailbox to drain. */
  const deliver = async (event: TelephonyEvent) => {
    runtime.handle(event);
    await runtime.idle();
  };
  const enter = (channelId: string, args = ['inbound']) =>
    deliver({ type: 'channelEntered', at: clock.now(), channel: liveChannel(channelId), args });
  const playbackFinished = (channelId: string, playbackId: string, failed = false) =>
    deliver({ type: 'playbackFinished', at: clock.now(), channelId, playbackId, failed });
  const hangupRequested = (channelId: string, cause: number | null) => deliver({ type: 'hangupRequested', at: clock.now(), channelId, cause });
  const left = (channelId: string) => deliver({ type: 'channelLeft', at: clock.now(), channelId });
  const destroyed = (channelId: string, cause: number, causeText: string) =>
    deliver({ type: 'channelDestroyed', at: clock.now(), channelId, cause, causeText });

  describe('a call through the flow', () => {
    it('given a caller enters Stasis, when the event is handled, then the call is stored and the channel is watched, answered and played to', async () => {
      await enter('ch-1');
      const call = callOn('ch-1');
      expect(call).toMatchObject({
        channelId: 'ch-1', direction: 'inbound', callerNumber: '+33612345678', callerName: 'Alice', dialed: '100',
        flowId: 'main', status: 'active', startedAt: clock.now(), answeredAt: clock.now(),
      });
      expect(telephony.calls).toEqual([
        { method: 'watch', args: ['ch-1'] },
        { method: 'answer', args: ['ch-1'] },
        { method: 'play', args: ['ch-1', `${call.id}-p1`, ['sound:hello-world']] },
      ]);
      expect(journal('ch-1')).toEqual(['call.started', 'flow.started', 'call.answered', 'node.entered', 'playback.started']);
      expect(runtime.activeCount()).toBe(1);
    });

    it('given args [internal], when the caller enters, then the call is stored as internal', async () => {
      await enter('ch-1', ['internal']);
      expect(callOn('ch-1').direction).toBe('internal');
    });

    it('given the same channel enters twice, when handled, then only one call is started', async () => {
      await enter('ch-1');
      await enter('ch-1');
      expect(store.list({ limit: 10, offset: 0 }).total).toBe(1);
      expect(telephony.callsOf('answer')).toHaveLength(1);
    });

    it('given a playing call, when each playback finishes, then the next nodes run and the flow hangs up', async () => {
      await enter('ch-1');
      const id = callOn('ch-1').id;
      clock.advance(3_000);
      await playbackFinished('ch-1', `${id}-p1`);
      expect(telephony.callsOf('play').at(-1)).toEqual(['ch-1', `${id}-p2`, ['sound:auth-thankyou', 'sound:vm-goodbye']]);
      clock.advance(4_000);
      await playbackFinished('ch-1', `${id}-p2`);
      expect(telephony.callsOf('hangup')).toEqual([['ch-1', 'normal']]);
      // Asterisk then reports the hangup and the channel leaving.
      await hangupRequested('ch-1', 16);
      await left('ch-1');
      expect(callOn('ch-1')).toMatchObject({ status: 'ended', endReason: 'flow_hangup', hangupCause: 16, durationMs: 7_000, talkMs: 7_000 });
      expect(journal('ch-1')).toEqual(expect.arrayContaining(['playback.finished', 'call.hangup', 'hangup.requested', 'stasis.left', 'call.ended']));
      expect(runtime.activeCount()).toBe(0);
    });

    it('given a playing call, when a playback of another id finishes, then nothing moves', async () => {
      await enter('ch-1');
      await playbackFinished('ch-1', 'someone-else-p1');
      expect(telephony.callsOf('play')).toHaveLength(1);
    });

    it('given a call mid-flow, when the caller hangs up and the channel leaves, then the call ends with caller_hangup', async () => {
      await enter('ch-1');
      clock.advance(2_500);
      await hangupRequested('ch-1', null);
      await left('ch-1');
      expect(callOn('ch-1')).toMatchObject({ status: 'ended', endReason: 'caller_hangup', durationMs: 2_500 });
      expect(telephony.callsOf('hangup')).toEqual([]);
      expect(runtime.activeCount()).toBe(0);
    });

    it('given an ended call, when ChannelDestroyed arrives late with the real cause, then the cause lands on that call', async () => {
      await enter('ch-1');
      await hangupRequested('ch-1', null);
      await left('ch-1');
      await destroyed('ch-1', 17, 'User busy');
      expect(callOn('ch-1')).toMatchObject({ status: 'ended', hangupCause: 17, hangupCauseText: 'User busy' });
      expect(journal('ch-1').at(-1)).toBe('channel.destroyed');
    });

    it('given a call in a pause node, when the timer fires, then the next node plays; and a hangup during a pause cancels the timer', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      flows.set('main', pauseFlow);
      await enter('ch-1');
      await enter('ch-2');
      expect(telephony.callsOf('play')).toEqual([]);
      await hangupRequested('ch-2', 16);
      await vi.advanceTimersByTimeAsync(5_000);
      await runtime.idle();
      const id1 = callOn('ch-1').id;
      expect(telephony.callsOf('play')).toEqual([['ch-1', `${id1}-p2`, ['sound:beep']]]);
      expect(vi.getTimerCount()).toBe(0);
    });
  });

  describe('failures take the guaranteed end path', () => {
    it('given the telephony rejects a play, when the call starts, then the caller is continued in the fallback context and the call ends with fallback', async () => {
      telephony.fail('play', new TelephonyError('rejected', 'ARI POST /channels/ch-1/play → 422'));
      await enter('ch-1');
      expect(telephony.callsOf('continueInDialplan')).toEqual([['ch-1', FALLBACK]]);
      expect(journal('ch-1')).toEqual(expect.arrayContaining(['call.error', 'call.fallback']));
      // The dialplan takes the channel: Asterisk sends StasisEnd.
      await left('ch-1');
      expect(callOn('ch-1')).toMatchObject({ status: 'ended', endReason: 'fallback' });
    });

    it('given the fallback itself fails, when the call starts, then the channel is hung up with congestion', async () => {
      telephony.fail('play', new TelephonyError('rejected', 'no media'));
      telephony.fail('continueInDialplan', new TelephonyError('rejected', 'no such context'));
      await enter('ch-1');
      expect(telephony.callsOf('hangup')).toEqual([['ch-1', 'congestion']]);
    });

    it('given the channel is gone when answering, when the call starts, then nothing more is attempted and the leave ends it as caller_hangup', async () => {
      telephony.fail('answer', new TelephonyError('channel_gone', '404'));
      await enter('ch-1');
      expect(telephony.methods()).toEqual(['watch', 'answer']);
      await left('ch-1');
      expect(callOn('ch-1')).toMatchObject({ status: 'ended', endReason: 'caller_hangup', answeredAt: null, talkMs: 0 });
    });

    it('given the entry flow is not loaded, when a caller enters, then the call goes to the fallback with flow_not_found', async () => {
      flows.clear();
      await enter('ch-1');
      expect(telephony.methods()).toEqual(['watch', 'continueInDialplan']);
      const error = store.events(callOn('ch-1').id).find((e) => e.type === 'call.error');
      expect(error?.data).toMatchObject({ code: 'flow_not_found' });
      await left('ch-1');
      expect(callOn('ch-1')).toMatchObject({ flowId: null, endReason: 'fallback' });
    });
  });

  describe('reconcile after a restart', () => {
    /** A previous process took the call as far as the second prompt, then died. */
    async function callLeftMidFlowByAnOldProcess(channelId: string): Promise<string> {
      await enter(channelId);
      const id = callOn(channelId).id;
      await playbackFinished(channelId, `${id}-p1`);
      telephony = new FakeTelephony();
      runtime = newRuntime(telephony);
      return id;
    }

    it('given an active call whose channel Asterisk no longer lists, when reconciled, then it ends with lost', async () => {
      await callLeftMidFlowByAnOldProcess('ch-gone');
      telephony.live = [];
      clock.advance(60_000);
      expect(await runtime.reconcile()).toEqual({ adopted: 0, lost: 1, added: 0 });
      await runtime.idle();
      expect(callOn('ch-gone')).toMatchObject({ status: 'ended', endReason: 'lost' });
      expect(journal('ch-gone').slice(-2)).toEqual(['call.lost', 'call.ended']);
      expect(telephony.methods()).toEqual(['appChannels']);
      expect(runtime.activeCount()).toBe(0);
    });

    it('given an active call whose channel is still in the app, when reconciled, then it is re-adopted: old playback stopped, node played again', async () => {
      const id = await callLeftMidFlowByAnOldProcess('ch-1');
      const eventsBefore = store.events(id).length;
      telephony.live = [liveChannel('ch-1', { state: 'Up' })];
      expect(await runtime.reconcile()).toEqual({ adopted: 1, lost: 0, added: 0 });
      await runtime.idle();
      expect(telephony.calls).toEqual([
        { method: 'appChannels', args: [] },
        { method: 'stopPlayback', args: [`${id}-p2`] },
        { method: 'play', args: ['ch-1', `${id}-p${eventsBefore + 1}`, ['sound:auth-thankyou', 'sound:vm-goodbye']] },
      ]);
      const readopted = store.events(id).find((e) => e.type === 'call.readopted');
      expect(readopted?.data).toEqual({ nodeId: 'thanks', flowId: 'main' });
      expect(callOn('ch-1').status).toBe('active');
      expect(runtime.activeCount()).toBe(1);
    });

    it('given a re-adopted call, when its new playback finishes, then the flow carries on to the hangup', async () => {
      const id = await callLeftMidFlowByAnOldProcess('ch-1');
      telephony.live = [liveChannel('ch-1', { state: 'Up' })];
      await runtime.reconcile();
      await runtime.idle();
      const [, newPlaybackId] = telephony.callsOf('play').at(-1) as [string, string, string[]];
      await playbackFinished('ch-1', `${id}-p2`);
      expect(telephony.callsOf('hangup')).toEqual([]);
      await playbackFinished('ch-1', newPlaybackId);
      expect(telephony.callsOf('hangup')).toEqual([['ch-1', 'normal']]);
    });

    it('given a reconnect while a call waits on its first prompt (same process), when reconciled, then the prompt is restarted with a fresh id and the stale finish is ignored', async () => {
      await enter('ch-1');
      const id = callOn('ch-1').id;
      telephony.live = [liveChannel('ch-1', { state: 'Up' })];
      await runtime.reconcile();
      await runtime.idle();
      expect(telephony.callsOf('stopPlayback')).toEqual([[`${id}-p1`]]);
      const [, fresh] = telephony.callsOf('play').at(-1) as [string, string, string[]];
      expect(fresh).not.toBe(`${id}-p1`);
      // Stopping a playback makes Asterisk send its PlaybackFinished: it must not advance the flow.
      await playbackFinished('ch-1', `${id}-p1`);
      expect(telephony.callsOf('play')).toHaveLength(2);
      await playbackFinished('ch-1', fresh);
      expect(telephony.callsOf('play')).toHaveLength(3);
    });

    // The old process stored the call, then died before answering: the channel is still ringing.
    it('given an active call that was never answered and whose channel still rings, when re-adopted, then the channel is answered before anything plays', async () => {
      store.startCall({ id: 'call-r', channelId: 'ch-r', direction: 'inbound', callerNumber: '1001', callerName: '', dialed: '100', flowId: 'main', startedAt: clock.now() });
      telephony.live = [liveChannel('ch-r', { state: 'Ring' })];
      await runtime.reconcile();
      await runtime.idle();
      const methods = telephony.methods();
      expect(methods).toContain('play');
      expect(methods).toContain('answer');
      expect(methods.indexOf('answer')).toBeLessThan(methods.indexOf('play'));
      expect(store.get('call-r')?.answeredAt).not.toBeNull();
    });

    it('given a channel in the app that the store does not know, when reconciled, then a new call is started for it', async () => {
      telephony.live = [liveChannel('ch-new', { callerNumber: '0611223344', dialed: '200', state: 'Up' })];
      expect(await runtime.reconcile()).toEqual({ adopted: 0, lost: 0, added: 1 });
      await runtime.idle();
      expect(callOn('ch-new')).toMatchObject({ status: 'active', callerNumber: '0611223344', dialed: '200', direction: 'inbound', startedAt: clock.now() });
      expect(telephony.methods()).toEqual(['appChannels', 'watch', 'answer', 'play']);
    });

    it('given the telephony cannot list channels, when reconciled, then it rejects and nothing is ended', async () => {
      await callLeftMidFlowByAnOldProcess('ch-1');
      telephony.fail('appChannels', new TelephonyError('unavailable', 'ARI unreachable'));
      await expect(runtime.reconcile()).rejects.toThrow('ARI unreachable');
      await runtime.idle();
      expect(callOn('ch-1').status).toBe('active');
    });
  });
});
