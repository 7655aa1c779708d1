import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAriHttp, type AriRequest } from '../../src/adapters/ari/ari-http.js';
import { mapAriEvent } from '../../src/adapters/ari/ari-event-mapper.js';
import { startAriEventSocket } from '../../src/adapters/ari/ari-event-socket.js';
import { createAriTelephony } from '../../src/adapters/ari/ari-telephony.js';
import type { AriEvent, BridgeBlindTransfer, ChannelTransfer } from '../../src/adapters/ari/ari-types.generated.js';
import type { Telephony, TelephonyEvent } from '../../src/ports/telephony.js';
import { ARI_URL, waitFor } from './support/asterisk.js';
import { channelIds as listChannelIds, errorCode, nextEvent } from './support/ari-events.js';
import { startAgent, type AgentCall, type AgentOptions, type SippAgent } from './support/sipp-agent.js';

// SIP REFER from agents' softphones (the transfer key), on legs dialled with ariTransfers: the
// phone is a SIPp agent (agent-refer.xml) registered as 1006 that answers and then sends a blind
// REFER in the dialog; 1005 answers and plays the caller bridged with it. Driven through the
// Telephony adapter and the real event socket, like agents.test.ts.
const APP = 'switchboard-transfer-test';
const ARI_USER = process.env.SWITCHBOARD_ARI_USER ?? 'switchboard';
const ARI_PASSWORD = process.env.SWITCHBOARD_ARI_PASSWORD ?? 'switchboard-dev';
const RUN = `leg-tr${Date.now().toString(36)}`;
const TRANSFERRING = '1006';
const CALLER = '1005';

let sequence = 0;
const newLegId = () => `${RUN}-${++sequence}`;

