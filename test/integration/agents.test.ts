import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAriHttp, type AriRequest } from '../../src/adapters/ari/ari-http.js';
import { mapAriEvent } from '../../src/adapters/ari/ari-event-mapper.js';
import { startAriEventSocket } from '../../src/adapters/ari/ari-event-socket.js';
import { createAriSoftphones } from '../../src/adapters/ari/ari-softphones.js';
import { createAriTelephony } from '../../src/adapters/ari/ari-telephony.js';
import type { AriEvent } from '../../src/adapters/ari/ari-types.generated.js';
import type { Telephony, TelephonyEvent } from '../../src/ports/telephony.js';
import { ARI_URL, waitFor } from './support/asterisk.js';
import { channelIds as listChannelIds, errorCode, nextEvent } from './support/ari-events.js';
import { startAgent, type AgentOptions, type SippAgent } from './support/sipp-agent.js';

// Agent softphones (SIPp, registered to PJSIP endpoints 1001-1006 from 127.0.0.1) driven by the
// Telephony adapter directly, through the real event socket (which subscribes its companion app to
// endpoint state): registration events, legs to agents, MOH.
const APP = 'switchboard-agents-test';
const ARI_USER = process.env.SWITCHBOARD_ARI_USER ?? 'switchboard';
const ARI_PASSWORD = process.env.SWITCHBOARD_ARI_PASSWORD ?? 'switchboard-dev';
const ROOT = process.env.SWITCHBOARD_ASTERISK_ROOT ?? '/var/lib/switchboard/asterisk-root';
const RUN = `leg-ag${Date.now().toString(36)}`;

let sequence = 0;
const newLegId = () => `${RUN}-${++sequence}`;

/** Asterisk's messages.log (verbose 3): the only trace of MOH starting, ARI sends no event for it. */
function messagesLog(): { since(): string } {
  const path = process.env.SWITCHBOARD_ASTERISK_MODE === 'native' ? '/var/log/asterisk/messages.log' : `${ROOT}/var/log/asterisk/messages.log`;
  const start = statSync(path).size;
  return {
    since: () => {
      const length = statSync(path).size - start;
      if (length <= 0) return '';
      const buffer = Buffer.alloc(length);
      const fd = openSync(path, 'r');
      try {
        readSync(fd, buffer, 0, length, start);
      } finally {
        closeSync(fd);
      }
      return buffer.toString('utf8');
    },
  };
}

