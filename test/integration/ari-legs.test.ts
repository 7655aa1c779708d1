import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAriHttp, type AriRequest } from '../../src/adapters/ari/ari-http.js';
import { mapAriEvent } from '../../src/adapters/ari/ari-event-mapper.js';
import { createAriTelephony } from '../../src/adapters/ari/ari-telephony.js';
import type { AriEvent } from '../../src/adapters/ari/ari-types.generated.js';
import type { Telephony, TelephonyEvent } from '../../src/ports/telephony.js';
import { ARI_URL, waitFor } from './support/asterisk.js';
import { channelIds as listChannelIds, errorCode, nextEvent } from './support/ari-events.js';
import { startUas, udpPortInUse, UAS_HOST, UAS_PORT, type SippUas, type UasScenario } from './support/sipp-uas.js';

// The Telephony adapter's outbound legs, bridges, DTMF and recordings against the real Asterisk,
// without a Switchboard server: our own ARI app (a server may be running as 'switchboard') and a
// SIPp UAS on the trunk's contact address as the far end of every leg.
const APP = 'switchboard-legs-test';
const ARI_USER = process.env.SWITCHBOARD_ARI_USER ?? 'switchboard';
const ARI_PASSWORD = process.env.SWITCHBOARD_ARI_PASSWORD ?? 'switchboard-dev';
const TRUNK = 'PJSIP/5551234@trunk';
const RUN = `leg-it${Date.now().toString(36)}`;

let sequence = 0;
const newLegId = () => `${RUN}-${++sequence}`;