describe('SIP REFER from an agent on the real Asterisk', () => {
  let request: AriRequest;
  let telephony: Telephony;
  let socket: { close(): Promise<void>; connected(): boolean };
  const raw: { at: number; event: AriEvent }[] = [];
  const mapped: TelephonyEvent[] = [];
  const agents: SippAgent[] = [];
  const bridges: string[] = [];

  const agent = async (options: AgentOptions) => {
    const since = Date.now();
    const a = await startAgent(options);
    agents.push(a);
    await next('endpointState', (e) => e.endpoint === a.endpoint && e.registered && e.at >= since);
    return a;
  };
  const next = <T extends TelephonyEvent['type']>(type: T, match: (e: Extract<TelephonyEvent, { type: T }>) => boolean, timeoutMs?: number) => nextEvent(mapped, type, match, timeoutMs);
  const eventsOf = (channelId: string) => mapped.filter((e) => ('legId' in e && e.legId === channelId) || ('channelId' in e && e.channelId === channelId));
  /** The raw ARI events about a channel, as 'Type' or 'Type(state)', for the docs and failure messages. */
  const rawSequence = (channelId: string) =>
    raw
      .filter(({ event }) => JSON.stringify(event).includes(`"${channelId}"`))
      .filter(({ event }) => !['ChannelVarset', 'Dial', 'ChannelConnectedLine', 'EndpointStateChange'].includes(event.type))
      .map(({ event }) => {
        if (event.type === 'ChannelTransfer') return `ChannelTransfer(${event.state ?? 'request'})`;
        if (event.type === 'BridgeBlindTransfer') return `BridgeBlindTransfer(${event.result})`;
        if (event.type === 'ChannelStateChange') return `ChannelStateChange(${event.channel.state})`;
        if ('cause' in event && event.cause !== undefined) return `${event.type}(${event.cause})`;
        return event.type;
      });
  const channelIds = () => listChannelIds(request);
  const callOf = async (a: SippAgent, until: (call: AgentCall) => boolean, what: string) => {
    let call: AgentCall | undefined;
    await waitFor(
      () => {
        call = a.calls().at(-1);
        return call !== undefined && until(call);
      },
      5_000,
      `${what}\n${a.output()}`,
    );
    return call!;
  };
  const notifies = (call: AgentCall) => call.notifies.map((n) => `${n.code} ${n.state}`);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  /** Dials the transferring agent (1006) and waits for its REFER's event; returns the leg. */
  const answeredLegThatRefers = async (a: SippAgent, ariTransfers: boolean) => {
    const legId = newLegId();
    await telephony.dial(legId, { endpoint: a.endpoint, callerId: '"Caller" <+15550100>', timeoutSec: 10, ariTransfers });
    await next('legAnswered', (e) => e.legId === legId);
    return legId;
  };

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
  });

  afterEach(async () => {
    for (const id of bridges.splice(0)) await telephony.destroyBridge(id).catch(() => undefined);
    for (const id of await channelIds()) {
      if (id.startsWith(RUN)) await request('channels.hangup', { channelId: id }).catch(() => undefined);
    }
    await waitFor(async () => !(await channelIds()).some((id) => id.startsWith(RUN)), 10_000, 'our legs to be gone');
    for (const a of agents.splice(0)) await a.stop();
  });

  afterAll(async () => {
    await socket?.close();
  });

  it('given a leg dialled with ariTransfers, when the agent sends a blind REFER to 2001, then transferRequested arrives, Asterisk waits for us, and transferProgress drives the NOTIFYs', async () => {
    const a = await agent({ user: TRANSFERRING, behaviour: 'refer', referTo: '2001', referAfterMs: 300 });
    const legId = await answeredLegThatRefers(a, true);
    const requested = await next('transferRequested', (e) => e.channelId === legId);
    expect(requested).toMatchObject({ type: 'transferRequested', channelId: legId, legId, kind: 'blind', destination: '2001', replacesChannelId: null });

    // The REFER got its 202 at once; Asterisk sends no NOTIFY (not even 100 Trying) until we report.
    const accepted = await callOf(a, (c) => c.referResponse !== null, 'the 202');
    expect(accepted.referResponse).toBe(202);
    expect(requested.at - accepted.referredAt!).toBeLessThan(500);
    await sleep(300);
    expect(notifies(a.calls().at(-1)!)).toEqual([]);

    await telephony.transferProgress(legId, 'progress');
    await callOf(a, (c) => c.notifies.length >= 1, 'the first NOTIFY');
    expect(notifies(a.calls().at(-1)!)).toEqual(['100 active']);
    await telephony.transferProgress(legId, 'answered');
    const done = await callOf(a, (c) => c.notifies.some((n) => n.state === 'terminated'), 'the final NOTIFY');
    expect(notifies(done)).toEqual(['100 active', '200 terminated']);

    // Asterisk echoes each report as a ChannelTransfer with its state: not a new request.
    await waitFor(() => raw.some(({ event }) => event.type === 'ChannelTransfer' && event.state === 'channel_answered'), 3_000, 'the echo');
    expect(eventsOf(legId).filter((e) => e.type === 'transferRequested')).toHaveLength(1);
    // After the final report the subscription is gone: another report is accepted and ignored.
    await telephony.transferProgress(legId, 'answered');
    await sleep(300);
    expect(notifies(a.calls().at(-1)!)).toEqual(['100 active', '200 terminated']);

    // The leg is still up (REFER ends nothing); we hang it up.
    expect(eventsOf(legId).map((e) => e.type)).toEqual(['legRinging', 'legAnswered', 'transferRequested']);
    await telephony.hangup(legId, 'normal');
    expect((await next('legEnded', (e) => e.legId === legId)).cause).toBe(16);
    await callOf(a, (c) => c.end === 'asterisk', 'our BYE at the agent');
    await expect(errorCode(telephony.transferProgress(legId, 'answered'))).resolves.toBe('channel_gone');
    console.log(`blind REFER, ariTransfers: ${rawSequence(legId).join(' → ')}; agent: REFER → ${accepted.referResponse}, NOTIFY ${notifies(done).join(', ')}`);
  });

  it('given the agent is bridged with a caller, when it sends REFER, then the event names the caller and the bridge, nobody moves, and declined ends the REFER with 603', async () => {
    const caller = await agent({ user: CALLER, behaviour: 'answer', answerAfterMs: 50 });
    const callerLeg = newLegId();
    await telephony.dial(callerLeg, { endpoint: caller.endpoint, timeoutSec: 10 });
    await next('legAnswered', (e) => e.legId === callerLeg);
    const a = await agent({ user: TRANSFERRING, behaviour: 'refer', referTo: '2001', referAfterMs: 500 });
    const legId = await answeredLegThatRefers(a, true);
    const bridgeId = `${RUN}-b${sequence}`;
    bridges.push(bridgeId);
    await telephony.bridge(bridgeId, [callerLeg, legId]);

    await next('transferRequested', (e) => e.channelId === legId);
    const transfer = raw.map((r) => r.event).find((e): e is ChannelTransfer => e.type === 'ChannelTransfer' && e.referred_by.source_channel.id === legId)!;
    expect(transfer.referred_by.connected_channel?.id).toBe(callerLeg);
    expect(transfer.referred_by.bridge?.id).toBe(bridgeId);
    // Asterisk transferred nothing by itself: both legs are still in our bridge.
    expect((await request('bridges.get', { bridgeId })).channels.sort()).toEqual([callerLeg, legId].sort());
    expect(raw.some(({ event }) => event.type === 'BridgeBlindTransfer' && event.channel?.id === legId)).toBe(false);

    await telephony.transferProgress(legId, 'declined');
    const done = await callOf(a, (c) => c.notifies.some((n) => n.state === 'terminated'), 'the final NOTIFY');
    expect(notifies(done)).toEqual(['100 active', '603 terminated']);
    expect((await request('bridges.get', { bridgeId })).channels.sort()).toEqual([callerLeg, legId].sort());
    await telephony.hangup(legId, 'normal');
    await next('legEnded', (e) => e.legId === legId);
    expect(eventsOf(callerLeg).map((e) => e.type)).toEqual(['legRinging', 'legAnswered']);
  });

  // Asterisk 22.10 echoes channel_unavailable as state channel_declined: logged, not asserted.
  it('given a REFER, when the transfer is reported unavailable, then the phone gets 100 then 503', async () => {
    const a = await agent({ user: TRANSFERRING, behaviour: 'refer', referTo: '2001', referAfterMs: 300 });
    const legId = await answeredLegThatRefers(a, true);
    await next('transferRequested', (e) => e.channelId === legId);
    await telephony.transferProgress(legId, 'unavailable');
    const done = await callOf(a, (c) => c.notifies.some((n) => n.state === 'terminated'), 'the final NOTIFY');
    expect(notifies(done)).toEqual(['100 active', '503 terminated']);
    await waitFor(() => raw.some(({ event }) => event.type === 'ChannelTransfer' && event.state !== undefined && event.referred_by.source_channel.id === legId), 3_000, 'the echo');
    const echo = raw.map((r) => r.event).find((e): e is ChannelTransfer => e.type === 'ChannelTransfer' && e.state !== undefined && e.referred_by.source_channel.id === legId);
    console.log(`transfer_progress channel_unavailable: NOTIFY ${notifies(done).join(', ')}; ChannelTransfer echo state '${echo?.state}'`);
  });

  it('given a phone that hangs up once its transfer is reported done, when answered is reported, then its BYE ends the leg', async () => {
    const a = await agent({ user: TRANSFERRING, behaviour: 'refer', referTo: '2001', referAfterMs: 300, holdMs: 200 });
    const legId = await answeredLegThatRefers(a, true);
    await next('transferRequested', (e) => e.channelId === legId);
    await telephony.transferProgress(legId, 'answered');
    const ended = await next('legEnded', (e) => e.legId === legId);
    expect([0, 16]).toContain(ended.cause); // far-end BYE on an originated leg (docs/asterisk.md)
    const call = await callOf(a, (c) => c.end !== null, 'the agent BYE');
    expect(call.end).toBe('agent');
    expect(notifies(call)).toEqual(['100 active', '200 terminated']);
    expect(call.endedAt! - call.notifies[1]!.at).toBeGreaterThanOrEqual(150);
  });

  it('given an attended REFER (Replaces) for a call Asterisk does not know, then transferRequested is attended without a channel to replace', async () => {
    const replaces = 'a84b4c76e66710%40pc33.example.com%3Bto-tag%3D1234%3Bfrom-tag%3D5678';
    const a = await agent({ user: TRANSFERRING, behaviour: 'refer', referTo: `sip:2001@127.0.0.1:5060?Replaces=${replaces}`, referAfterMs: 300 });
    const legId = await answeredLegThatRefers(a, true);
    const requested = await next('transferRequested', (e) => e.channelId === legId);
    expect(requested).toMatchObject({ kind: 'attended', legId, destination: null, replacesChannelId: null });
    const transfer = raw.map((r) => r.event).find((e): e is ChannelTransfer => e.type === 'ChannelTransfer' && e.referred_by.source_channel.id === legId)!;
    expect(transfer.refer_to.requested_destination).toMatchObject({ protocol_id: 'a84b4c76e66710@pc33.example.com', destination: '2001' });
    await telephony.transferProgress(legId, 'declined');
    const done = await callOf(a, (c) => c.notifies.some((n) => n.state === 'terminated'), 'the final NOTIFY');
    expect(notifies(done)).toEqual(['100 active', '603 terminated']);
  });

  it('given a leg dialled without ariTransfers, when the agent sends REFER, then Asterisk handles it itself: no transferRequested, and a leg in no bridge cannot be transferred (NOTIFY 400)', async () => {
    const a = await agent({ user: TRANSFERRING, behaviour: 'refer', referTo: '2001', referAfterMs: 300 });
    const legId = await answeredLegThatRefers(a, false);
    const done = await callOf(a, (c) => c.notifies.some((n) => n.state === 'terminated'), 'the final NOTIFY');
    expect(done.referResponse).toBe(202);
    expect(notifies(done)).toEqual(['100 active', '400 terminated']);
    await waitFor(() => raw.some(({ event }) => event.type === 'BridgeBlindTransfer' && event.channel.id === legId), 3_000, 'BridgeBlindTransfer');
    const blind = raw.map((r) => r.event).find((e): e is BridgeBlindTransfer => e.type === 'BridgeBlindTransfer' && e.channel.id === legId)!;
    expect(blind).toMatchObject({ result: 'Invalid', exten: '2001', context: 'from-agents', is_external: true });
    expect(eventsOf(legId).map((e) => e.type)).toEqual(['legRinging', 'legAnswered']);
    // A report on a channel that handles its own transfers is accepted and does nothing.
    await telephony.transferProgress(legId, 'answered');
    await sleep(300);
    expect(notifies(a.calls().at(-1)!)).toEqual(['100 active', '400 terminated']);
    console.log(`blind REFER, core handling, leg in no bridge: ${rawSequence(legId).join(' → ')}; agent NOTIFY ${notifies(done).join(', ')}`);
  });
});