describe('agent softphones on the real Asterisk', () => {
  let request: AriRequest;
  let telephony: Telephony;
  let socket: { close(): Promise<void>; connected(): boolean };
  const raw: { at: number; event: AriEvent }[] = [];
  const mapped: TelephonyEvent[] = [];
  const agents: SippAgent[] = [];

  /** Starts an agent and waits until Asterisk reports its endpoint registered (qualify answered). */
  const agent = async (options: AgentOptions) => {
    const since = Date.now();
    const a = await startAgent(options);
    agents.push(a);
    await next('endpointState', (e) => e.endpoint === a.endpoint && e.registered && e.at >= since);
    return a;
  };
  const next = <T extends TelephonyEvent['type']>(type: T, match: (e: Extract<TelephonyEvent, { type: T }>) => boolean, timeoutMs?: number) => nextEvent(mapped, type, match, timeoutMs);
  // The hang-up request that precedes legEnded is checked by the ACD tests (talk time), not here.
  const legEvents = (legId: string) => mapped.filter((e) => 'legId' in e && e.legId === legId && e.type !== 'legHangupRequested').map((e) => e.type);
  const stateOf = async (endpoint: string) => (await telephony.endpointStates()).find((e) => e.endpoint === endpoint);
  const endpointEventsSince = (since: number, endpoint: string) =>
    raw.filter((r) => r.at >= since && (r.event as { endpoint?: { resource: string } }).endpoint?.resource === endpoint.split('/')[1]);
  const channelIds = () => listChannelIds(request);

  beforeAll(async () => {
    request = createAriHttp({ url: ARI_URL, user: ARI_USER, password: ARI_PASSWORD, timeoutMs: 5_000 });
    telephony = createAriTelephony(request, APP);
    let connected = false;
    socket = startAriEventSocket(
      { url: ARI_URL, user: ARI_USER, password: ARI_PASSWORD, app: APP, logger: pino({ level: 'silent' }) },
      {
        onEvent: (event) => {
          raw.push({ at: Date.now(), event });
          const ours = mapAriEvent(event, Date.now());
          if (ours) mapped.push(ours);
        },
        onConnected: () => (connected = true),
        onDisconnected: () => undefined,
      },
    );
    await waitFor(() => connected, 10_000, 'the event socket (and its endpoint subscription)');
    const companion = await request('applications.get', { applicationName: `${APP}-endpoints` });
    expect(companion.endpoint_ids).toEqual(['PJSIP']);
    expect(companion.events_allowed).toEqual([{ type: 'EndpointStateChange' }]);
  });

  afterEach(async () => {
    for (const id of await channelIds()) {
      if (id.startsWith(RUN)) await request('channels.hangup', { channelId: id }).catch(() => undefined);
    }
    await waitFor(async () => !(await channelIds()).some((id) => id.startsWith(RUN)), 10_000, 'our legs to be gone');
    for (const a of agents.splice(0)) await a.stop();
  });

  afterAll(async () => {
    await socket?.close();
  });

  it('given agent 1001 registers, then endpointState says registered once it answers the qualify, and endpointStates agrees', async () => {
    const since = Date.now();
    const a = await startAgent({ user: '1001', behaviour: 'answer' });
    agents.push(a);
    const registeredAt = Date.now();
    const event = await next('endpointState', (e) => e.endpoint === 'PJSIP/1001' && e.registered && e.at >= since);
    await expect(stateOf('PJSIP/1001')).resolves.toEqual({ endpoint: 'PJSIP/1001', registered: true });
    console.log(`register → endpointState(true) after ~${event.at - registeredAt} ms;`, endpointEventsSince(since, a.endpoint).map((r) => `${r.event.type}(${(r.event as { endpoint: { state: string } }).endpoint.state})`).join(' → '));
    // The companion's filter keeps ContactStatusChange and PeerStatusChange out.
    expect(raw.filter((r) => r.at >= since).map((r) => r.event.type)).not.toContain('ContactStatusChange');
    // The trunk has a static contact: Asterisk reports it online.
    await expect(stateOf('PJSIP/trunk')).resolves.toEqual({ endpoint: 'PJSIP/trunk', registered: true });
  });

  it('given a registered agent, when it unregisters, then endpointState says not registered and a dial to it is rejected', async () => {
    const a = await agent({ user: '1002', behaviour: 'answer' });
    const since = Date.now();
    await a.unregister();
    const event = await next('endpointState', (e) => e.endpoint === 'PJSIP/1002' && !e.registered && e.at >= since);
    console.log(`unregister → endpointState(false) after ${event.at - since} ms`);
    await expect(stateOf('PJSIP/1002')).resolves.toEqual({ endpoint: 'PJSIP/1002', registered: false });
    // No contact: chan_pjsip refuses the channel (HTTP 500 "Allocation failed"), nothing rings.
    const legId = newLegId();
    await expect(errorCode(telephony.dial(legId, { endpoint: 'PJSIP/1002', timeoutSec: 5 }))).resolves.toBe('rejected');
    expect(a.calls()).toEqual([]);
  });

  it('given an agent that answers, when a leg is dialled to it, then legRinging then legAnswered arrive, MOH starts and stops, and our hangup ends it with 16', async () => {
    const a = await agent({ user: '1003', behaviour: 'answer', answerAfterMs: 300 });
    const legId = newLegId();
    await telephony.dial(legId, { endpoint: a.endpoint, callerId: '"Switchboard" <+15550100>', timeoutSec: 10 });
    const ringing = await next('legRinging', (e) => e.legId === legId);
    const answered = await next('legAnswered', (e) => e.legId === legId);
    expect(answered.at - ringing.at).toBeGreaterThanOrEqual(250);
    const [call] = await a.waitForCalls(1);
    expect(call?.answeredAt).not.toBeNull();

    const log = messagesLog();
    await telephony.stopMoh(legId); // no music yet: Asterisk answers 204
    await telephony.startMoh(legId, 'default');
    await waitFor(() => /Started music on hold, class 'default', on channel 'PJSIP\/1003-/.test(log.since()), 3_000, 'MOH to start');
    await telephony.stopMoh(legId);
    await waitFor(() => /Stopped music on hold on PJSIP\/1003-/.test(log.since()), 3_000, 'MOH to stop');
    await telephony.stopMoh(legId); // again: still 204

    await telephony.hangup(legId, 'normal');
    const ended = await next('legEnded', (e) => e.legId === legId);
    expect(ended.cause).toBe(16);
    expect(legEvents(legId)).toEqual(['legRinging', 'legAnswered', 'legEnded']);
    await waitFor(() => a.calls()[0]?.end === 'asterisk', 3_000, 'the agent to get our BYE');
    await expect(errorCode(telephony.startMoh(legId, 'default'))).resolves.toBe('channel_gone');
    await expect(errorCode(telephony.stopMoh(legId))).resolves.toBe('channel_gone');
  });

  it('given an answered leg, when MOH is started with a class Asterisk does not have, then ARI answers 204 and Asterisk plays the default class', async () => {
    const a = await agent({ user: '1003', behaviour: 'answer' });
    const legId = newLegId();
    await telephony.dial(legId, { endpoint: a.endpoint, timeoutSec: 10 });
    await next('legAnswered', (e) => e.legId === legId);
    const log = messagesLog();
    await telephony.startMoh(legId, 'no-such-class');
    await waitFor(() => /Started music on hold, class 'default', on channel 'PJSIP\/1003-/.test(log.since()), 3_000, 'MOH to start');
    expect(log.since()).toMatch(/Music on Hold class 'no-such-class' not found/);
  });

  it('given an agent that rings and never answers, when dialled with timeoutSec 2, then legEnded says 19 at ~2 s and the agent saw a CANCEL', async () => {
    const a = await agent({ user: '1004', behaviour: 'noanswer' });
    const legId = newLegId();
    const started = Date.now();
    await telephony.dial(legId, { endpoint: a.endpoint, timeoutSec: 2 });
    await next('legRinging', (e) => e.legId === legId);
    const ended = await next('legEnded', (e) => e.legId === legId);
    const elapsed = Date.now() - started;
    expect(ended.cause).toBe(19);
    expect(elapsed).toBeGreaterThanOrEqual(1_900);
    expect(elapsed).toBeLessThan(4_000);
    expect(legEvents(legId)).toEqual(['legRinging', 'legEnded']);
    await waitFor(() => a.calls()[0]?.end === 'cancelled', 3_000, 'the agent to log the CANCEL');
  });

  it('given a busy agent, when dialled, then legEnded says 17 and the leg never rang', async () => {
    const a = await agent({ user: '1005', behaviour: 'busy' });
    const legId = newLegId();
    await telephony.dial(legId, { endpoint: a.endpoint, timeoutSec: 10 });
    const ended = await next('legEnded', (e) => e.legId === legId);
    expect(ended.cause).toBe(17);
    expect(legEvents(legId)).toEqual(['legEnded']);
    await waitFor(() => a.calls()[0]?.end === 'busy', 3_000, 'the agent to log its 486');
  });

  it('given an agent that hangs up after 1 s, when it answers, then legEnded follows legAnswered by ~1 s', async () => {
    const a = await agent({ user: '1006', behaviour: 'answer', holdMs: 1_000 });
    const legId = newLegId();
    await telephony.dial(legId, { endpoint: a.endpoint, timeoutSec: 10 });
    const answered = await next('legAnswered', (e) => e.legId === legId);
    const ended = await next('legEnded', (e) => e.legId === legId);
    expect(ended.at - answered.at).toBeGreaterThanOrEqual(900);
    expect([0, 16]).toContain(ended.cause); // far-end BYE on an originated leg: 0 on Asterisk 22 (docs/asterisk.md)
    expect(a.calls()[0]?.end).toBe('agent');
    console.log(`agent BYE: legEnded cause ${ended.cause}`);
  });

  it('given one answering agent, when three legs are dialled to it one after the other, then it takes every INVITE', async () => {
    const a = await agent({ user: '1001', behaviour: 'answer', answerAfterMs: 50 });
    for (let i = 0; i < 3; i++) {
      const legId = newLegId();
      await telephony.dial(legId, { endpoint: a.endpoint, timeoutSec: 10 });
      await next('legAnswered', (e) => e.legId === legId);
      await telephony.hangup(legId, 'normal');
      await next('legEnded', (e) => e.legId === legId);
    }
    const calls = await a.waitForCalls(3);
    expect(calls.map((c) => c.end)).toEqual(['asterisk', 'asterisk', 'asterisk']);
  });

  describe('softphones provisioned over ARI (sorcery memory wizard)', () => {
    const ID = '2001';
    const softphones = () => createAriSoftphones(request);
    // Inner afterEach hooks run first: the agent must unregister while its endpoint still exists.
    afterEach(async () => {
      for (const a of agents.splice(0)) await a.stop();
      await softphones().removeSoftphone(ID);
    });

    it('given a provisioned softphone, when an agent registers with its password and is dialled, then it rings, answers and ends like a static one', async () => {
      await softphones().provisionSoftphone({ id: ID, password: 'pw-2001', callerId: '"Agent 2001" <2001>' });
      await softphones().provisionSoftphone({ id: ID, password: 'pw-2001', callerId: '"Agent 2001" <2001>' }); // idempotent
      await expect(stateOf('PJSIP/2001')).resolves.toEqual({ endpoint: 'PJSIP/2001', registered: false });
      // The companion's endpoint:PJSIP subscription covers endpoints created after it.
      const a = await agent({ user: ID, password: 'pw-2001', behaviour: 'answer' });
      await expect(stateOf('PJSIP/2001')).resolves.toEqual({ endpoint: 'PJSIP/2001', registered: true });
      const legId = newLegId();
      await telephony.dial(legId, { endpoint: a.endpoint, timeoutSec: 10 });
      await next('legAnswered', (e) => e.legId === legId);
      await telephony.hangup(legId, 'normal');
      expect((await next('legEnded', (e) => e.legId === legId)).cause).toBe(16);
      expect(legEvents(legId)).toEqual(['legRinging', 'legAnswered', 'legEnded']);
      // Static endpoints are untouched by the memory wizard.
      await expect(stateOf('PJSIP/1001')).resolves.toMatchObject({ endpoint: 'PJSIP/1001' });
    });

    it('given a wrong password, when the agent registers, then Asterisk refuses it', async () => {
      await softphones().provisionSoftphone({ id: ID, password: 'pw-2001', callerId: '"Agent 2001" <2001>' });
      await expect(startAgent({ user: ID, password: 'wrong', behaviour: 'answer' })).rejects.toThrow(/REGISTER of 2001/);
    });

    it('given a removed softphone, then it is gone from the endpoints and cannot be dialled; removing again resolves', async () => {
      await softphones().provisionSoftphone({ id: ID, password: 'pw-2001', callerId: '"Agent 2001" <2001>' });
      await softphones().removeSoftphone(ID);
      await softphones().removeSoftphone(ID);
      await expect(stateOf('PJSIP/2001')).resolves.toBeUndefined();
      await expect(errorCode(telephony.dial(newLegId(), { endpoint: 'PJSIP/2001', timeoutSec: 2 }))).resolves.toBe('rejected');
    });

    it('given the id of a pjsip.conf endpoint, when provisioned, then it is rejected and the static one keeps working', async () => {
      await expect(errorCode(softphones().provisionSoftphone({ id: '1001', password: 'x', callerId: '<1001>' }))).resolves.toBe('rejected');
      await expect(errorCode(softphones().removeSoftphone('1001'))).resolves.toBe('rejected');
      await agent({ user: '1001', behaviour: 'answer' });
    });
  });
});
