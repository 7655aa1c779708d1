import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearAsterisk, waitFor } from './support/asterisk.js';
import { acdServer } from './support/acd-server.js';
import { sippCall } from './support/sipp.js';
import type { AgentOptions } from './support/sipp-agent.js';

// Call logs and queue statistics on real calls: a scripted set of six calls (answered fast,
// answered slow, abandoned short, abandoned long, a RONA then answered, a blind transfer) through
// the real stack, then every number the API gives is checked against what is computed here by
// hand from the raw journal with the definitions of docs/stats.md, and again after a kill -9.

const FLOWS = resolve(import.meta.dirname, 'flows-acd');
const T_SEC = 3;
const SHORT_SEC = 2;

interface JournalRow { seq: number; at: string; type: string; interactionId: string | null; agentId: string | null; queueId: string | null; callId: string | null; data: Record<string, unknown> }

describe('call logs and stats for a scripted set of real calls', () => {
  const acd = acdServer({ flowsDir: FLOWS, entryFlow: 'support' });
  const calls: Record<string, string> = {};
  let from = '';
  let to = '';
  const { post } = acd;
  const text = async (path: string) => (await fetch(acd.server.url + path, { headers: { authorization: `Bearer ${acd.key}` } })).text();
  const agent = (id: string, phone: AgentOptions, skills: Record<string, number>, login: boolean) => acd.agent(id, phone, skills, login);
  const activity = async (id: string) => (await acd.get(`/api/v1/agents/${id}`)).body.live?.activity;
  const waiting = async () => (await acd.get('/api/v1/queues/support/live')).body.waiting as number;
  const newestCall = async () => (await acd.get('/api/v1/calls?limit=1')).body.items[0].id as string;
  const ended = (id: string) => waitFor(async () => (await acd.get(`/api/v1/calls/${id}`)).body.call.status === 'ended', 10_000, `call ${id} to end`);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const caller = () => sippCall({ scenario: 'caller-until-bye', service: '401' });
  const quitter = (pauseMs: number) => sippCall({ scenario: 'caller-hangs-up', service: '401', pauseMs });
  const statsQuery = () => `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&interval=day&tz=UTC&slSec=${T_SEC}&shortAbandonSec=${SHORT_SEC}`;
  const queueStats = async (id: string) => {
    const res = await acd.get(`/api/v1/queues/${id}/stats?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&interval=day&tz=UTC&slSec=${T_SEC}&shortAbandonSec=${SHORT_SEC}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.summary;
  };
  const agentStats = async (id: string) => {
    const res = await acd.get(`/api/v1/agents/${id}/stats?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&interval=day&tz=UTC`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.summary;
  };
  const journal = async (): Promise<JournalRow[]> => ((await acd.get(`/api/v1/acd/journal?limit=1000`)).body as JournalRow[]).sort((a, b) => a.seq - b.seq);

  beforeAll(async () => {
    await clearAsterisk();
    await acd.fresh();
    await acd.skills('billing', 'support');
    const hold = { moh: 'default', announceEverySec: null, announcePosition: false, announceWait: false };
    for (const q of ['support', 'billing']) await acd.queue(q, { ringTimeoutSec: 5, hold });
    await agent('sam', { user: '1002', behaviour: 'answer', holdMs: 1_500 }, { support: 1 }, true);
    await agent('bill', { user: '1004', behaviour: 'answer', holdMs: 1_500 }, { billing: 1 }, true);
    await agent('nora', { user: '1003', behaviour: 'noanswer' }, { support: 1 }, false);
    await agent('ann', { user: '1001', behaviour: 'answer' }, { support: 1 }, false);
    from = new Date(Date.now() - 1_000).toISOString();

    // 1. Answered fast: sam is free.
    expect((await caller().done).code).toBe(0);
    calls.fast = await newestCall();

    // 2. Answered slow: sam on lunch; back after 4 s of the caller waiting.
    expect((await post('/api/v1/agents/sam/pause', { reason: 'lunch' })).status).toBe(200);
    const slow = caller();
    await waitFor(async () => (await waiting()) === 1, 10_000, 'the slow caller waiting');
    calls.slow = await newestCall();
    await sleep(4_000);
    expect((await post('/api/v1/agents/sam/unpause')).status).toBe(200);
    expect((await slow.done).code).toBe(0);
    await waitFor(async () => (await activity('sam')) === 'idle', 5_000, 'sam idle');

    // 3 and 4. Abandoned short (about 1 s) and long (about 5 s): nobody available.
    expect((await post('/api/v1/agents/sam/pause', { reason: 'lunch' })).status).toBe(200);
    expect((await quitter(1_000).done).code).toBe(0);
    calls.shortAbandon = await newestCall();
    await ended(calls.shortAbandon);
    expect((await quitter(5_000).done).code).toBe(0);
    calls.longAbandon = await newestCall();
    await ended(calls.longAbandon);

    // 5. RONA: nora is offered the call and does not answer; sam comes back and takes it.
    expect((await post('/api/v1/agents/nora/login')).status).toBe(200);
    const rona = caller();
    await waitFor(async () => (await journal()).some((r) => r.type === 'acd.offer.missed' && r.agentId === 'nora'), 15_000, 'nora to miss the offer');
    calls.rona = await newestCall();
    expect((await post('/api/v1/agents/sam/unpause')).status).toBe(200);
    expect((await rona.done).code).toBe(0);
    await waitFor(async () => (await activity('sam')) === 'idle', 5_000, 'sam idle');

    // 6. Blind transfer: ann answers in support and sends the caller to billing, where bill talks.
    expect((await post('/api/v1/agents/sam/pause', { reason: 'lunch' })).status).toBe(200);
    expect((await post('/api/v1/agents/ann/login')).status).toBe(200);
    const transferred = caller();
    await waitFor(async () => (await activity('ann')) === 'onCall', 10_000, 'ann on the call');
    calls.transfer = await newestCall();
    await sleep(1_000);
    const interactionId = (await acd.get('/api/v1/agents/ann')).body.live.interactions[0];
    expect((await post(`/api/v1/interactions/${interactionId}/transfer`, { queue: 'billing' })).status).toBe(202);
    expect((await transferred.done).code).toBe(0);
    await ended(calls.transfer);
    await waitFor(async () => (await activity('bill')) === 'idle', 5_000, 'bill idle');
    to = new Date(Date.now() + 1_000).toISOString();
    await sleep(1_100);
  }, 240_000);

  afterAll(() => acd.stop());

  /** The definitions of docs/stats.md, applied by hand to the raw journal. */
  async function byHand() {
    const rows = await journal();
    const at = (r: JournalRow) => Date.parse(r.at);
    const visits = rows.filter((r) => r.type === 'acd.enqueued' && r.queueId === 'support');
    const waitOf = (v: JournalRow, endType: string) => {
      const end = rows.find((r) => r.type === endType && r.interactionId === v.interactionId && r.seq > v.seq);
      return end ? (at(end) - at(v)) / 1000 : null;
    };
    const answeredWaits = visits.map((v) => waitOf(v, 'acd.offer.answered')).filter((w): w is number => w !== null);
    const abandonWaits = visits.map((v) => waitOf(v, 'acd.abandoned')).filter((w): w is number => w !== null);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    return { visits: visits.length, answeredWaits, abandonWaits, asa: mean(answeredWaits), avgAbandon: mean(abandonWaits), maxWait: Math.max(...answeredWaits, ...abandonWaits) };
  }

  it('given the six scripted calls, when the support queue stats are asked with T = 3 s and S = 2 s, then every count and time matches the hand computation', async () => {
    const hand = await byHand();
    expect(hand.visits).toBe(6);
    const [fast, slow, rona, transfer] = hand.answeredWaits;
    expect(fast).toBeLessThan(T_SEC);
    expect(slow).toBeGreaterThan(T_SEC);
    expect(rona).toBeGreaterThan(5);
    expect(transfer).toBeLessThan(T_SEC);
    const [short, long] = hand.abandonWaits;
    expect(short).toBeLessThan(SHORT_SEC);
    expect(long).toBeGreaterThan(SHORT_SEC);

    const s = await queueStats('support');
    expect(s).toMatchObject({
      offered: 6,
      waiting: 0,
      answered: 4,
      answeredInSl: 2,
      abandoned: 2,
      shortAbandons: 1,
      rona: 1,
      transfersOut: 1,
      transfersIn: 0,
      callbacksRequested: 0,
      serviceLevel: 0.5,
      handled: 4,
    });
    expect(s.abandonRate).toBeCloseTo(2 / 6, 4);
    expect(s.abandonRateExcludingShort).toBeCloseTo(1 / 5, 4);
    // Times are given to the millisecond: equal to the hand computation at that resolution.
    const toTheMs = (api: number, hand: number) => expect(Math.abs(api - hand)).toBeLessThanOrEqual(0.001 + 1e-9);
    toTheMs(s.asaSec, hand.asa);
    toTheMs(s.avgAbandonSec, hand.avgAbandon);
    toTheMs(s.maxWaitSec, hand.maxWait);

    // The other SL definitions on the same data, re-asked with parameters only.
    const variant = async (v: string) => (await acd.get(`/api/v1/queues/support/stats?${statsQuery()}&slVariant=${v}`)).body.summary.serviceLevel;
    expect(await variant('offered')).toBeCloseTo(2 / 6, 4);
    expect(await variant('abandonedAsGood')).toBeCloseTo((2 + 1) / (4 + 2), 4);
    expect(await variant('shortAbandonsExcluded')).toBeCloseTo(2 / (4 + 2 - 1), 4);

    const billing = await queueStats('billing');
    expect(billing).toMatchObject({ offered: 1, answered: 1, transfersIn: 1, abandoned: 0 });

    // The wallboard's "today" (the server's statsTimeZone is UTC), unless the script crossed midnight.
    if (from.slice(0, 10) === new Date().toISOString().slice(0, 10)) {
      const live = (await acd.get('/api/v1/queues/support/live')).body;
      expect(live.today).toMatchObject({ offered: 6, answered: 4, abandoned: 2, waiting: 0, slSec: 20 });
    }
  });

  it('given the same calls, when agent stats are asked, then talk goes to the agent who talked and the RONA to the agent who missed', async () => {
    expect(await agentStats('sam')).toMatchObject({ handled: 3, rona: 0 });
    expect(await agentStats('nora')).toMatchObject({ handled: 0, rona: 1 });
    expect(await agentStats('ann')).toMatchObject({ handled: 1, rona: 0 });
    expect(await agentStats('bill')).toMatchObject({ handled: 1, rona: 0 });
    const sam = await agentStats('sam');
    expect(sam.pauseByReasonSec.lunch).toBeGreaterThan(8);
    expect(sam.talkSec).toBeGreaterThan(3 * 1.2);
    expect((await agentStats('nora')).pauseByReasonSec['no-answer']).toBeGreaterThan(0);
    // ann talked about 1 s before the transfer, bill 1.5 s after it.
    const ann = await agentStats('ann');
    const bill = await agentStats('bill');
    expect(ann.talkSec).toBeGreaterThan(0.5);
    expect(ann.talkSec).toBeLessThan(3);
    expect(bill.talkSec).toBeGreaterThan(1);
    expect(bill.talkSec).toBeLessThan(3);

    // Their timelines: ann's one conversation ended in the transfer; nora missed the offer and was paused for it.
    const timeline = async (id: string) => (await acd.get(`/api/v1/agents/${id}/timeline?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`)).body.entries as { kind: string; callId?: string; transferredOut?: boolean; reason?: string }[];
    expect((await timeline('ann')).filter((e) => e.kind === 'conversation')).toEqual([expect.objectContaining({ callId: calls.transfer, transferredOut: true })]);
    const nora = await timeline('nora');
    expect(nora.map((e) => e.kind)).toEqual(expect.arrayContaining(['missed', 'status']));
    expect(nora.find((e) => e.kind === 'status' && e.reason === 'no-answer')).toBeTruthy();
    expect((await timeline('sam')).filter((e) => e.kind === 'conversation')).toHaveLength(3);
  });

  it('given the same calls, when the call log is filtered and exported, then each call has the right outcome, queue and agents', async () => {
    const total = async (query: string) => (await acd.get(`/api/v1/calls?${query}`)).body.total as number;
    expect(await total('queueId=support')).toBe(6);
    expect(await total('queueId=billing')).toBe(1);
    expect(await total('outcome=abandoned')).toBe(2);
    expect(await total('outcome=answered')).toBe(4);
    expect(await total('agentId=bill')).toBe(1);
    expect(await total('agentId=sam')).toBe(3);
    expect(await total('agentId=nora')).toBe(0);

    const csv = (await text('/api/v1/calls.csv?queueId=support')).trim().split(/\r\n/);
    expect(csv).toHaveLength(7);
    const timeline = (await acd.get(`/api/v1/calls/${calls.transfer}/timeline`)).body;
    expect(timeline.segments.map((s: { queueId: string; agentId: string | null }) => [s.queueId, s.agentId])).toEqual([
      ['support', 'ann'],
      ['billing', 'bill'],
    ]);

    const queueLog = (await text(`/api/v1/exports/queue_log?from=${encodeURIComponent(from)}`)).trim().split('\n');
    const count = (event: string) => queueLog.filter((l) => l.split('|')[4] === event).length;
    expect(count('ENTERQUEUE')).toBe(7);
    expect(count('CONNECT')).toBe(5);
    expect(count('ABANDON')).toBe(2);
    expect(count('RINGNOANSWER')).toBe(1);
    expect(count('BLINDTRANSFER')).toBe(1);
  });

  it('given the stats and the call log, when the server is killed and restarted, then no historical number changes', async () => {
    const before = {
      support: await queueStats('support'),
      billing: await queueStats('billing'),
      all: (await acd.get(`/api/v1/stats/queues?${statsQuery()}`)).body,
      agents: (await acd.get(`/api/v1/stats/agents?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&interval=day&tz=UTC`)).body,
      calls: (await acd.get('/api/v1/calls?limit=50')).body,
    };
    expect(before.all.queues).toHaveLength(2);
    expect(before.agents.agents).toHaveLength(4);
    await acd.server.kill('SIGKILL');
    await acd.start();
    const after = {
      support: await queueStats('support'),
      billing: await queueStats('billing'),
      all: (await acd.get(`/api/v1/stats/queues?${statsQuery()}`)).body,
      agents: (await acd.get(`/api/v1/stats/agents?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&interval=day&tz=UTC`)).body,
      calls: (await acd.get('/api/v1/calls?limit=50')).body,
    };
    expect(after).toEqual(before);
  });
});