describe('ARI legs, bridges, DTMF and recordings on the real Asterisk', () => {
  let request: AriRequest;
  let telephony: Telephony;
  let socket: WebSocket;
  let uas: SippUas | null = null;
  const raw: AriEvent[] = [];
  const mapped: TelephonyEvent[] = [];
  const recordings: string[] = [];

  const far = async (scenario: UasScenario, pauseMs?: number) => {
    uas = await startUas(scenario, { pauseMs });
  };
  /** Raw events about one channel (its own events, Dial events naming it, its recordings). */
  const rawOf = (id: string) =>
    raw.filter((e) => {
      const x = e as { channel?: { id: string }; peer?: { id: string }; recording?: { target_uri: string } };
      return x.channel?.id === id || x.peer?.id === id || x.recording?.target_uri === `channel:${id}`;
    });
  const sequenceOf = (id: string) =>
    rawOf(id)
      .filter((e) => e.type !== 'ChannelVarset')
      .map((e) => {
        const x = e as { cause?: number; dialstatus?: string; channel?: { state: string } };
        return `${e.type}${x.dialstatus !== undefined ? `(${x.dialstatus || '-'})` : ''}${x.cause !== undefined ? `(cause ${x.cause})` : ''}`;
      });
  // Ringing (a 180) and the hang-up request before the end are the ACD's business; these tests
  // are about how legs end.
  const legEvents = (legId: string) => mapped.filter((e) => 'legId' in e && e.legId === legId && e.type !== 'legRinging' && e.type !== 'legHangupRequested');
  const next = <T extends TelephonyEvent['type']>(type: T, match: (e: Extract<TelephonyEvent, { type: T }>) => boolean, timeoutMs?: number) => nextEvent(mapped, type, match, timeoutMs);
  const answeredLeg = async () => {
    const legId = newLegId();
    await telephony.dial(legId, { endpoint: TRUNK, callerId: '"Switchboard" <+15550100>', timeoutSec: 10 });
    await next('legAnswered', (e) => e.legId === legId);
    return legId;
  };
  const channelIds = () => listChannelIds(request);

  beforeAll(async () => {
    request = createAriHttp({ url: ARI_URL, user: ARI_USER, password: ARI_PASSWORD, timeoutMs: 5_000 });
    telephony = createAriTelephony(request, APP);
    const url = new URL('/ari/events', ARI_URL.replace(/^http/, 'ws'));
    url.searchParams.set('app', APP);
    url.searchParams.set('subscribeAll', 'false');
    socket = new WebSocket(url, { headers: { authorization: 'Basic ' + Buffer.from(`${ARI_USER}:${ARI_PASSWORD}`).toString('base64') } });
    socket.on('message', (data) => {
      const event = JSON.parse(data.toString()) as AriEvent;
      raw.push(event);
      const ours = mapAriEvent(event, Date.now());
      if (ours) mapped.push(ours);
    });
    await new Promise<void>((res, rej) => {
      socket.once('open', () => res());
      socket.once('error', rej);
    });
    // The UAS must be the only thing on the trunk's address (SIPp callers bind 127.0.0.2:15060+).
    expect(udpPortInUse(UAS_HOST, UAS_PORT), `${UAS_HOST}:${UAS_PORT} must be free`).toBe(false);
  });

  afterEach(async () => {
    // Only this run's legs: other suites may have calls up on the same Asterisk.
    for (const id of await channelIds()) {
      if (id.startsWith(RUN)) await request('channels.hangup', { channelId: id }).catch(() => undefined);
    }
    await waitFor(async () => !(await channelIds()).some((id) => id.startsWith(RUN)), 10_000, 'our legs to be gone');
    await uas?.stop();
    uas = null;
  });

  afterAll(async () => {
    for (const name of recordings) await request('recordings.deleteStored', { recordingName: name }).catch(() => undefined);
    socket?.close();
  });

  it('given a far end that is busy (486), when a leg is dialled, then legEnded arrives with cause 17 and the leg never answers', async () => {
    await far('uas-busy');
    const legId = newLegId();
    await telephony.dial(legId, { endpoint: TRUNK, timeoutSec: 10 });
    const ended = await next('legEnded', (e) => e.legId === legId);
    expect(ended.cause).toBe(17);
    expect(legEvents(legId).map((e) => e.type)).toEqual(['legEnded']);
    console.log('busy:', sequenceOf(legId).join(' → '));
  });

  it('given a far end that rings and never answers, when dialled with timeoutSec 2, then legEnded arrives with cause 19 after about 2 s', async () => {
    await far('uas-noanswer');
    const legId = newLegId();
    const started = Date.now();
    await telephony.dial(legId, { endpoint: TRUNK, timeoutSec: 2 });
    const ended = await next('legEnded', (e) => e.legId === legId);
    const elapsed = Date.now() - started;
    expect(ended.cause).toBe(19);
    expect(elapsed).toBeGreaterThanOrEqual(1_900);
    expect(elapsed).toBeLessThan(4_000);
    expect(legEvents(legId).map((e) => e.type)).toEqual(['legEnded']);
    console.log(`no answer (${elapsed} ms):`, sequenceOf(legId).join(' → '));
  });

  it('given nothing listens on the trunk address, when dialled with timeoutSec 2, then legEnded also says 19 at the timeout', async () => {
    const legId = newLegId();
    const started = Date.now();
    await telephony.dial(legId, { endpoint: TRUNK, timeoutSec: 2 });
    const ended = await next('legEnded', (e) => e.legId === legId);
    expect(ended.cause).toBe(19);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
    console.log(`unreachable (${Date.now() - started} ms):`, sequenceOf(legId).join(' → '));
  });

  it('given an endpoint Asterisk does not know, when dialled, then dial fails as rejected and no leg event follows', async () => {
    const legId = newLegId();
    await expect(errorCode(telephony.dial(legId, { endpoint: 'PJSIP/no-such-endpoint', timeoutSec: 2 }))).resolves.toBe('rejected');
    await new Promise((r) => setTimeout(r, 300));
    expect(legEvents(legId)).toEqual([]);
  });

  it('given a far end that answers and hangs up after 1 s, when dialled, then legAnswered then legEnded arrive', async () => {
    await far('uas-answer-bye', 1_000);
    const legId = newLegId();
    await telephony.dial(legId, { endpoint: TRUNK, timeoutSec: 10 });
    const answered = await next('legAnswered', (e) => e.legId === legId);
    const ended = await next('legEnded', (e) => e.legId === legId);
    expect(ended.at - answered.at).toBeGreaterThanOrEqual(900);
    expect(legEvents(legId).map((e) => e.type)).toEqual(['legAnswered', 'legEnded']);
    // Asterisk 22 reports the far end's BYE on an originated leg as cause 0 (Unknown).
    expect([0, 16]).toContain(ended.cause);
    console.log(`far-end BYE (cause ${ended.cause}):`, sequenceOf(legId).join(' → '));
  });

  it('given an answered leg, when we hang it up, then legEnded arrives with cause 16', async () => {
    await far('uas-answer');
    const legId = await answeredLeg();
    await telephony.hangup(legId, 'normal');
    const ended = await next('legEnded', (e) => e.legId === legId);
    expect(ended.cause).toBe(16);
    expect(legEvents(legId).map((e) => e.type)).toEqual(['legAnswered', 'legEnded']);
    console.log('our hangup:', sequenceOf(legId).join(' → '));
  });

  it('given an answered leg, when DTMF is sent, then sendDtmf resolves once the digits are out, not when ARI accepts them', async () => {
    await far('uas-answer');
    const legId = await answeredLeg();
    const started = Date.now();
    await telephony.sendDtmf(legId, '1234', 100);
    const elapsed = Date.now() - started;
    // 100 ms lead + 4 × (100 ms digit + 100 ms gap) = 900 ms; the /dtmf request alone takes ~3 ms.
    expect(elapsed).toBeGreaterThanOrEqual(850);
    expect(elapsed).toBeLessThan(2_500);
    console.log(`sendDtmf '1234' between 100: ${elapsed} ms`);
    await telephony.hangup(legId, 'normal');
    await next('legEnded', (e) => e.legId === legId);
    await expect(errorCode(telephony.sendDtmf(legId, '1', 100))).resolves.toBe('channel_gone');
  });

  it('given two answered legs, when bridged and the bridge destroyed, then both join a DTMF-capable bridge and stay up after it', async () => {
    await far('uas-answer');
    const a = await answeredLeg();
    const b = await answeredLeg();
    const bridgeId = `${RUN}-bridge`;
    await telephony.bridge(bridgeId, [a, b]);
    await waitFor(() => raw.filter((e) => e.type === 'ChannelEnteredBridge' && e.bridge.id === bridgeId).length === 2, 5_000, 'both legs in the bridge');
    const bridge = await request('bridges.get', { bridgeId });
    expect(bridge.bridge_type).toBe('mixing');
    expect(bridge.technology).toBe('simple_bridge'); // not native_rtp: DTMF stays visible
    expect([...bridge.channels].sort()).toEqual([a, b].sort());

    // Bridging again (a replayed effect) leaves the members alone.
    await telephony.bridge(bridgeId, [a, b]);
    await new Promise((r) => setTimeout(r, 200));
    expect(raw.filter((e) => e.type === 'ChannelLeftBridge' && e.bridge.id === bridgeId)).toEqual([]);

    // DTMF to a bridged leg, and a recording of a bridged channel (refused by an event, not by HTTP).
    const started = Date.now();
    await telephony.sendDtmf(a, '12', 100);
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    const name = `${RUN}-in-bridge`;
    recordings.push(name);
    await telephony.record(a, { name, maxDurationSec: 5, maxSilenceSec: 0, beep: false, terminateOn: 'none' });
    const refused = await next('recordingFinished', (e) => e.name === name);
    expect(refused).toMatchObject({ channelId: a, failed: true });

    await telephony.destroyBridge(bridgeId);
    await waitFor(() => raw.filter((e) => e.type === 'ChannelLeftBridge' && e.bridge.id === bridgeId).length === 2, 5_000, 'both legs out of the bridge');
    await telephony.destroyBridge(bridgeId); // already gone: resolves
    const alive = await channelIds();
    expect(alive).toContain(a);
    expect(alive).toContain(b);
    expect(legEvents(a).map((e) => e.type)).toEqual(['legAnswered']);
    console.log('bridge, leg a:', sequenceOf(a).join(' → '));
  });

  it('given an answered leg that sends no audio, when recorded with maxSilenceSec 1, then recordingFinished arrives after ~4 s with duration 0', async () => {
    await far('uas-answer');
    const legId = await answeredLeg();
    const name = `${RUN}-silent`;
    recordings.push(name);
    const started = Date.now();
    await telephony.record(legId, { name, maxDurationSec: 10, maxSilenceSec: 1, beep: true, terminateOn: '#' });
    const finished = await next('recordingFinished', (e) => e.name === name, 15_000);
    const elapsed = Date.now() - started;
    // A hangup also ends a recording as `done`: make one from outside (another suite clearing
    // Asterisk) read as such rather than as a timing surprise.
    expect(legEvents(legId).map((e) => e.type), 'the leg was hung up during the recording').toEqual(['legAnswered']);
    expect(finished).toMatchObject({ channelId: legId, failed: false, durationSec: 0, talkingSec: 0 });
    console.log(`silent far end: recordingFinished after ${elapsed} ms`, JSON.stringify(rawOf(legId).find((e) => e.type === 'RecordingFinished')));
    expect(elapsed).toBeGreaterThanOrEqual(3_500); // not maxSilenceSec: no RTP means no frames to measure silence on

    await telephony.stopRecording(name); // finished already: 404, ignored
    await expect(errorCode(telephony.record(legId, { name, maxDurationSec: 10, maxSilenceSec: 1, beep: false, terminateOn: 'none' }))).resolves.toBe('rejected');

    const early = `${RUN}-stopped`;
    recordings.push(early);
    await telephony.record(legId, { name: early, maxDurationSec: 10, maxSilenceSec: 0, beep: false, terminateOn: 'none' });
    await new Promise((r) => setTimeout(r, 1_000));
    const stoppedAt = Date.now();
    await telephony.stopRecording(early);
    const stopped = await next('recordingFinished', (e) => e.name === early);
    expect(stopped).toMatchObject({ channelId: legId, failed: false, talkingSec: null });
    expect(Date.now() - stoppedAt).toBeLessThan(500);
    await expect(request('recordings.getStored', { recordingName: early })).resolves.toMatchObject({ name: early, format: 'wav' });
  });
});
