import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clearAsterisk, waitFor } from './support/asterisk.js';
import { acdServer } from './support/acd-server.js';
import { sippCall } from './support/sipp.js';
import type { AgentOptions } from './support/sipp-agent.js';
import { startUas } from './support/sipp-uas.js';
import { resolve } from 'node:path';

// The ACD on the real stack: agents are SIPp softphones registered to Asterisk, callers are SIPp
// calls through the trunk into flows whose queue node hands them to the ACD. Everything is set up
// over the HTTP API, as an admin and a supervisor would.

const FLOWS = resolve(import.meta.dirname, 'flows-acd');
type Row = { type: string; at: string; data: Record<string, unknown> };

describe('skills-based ACD with SIPp agents and callers', () => {
  const acd = acdServer({ flowsDir: FLOWS, entryFlow: 'support' });

  beforeEach(async () => {
    await clearAsterisk();
    await acd.fresh();
    await acd.skills('billing', 'support');
  });
  afterEach(() => acd.stop());

  const { post } = acd;
  const agents = acd.agents;
  const queue = (id: string, over: Record<string, unknown> = {}) =>
    acd.queue(id, { hold: { moh: 'default', announceEverySec: null, announcePosition: true, announceWait: true }, ...over });
  const agent = (id: string, phone: AgentOptions, skills: Record<string, number>, login = true) => acd.agent(id, phone, skills, login);

  const callIds = async (): Promise<string[]> => (await acd.server.api('/api/v1/calls?limit=50')).body.items.map((c: { id: string }) => c.id).reverse();
  const timeline = async (callId: string): Promise<Row[]> => (await acd.server.api(`/api/v1/calls/${callId}`)).body.events;
  const offeredTo = async (callId: string) => (await timeline(callId)).filter((e) => e.type === 'acd.offered').map((e) => e.data.agentId);
  type JournalRow = Row & { seq: number; callId: string | null };
  const journal = async (query = ''): Promise<JournalRow[]> => ((await acd.server.api(`/api/v1/acd/journal?limit=1000${query}`)).body as JournalRow[]).sort((a, b) => a.seq - b.seq);

  it('given agents with different skills, when callers dial the billing and the support lines, then each call rings only the agent with that skill and the journal explains it', async () => {
    await queue('billing', { skills: [{ skill: 'billing', minProficiency: 2 }] });
    await queue('support');
    const billingAgent = await agent('ann', { user: '1001', behaviour: 'answer', holdMs: 1500 }, { billing: 3 });
    const supportAgent = await agent('sam', { user: '1002', behaviour: 'answer', holdMs: 1500 }, { support: 3 });

    const billingCall = await sippCall({ scenario: 'caller-until-bye', service: '402' }).done;
    expect(billingCall.code, billingCall.output).toBe(0);
    const supportCall = await sippCall({ scenario: 'caller-until-bye', service: '401' }).done;
    expect(supportCall.code, supportCall.output).toBe(0);

    expect(billingAgent.calls()).toHaveLength(1);
    expect(supportAgent.calls()).toHaveLength(1);
    const [billingId, supportId] = await callIds();
    expect(await offeredTo(billingId!)).toEqual(['ann']);
    expect(await offeredTo(supportId!)).toEqual(['sam']);
    const events = await timeline(billingId!);
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['queue.entered', 'acd.enqueued', 'acd.offered', 'acd.offer.answered', 'acd.ended']));
    expect(events.find((e) => e.type === 'acd.offered')?.data).toMatchObject({ strategy: 'longest-idle' });
    // The agent hung up and the flow went on to its goodbye: a complete call log.
    const call = (await acd.server.api(`/api/v1/calls/${billingId}`)).body.call;
    expect(call).toMatchObject({ status: 'ended', endReason: 'flow_hangup' });
  });

  it('given two agents, when calls come one after another, then the longest-idle agent gets each one', async () => {
    await queue('support');
    const first = await agent('sam', { user: '1002', behaviour: 'answer', holdMs: 1000 }, { support: 1 });
    await new Promise((r) => setTimeout(r, 1000));
    const second = await agent('ann', { user: '1001', behaviour: 'answer', holdMs: 1000 }, { support: 5 });

    for (let i = 0; i < 3; i++) {
      const result = await sippCall({ scenario: 'caller-until-bye', service: '401' }).done;
      expect(result.code, result.output).toBe(0);
    }
    const order = [];
    for (const id of await callIds()) order.push(...(await offeredTo(id)));
    expect(order).toEqual(['sam', 'ann', 'sam']);
    expect(first.calls()).toHaveLength(2);
    expect(second.calls()).toHaveLength(1);
  });

  it('given a queue with 4 s of wrap-up and one agent, when two callers wait, then the second is offered only after the wrap-up', async () => {
    await queue('support', { wrapUpSec: 4 });
    const only = await agent('sam', { user: '1002', behaviour: 'answer', holdMs: 1500 }, { support: 1 });
    const one = sippCall({ scenario: 'caller-until-bye', service: '401' });
    await new Promise((r) => setTimeout(r, 500));
    const two = sippCall({ scenario: 'caller-until-bye', service: '401' });
    for (const r of await Promise.all([one.done, two.done])) expect(r.code, r.output).toBe(0);

    const [c1, c2] = only.calls();
    expect(c1?.endedAt).not.toBeNull();
    expect(c2!.invitedAt - c1!.endedAt!).toBeGreaterThanOrEqual(3_800);
    const rows = await journal('&agentId=sam');
    expect(rows.map((r) => r.type)).toEqual(expect.arrayContaining(['acd.wrapup.started', 'acd.wrapup.ended']));
  });

  it('given an agent who does not answer, when the ring timeout passes, then the agent is auto-paused (no-answer) and the next agent takes the call', async () => {
    await queue('support', { ringTimeoutSec: 5 });
    const silent = await agent('nora', { user: '1001', behaviour: 'noanswer' }, { support: 1 });
    await new Promise((r) => setTimeout(r, 500));
    const answering = await agent('sam', { user: '1002', behaviour: 'answer', holdMs: 1000 }, { support: 1 });

    const result = await sippCall({ scenario: 'caller-until-bye', service: '401' }).done;
    expect(result.code, result.output).toBe(0);
    expect(silent.calls()).toHaveLength(1);
    expect(silent.calls()[0]?.end).toBe('cancelled');
    expect(answering.calls()).toHaveLength(1);
    const live = (await acd.server.api('/api/v1/agents/nora')).body.live;
    expect(live).toMatchObject({ status: 'paused', pauseReason: 'no-answer' });
    const [callId] = await callIds();
    const types = (await timeline(callId!)).map((e) => e.type);
    expect(types.indexOf('acd.offer.missed')).toBeLessThan(types.lastIndexOf('acd.offered'));
    expect(await offeredTo(callId!)).toEqual(['nora', 'sam']);
    const paused = (await journal('&agentId=nora&type=acd.agent.paused')).at(-1);
    expect(paused?.data).toMatchObject({ reason: 'no-answer', auto: true });
  });

  it('given only a paused agent, when a caller waits, then they hear position announcements, the routing explains why, and hanging up is an abandon', async () => {
    await queue('support', { hold: { moh: 'default', announceEverySec: 10, announcePosition: true, announceWait: true } });
    await agent('sam', { user: '1002', behaviour: 'answer' }, { support: 1 });
    expect((await post('/api/v1/agents/sam/pause', { reason: 'lunch' })).status).toBe(200);

    const caller = sippCall({ scenario: 'caller-hangs-up', service: '401', pauseMs: 13_000 });
    let callId = '';
    await waitFor(async () => Boolean((callId = (await callIds())[0] ?? '')), 10_000, 'the call');
    let requestId = '';
    await waitFor(async () => Boolean((requestId = ((await timeline(callId)).find((e) => e.type === 'queue.entered')?.data.requestId as string) ?? '')), 10_000, 'the caller in the queue');
    const routing = (await acd.server.api(`/api/v1/interactions/${requestId}/routing`)).body;
    expect(routing.phase).toBe('waiting');
    expect(routing.candidates).toEqual([expect.objectContaining({ agentId: 'sam', eligible: false, reason: expect.stringContaining('paused') })]);
    expect(routing.waitingBecause).toBeTruthy();
    const live = (await acd.server.api('/api/v1/queues/support/live')).body;
    expect(live.waiting).toBe(1);

    const result = await caller.done;
    expect(result.code, result.output).toBe(0);
    await waitFor(async () => (await acd.server.api(`/api/v1/calls/${callId}`)).body.call.status === 'ended', 5_000, 'the call to end');
    const events = await timeline(callId);
    const announcement = events.find((e) => e.type === 'playback.started' && (e.data.prompts as string[]).includes('queue.status'));
    expect(announcement?.data.media).toEqual(['sound:queue-youarenext']);
    expect(events.map((e) => e.type)).toContain('acd.abandoned');
    expect(agents[0]!.calls()).toHaveLength(0);
  });

  it('given a caller talking to a support agent, when the agent blind-transfers them to billing over the API, then the billing agent takes the call and the call log has both segments', async () => {
    await queue('support');
    await queue('billing');
    const ann = await agent('ann', { user: '1001', behaviour: 'answer' }, { support: 1 });
    const bill = await agent('bill', { user: '1002', behaviour: 'answer', holdMs: 1000 }, { billing: 1 });
    const caller = sippCall({ scenario: 'caller-until-bye', service: '401' });
    await ann.waitForCalls(1);
    let interactionId = '';
    await waitFor(async () => Boolean((interactionId = (await acd.server.api('/api/v1/agents/ann')).body.live?.interactions?.[0] ?? '') && (await acd.server.api('/api/v1/agents/ann')).body.live.activity === 'onCall'), 10_000, 'ann on the call');
    const res = await post(`/api/v1/interactions/${interactionId}/transfer`, { queue: 'billing' });
    expect(res.status, JSON.stringify(res.body)).toBe(202);

    const result = await caller.done;
    expect(result.code, result.output).toBe(0);
    expect(ann.calls()[0]?.end).toBe('asterisk');
    expect(bill.calls()).toHaveLength(1);
    const [callId] = await callIds();
    const events = await timeline(callId!);
    expect(await offeredTo(callId!)).toEqual(['ann', 'bill']);
    expect(events.find((e) => e.type === 'acd.transferred')?.data).toMatchObject({ mode: 'blind', fromAgent: 'ann', to: { queue: 'billing' } });
    expect(events.filter((e) => e.type === 'acd.ended').map((e) => e.data.agentId ?? e.data.by)).toHaveLength(2);
  });

  it('given a caller talking to an agent, when the agent presses transfer on the phone (REFER to billing), then the phone hears it worked and the billing agent takes the caller', async () => {
    await queue('support');
    await queue('billing');
    const ann = await agent('ann', { user: '1001', behaviour: 'refer', referTo: 'billing', referAfterMs: 1_500 }, { support: 1 });
    const bill = await agent('bill', { user: '1002', behaviour: 'answer', holdMs: 1_000 }, { billing: 1 });
    const result = await sippCall({ scenario: 'caller-until-bye', service: '401' }).done;
    expect(result.code, result.output).toBe(0);
    expect(ann.calls()[0]).toMatchObject({ referResponse: 202 });
    expect(bill.calls()).toHaveLength(1);
    const [callId] = await callIds();
    expect(await offeredTo(callId!)).toEqual(['ann', 'bill']);
    expect((await timeline(callId!)).find((e) => e.type === 'acd.transferred')?.data).toMatchObject({ fromAgent: 'ann', to: { queue: 'billing' }, by: 'phone of ann' });
  });

  it('given two callers waiting, when the server is killed and restarted, then both are back in line in their order and the first one is served first', async () => {
    await queue('support');
    const sam = await agent('sam', { user: '1002', behaviour: 'answer', holdMs: 1000 }, { support: 1 }, false);
    const one = sippCall({ scenario: 'caller-until-bye', service: '401' });
    await waitFor(async () => (await acd.server.api('/api/v1/queues/support/live')).body.waiting === 1, 10_000, 'the first caller to wait');
    const two = sippCall({ scenario: 'caller-until-bye', service: '401' });
    await waitFor(async () => (await acd.server.api('/api/v1/queues/support/live')).body.waiting === 2, 10_000, 'the second caller to wait');
    const [firstCall, secondCall] = await callIds();

    await acd.server.kill('SIGKILL');
    await acd.start();
    await waitFor(async () => (await acd.server.api('/api/v1/queues/support/live')).body.waiting === 2, 10_000, 'both callers back in line');
    const waiting = (await acd.server.api('/api/v1/queues/support/live')).body.callers;
    expect(waiting.map((c: { callId: string }) => c.callId)).toEqual([firstCall, secondCall]);

    expect((await post('/api/v1/agents/sam/login')).status).toBe(200);
    for (const r of await Promise.all([one.done, two.done])) expect(r.code, r.output).toBe(0);
    expect(sam.calls()).toHaveLength(2);
    const offers = await journal('&type=acd.offered');
    expect(offers.map((o) => o.callId)).toEqual([firstCall, secondCall]);
  });

  it('given a caller talking to an agent, when the server is killed and restarted, then the conversation is re-adopted (no music, no new offer) and ends normally when the agent hangs up', async () => {
    await queue('support', { wrapUpSec: 3 });
    const sam = await agent('sam', { user: '1002', behaviour: 'answer', holdMs: 9_000 }, { support: 1 });
    const caller = sippCall({ scenario: 'caller-until-bye', service: '401' });
    await waitFor(async () => (await acd.server.api('/api/v1/agents/sam')).body.live?.activity === 'onCall', 10_000, 'sam on the call');
    await new Promise((r) => setTimeout(r, 500));
    await acd.server.kill('SIGKILL');
    await acd.start();
    await waitFor(async () => (await acd.server.api('/api/v1/agents/sam')).body.live?.activity === 'onCall', 10_000, 'sam on the call again after the restart');

    const result = await caller.done;
    expect(result.code, result.output).toBe(0);
    expect(sam.calls()).toHaveLength(1);
    expect(sam.calls()[0]?.end).toBe('agent');
    await waitFor(async () => (await acd.server.api('/api/v1/agents/sam')).body.live?.activity === 'wrapUp', 5_000, 'sam in wrap-up');
    const [callId] = await callIds();
    const types = (await timeline(callId!)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['call.readopted', 'acd.adopted', 'acd.ended']));
    expect(types.filter((t) => t === 'acd.offered')).toHaveLength(1);
    expect((await acd.server.api(`/api/v1/calls/${callId}`)).body.call).toMatchObject({ status: 'ended', endReason: 'flow_hangup' });
  });

  it('given a waiting caller, when they press 2 for a callback and hang up, then their place is kept and the free agent is connected to them through the trunk', async () => {
    await queue('support');
    const sam = await agent('sam', { user: '1002', behaviour: 'answer' }, { support: 1 });
    expect((await post('/api/v1/agents/sam/pause', { reason: 'lunch' })).status).toBe(200);
    const caller = await sippCall({ scenario: 'caller-dtmf', service: '401', dtmf: [{ afterMs: 2_500, digits: '2' }] }).done;
    expect(caller.code, caller.output).toBe(0);
    const [callId] = await callIds();
    await waitFor(async () => (await acd.server.api('/api/v1/queues/support/live')).body.waiting === 1, 5_000, 'the callback to wait in line');

    // The trunk's far end (the customer's phone) answers the callback and hangs up after 2 s.
    const customer = await startUas('uas-answer-bye', { pauseMs: 2_000 });
    try {
      expect((await post('/api/v1/agents/sam/unpause')).status).toBe(200);
      await waitFor(async () => (await timeline(callId!)).some((e) => e.type === 'acd.ended'), 20_000, 'the callback conversation to end');
    } finally {
      await customer.stop();
    }
    const types = (await timeline(callId!)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['queue.callback', 'acd.callback.requested', 'acd.offered', 'acd.callback.dialing', 'acd.callback.connected', 'acd.ended']));
    expect(sam.calls()).toHaveLength(1);
    expect(sam.calls()[0]?.end).toBe('asterisk');
  });
});
