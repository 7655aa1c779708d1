import { describe, expect, it } from 'vitest';
import type { AcdEffect, AgentSavedState, EnqueueRequest } from '../../../../src/core/acd/acd-types.js';
import { Acd, agent, config, journalData, journals, offered, ofType, queue, request, T0 } from './acd-fixtures.js';

// After a restart the shell restores agents, then hands back every conversation the media server
// kept up (adoptConnected): connected since connectedAt, no offer made, and from then on exactly
// like a conversation this engine connected itself.

const CONNECTED_AT = T0 - 120_000;
const ARRIVED_AT = CONNECTED_AT - 30_000;

/** restoreAgent as the shell calls it on start, the wrap-up timer (if any) handed to the fake scheduler. */
function restore(d: Acd, saved: Partial<AgentSavedState> & { agentId: string }): AcdEffect[] {
  const out = d.engine.restoreAgent({ status: 'available', pauseReason: null, statusSince: T0 - 600_000, idleSince: T0 - 600_000, wrapUpUntil: null, handled: 0, talkMs: 0, ...saved }, d.now);
  for (const e of out) if (e.type === 'startTimer') d.timers.set(e.timerId, e.at);
  return out;
}

function adopt(d: Acd, id: string, queueId: string, agentId: string, over: Partial<EnqueueRequest> = {}, connectedAt = CONNECTED_AT): AcdEffect[] {
  return d.send({ type: 'adoptConnected', request: request(id, queueId, { enqueuedAt: ARRIVED_AT, ...over }), agentId, connectedAt });
}

/** configure, restoreAgent for each agent, then the adoption: the shell's order after a restart. */
function restarted(agentIds: string[], queueOver: Parameters<typeof queue>[1] = {}): Acd {
  const d = new Acd(config(agentIds.map((id) => agent(id)), [queue('q1', queueOver)]));
  for (const agentId of agentIds) restore(d, { agentId });
  return d;
}

describe('adoptConnected: the agent', () => {
  it('given a restored agent, when their surviving call is adopted, then they are onCall with it, journaled acd.adopted, with no offer, connect or timer', () => {
    const d = restarted(['a1']);
    const out = adopt(d, 'c1', 'q1', 'a1');
    expect(journals(out, 'acd.adopted')).toEqual([
      { type: 'journal', event: 'acd.adopted', at: T0, interactionId: 'c1', callId: 'call-c1', agentId: 'a1', queueId: 'q1', data: { agentId: 'a1', connectedAt: CONNECTED_AT } },
    ]);
    expect(out.filter((e) => e.type === 'offer' || e.type === 'connect' || e.type === 'startTimer' || e.type === 'result')).toEqual([]);
    expect(ofType(out, 'agentChanged')).toEqual([{ type: 'agentChanged', agentId: 'a1' }]);
    expect(ofType(out, 'queueChanged')).toEqual([{ type: 'queueChanged', queueId: 'q1' }]);
    expect(d.engine.agent('a1')).toMatchObject({ status: 'available', activity: 'onCall', activitySince: T0, interactions: ['c1'], wrapUpUntil: null });
  });

  it('given an adopted call on a1 and a2 free, when a new caller arrives, then it goes to a2 (a1 is busy)', () => {
    const d = restarted(['a1', 'a2']);
    adopt(d, 'c1', 'q1', 'a1');
    expect(offered(d.enqueue('c2', 'q1'))).toEqual(['c2->a2']);
  });

  it('given an adopted call on the only agent, when a new caller arrives, then it waits with the agent busy (onCall)', () => {
    const d = restarted(['a1']);
    adopt(d, 'c1', 'q1', 'a1');
    expect(offered(d.enqueue('c2', 'q1'))).toEqual([]);
    expect(d.engine.explain('c2', d.now)).toMatchObject({ candidates: [{ agentId: 'a1', eligible: false, reason: 'busy (onCall)' }], waitingBecause: 'no eligible agent is free: 1 busy' });
  });

  it('given a ring-all queue and an adopted call on a1, when a new caller arrives, then only the other free agents ring', () => {
    const d = restarted(['a1', 'a2', 'a3'], { strategy: 'ring-all' });
    adopt(d, 'c1', 'q1', 'a1');
    expect(offered(d.enqueue('c2', 'q1')).sort()).toEqual(['c2->a2', 'c2->a3']);
  });

  it('given a chat adopted (capacity 3, chat allowed while on chat), then two more chats may be offered but no voice call', () => {
    const d = restarted(['a1']);
    adopt(d, 'chat1', 'q1', 'a1', { channel: 'chat' });
    expect(offered(d.enqueue('v1', 'q1'))).toEqual([]);
    expect(d.connectNext('chat2', 'q1', { channel: 'chat' })).toBe('a1');
    expect(d.connectNext('chat3', 'q1', { channel: 'chat' })).toBe('a1');
    expect(offered(d.enqueue('chat4', 'q1', { channel: 'chat' }))).toEqual([]);
    expect(d.engine.agent('a1')?.interactions.sort()).toEqual(['chat1', 'chat2', 'chat3']);
  });

  it('given a restored paused agent, when their call is adopted and ends, then they stay paused throughout and are offered nothing', () => {
    const d = new Acd(config([agent('a1')], [queue('q1')]));
    restore(d, { agentId: 'a1', status: 'paused', pauseReason: 'lunch' });
    adopt(d, 'c1', 'q1', 'a1');
    expect(d.engine.agent('a1')).toMatchObject({ status: 'paused', pauseReason: 'lunch', statusSince: T0 - 600_000, activity: 'onCall' });
    d.enqueue('c2', 'q1');
    expect(offered(d.end('c1'))).toEqual([]);
    expect(d.engine.agent('a1')).toMatchObject({ status: 'paused', activity: 'idle', handled: 1 });
  });

  it('given a logged-out agent (never restored), when their surviving call is adopted, then they are onCall and still logged out', () => {
    const d = new Acd(config([agent('a1')], [queue('q1')]));
    adopt(d, 'c1', 'q1', 'a1');
    expect(d.engine.agent('a1')).toMatchObject({ status: 'loggedOut', activity: 'onCall', interactions: ['c1'] });
    expect(d.engine.snapshot('q1', d.now)?.agents.onCall).toBe(0);
  });
});

describe('adoptConnected: the end of the conversation', () => {
  it('given an adopted call, when it ends, then wrap-up starts with talk time from connectedAt, handled counted on top of the restored counters', () => {
    const d = new Acd(config([agent('a1')], [queue('q1', { wrapUpSec: 30 })]));
    restore(d, { agentId: 'a1', handled: 7, talkMs: 123_000 });
    adopt(d, 'c1', 'q1', 'a1');
    d.advance(60_000);
    const out = d.end('c1', 'agent');
    expect(journals(out, 'acd.ended')).toMatchObject([{ interactionId: 'c1', agentId: 'a1', queueId: 'q1', data: { by: 'agent', talkMs: 180_000 } }]);
    expect(journals(out, 'acd.wrapup.started')).toMatchObject([{ interactionId: 'c1', agentId: 'a1', data: { until: d.now + 30_000 } }]);
    expect(d.engine.agent('a1')).toMatchObject({ activity: 'wrapUp', handled: 8, talkMs: 303_000, interactions: ['c1'] });
    expect(d.engine.interaction('c1')).toBeUndefined();
    expect(journalData(d.advance(30_000), 'acd.wrapup.ended')).toEqual([{ early: false, handleMs: 210_000 }]);
    expect(d.engine.agent('a1')).toMatchObject({ activity: 'idle', interactions: [] });
  });

  it('given an adopted call and a caller waiting for its agent, when the call ends (no wrap-up), then the waiting caller is offered to that agent', () => {
    const d = restarted(['a1']);
    adopt(d, 'c1', 'q1', 'a1');
    d.enqueue('c2', 'q1');
    expect(offered(d.end('c1'))).toEqual(['c2->a1']);
  });

  it('given an adopted call, when a leave event names it, then it is ignored like for any connected call', () => {
    const d = restarted(['a1']);
    adopt(d, 'c1', 'q1', 'a1');
    expect(d.leave('c1')).toEqual([]);
    expect(d.engine.interaction('c1')?.phase).toBe('connected');
  });
});

describe('adoptConnected: a restored wrap-up', () => {
  it('given an agent restored in wrap-up, when their call is adopted, then the adoption wins: wrap-up timer cancelled, onCall', () => {
    const d = new Acd(config([agent('a1')], [queue('q1', { wrapUpSec: 30 })]));
    const timerId = ofType(restore(d, { agentId: 'a1', wrapUpUntil: T0 + 20_000 }), 'startTimer')[0]!.timerId;
    const out = adopt(d, 'c1', 'q1', 'a1');
    expect(ofType(out, 'cancelTimer')).toEqual([{ type: 'cancelTimer', timerId }]);
    expect(d.engine.agent('a1')).toMatchObject({ activity: 'onCall', wrapUpUntil: null });
    expect(d.advance(25_000)).toEqual([]);
    expect(d.engine.agent('a1')?.activity).toBe('onCall');
  });

  it('given the adoption before restoreAgent (out of order), then a saved wrap-up still does not come back', () => {
    const d = new Acd(config([agent('a1')], [queue('q1')]));
    adopt(d, 'c1', 'q1', 'a1');
    expect(ofType(restore(d, { agentId: 'a1', wrapUpUntil: T0 + 20_000, handled: 4 }), 'startTimer')).toEqual([]);
    expect(d.engine.agent('a1')).toMatchObject({ status: 'available', activity: 'onCall', wrapUpUntil: null, handled: 4 });
  });
});

describe('adoptConnected: views', () => {
  it('given an adopted call, then its view, the queue snapshot and the explanation show it connected to its agent', () => {
    const d = restarted(['a1', 'a2']);
    adopt(d, 'c1', 'q1', 'a1', { priority: 2 });
    const view = { id: 'c1', channel: 'voice', queueId: 'q1', callId: 'call-c1', phase: 'connected', enqueuedAt: ARRIVED_AT, priority: 2, position: null, step: -1, requirements: [], agentId: 'a1', ewtSec: null };
    expect(d.engine.interaction('c1')).toEqual(view);
    expect(d.engine.interactionsOf('q1')).toEqual([view]);
    expect(d.engine.snapshot('q1', d.now)).toEqual({
      queueId: 'q1',
      waiting: 0,
      longestWaitSec: 0,
      agents: { staffed: 2, available: 1, idle: 1, reserved: 0, ringing: 0, onCall: 1, wrapUp: 0, paused: {} },
      callers: [],
    });
    expect(d.engine.explain('c1', d.now)).toMatchObject({ interactionId: 'c1', phase: 'connected', queueId: 'q1', decision: null, candidates: [], waitingBecause: null });
  });

  it('given a request without the original arrival, then connectedAt stands for it', () => {
    const d = restarted(['a1']);
    d.send({ type: 'adoptConnected', request: request('c1', 'q1'), agentId: 'a1', connectedAt: CONNECTED_AT });
    expect(d.engine.interaction('c1')?.enqueuedAt).toBe(CONNECTED_AT);
  });
});

describe('adoptConnected: what cannot be adopted', () => {
  it('given an agent no longer configured, then nothing changes and an acd.adopt.failed row says why (the shell hangs up)', () => {
    const d = restarted(['a1']);
    const out = adopt(d, 'c1', 'q1', 'zz');
    expect(out).toEqual([
      { type: 'journal', event: 'acd.adopt.failed', at: T0, interactionId: 'c1', callId: 'call-c1', agentId: 'zz', queueId: 'q1', data: { agentId: 'zz', reason: 'unknown agent' } },
    ]);
    expect(d.engine.interaction('c1')).toBeUndefined();
    expect(d.engine.interactionsOf('q1')).toEqual([]);
    expect(d.end('c1')).toEqual([]);
  });

  it('given a queue no longer configured, then nothing changes and acd.adopt.failed says unknown queue', () => {
    const d = restarted(['a1']);
    expect(journalData(adopt(d, 'c1', 'gone', 'a1'), 'acd.adopt.failed')).toEqual([{ agentId: 'a1', reason: 'unknown queue' }]);
    expect(d.engine.agent('a1')).toMatchObject({ activity: 'idle', interactions: [] });
    expect(offered(d.enqueue('c2', 'q1'))).toEqual(['c2->a1']);
  });

  it('given the same adoption twice, then the second is a no-op; given the id of a waiting caller, then it fails', () => {
    const d = restarted(['a1']);
    adopt(d, 'c1', 'q1', 'a1');
    expect(adopt(d, 'c1', 'q1', 'a1')).toEqual([]);
    expect(journalData(adopt(d, 'c1', 'q1', 'a2'), 'acd.adopt.failed')).toEqual([{ agentId: 'a2', reason: 'interaction already connected' }]);
    d.enqueue('c2', 'q1');
    expect(journalData(adopt(d, 'c2', 'q1', 'a1'), 'acd.adopt.failed')).toEqual([{ agentId: 'a1', reason: 'interaction already waiting' }]);
    expect(d.engine.interaction('c2')?.phase).toBe('waiting');
    expect(d.engine.agent('a1')?.interactions).toEqual(['c1']);
  });
});

describe('adoptConnected: configuration and order', () => {
  it('given an adopted call, when the configuration is reloaded, then it stays connected and its agent is still not offered anything', () => {
    const cfg = config([agent('a1')], [queue('q1')]);
    const d = new Acd(cfg);
    restore(d, { agentId: 'a1' });
    adopt(d, 'c1', 'q1', 'a1');
    d.enqueue('c2', 'q1');
    expect(offered(d.configure(cfg))).toEqual([]);
    expect(d.engine.interaction('c1')).toMatchObject({ phase: 'connected', agentId: 'a1' });
  });

  it('given an adopted call whose queue is then removed, then the call goes on and ends normally', () => {
    const cfg = config([agent('a1')], [queue('q1', { wrapUpSec: 10 })]);
    const d = new Acd(cfg);
    adopt(d, 'c1', 'q1', 'a1');
    expect(ofType(d.configure({ ...cfg, queues: [] }), 'result')).toEqual([]);
    expect(journalData(d.end('c1'), 'acd.ended')).toEqual([{ by: 'caller', talkMs: 120_000 }]);
    expect(d.engine.agent('a1')?.activity).toBe('wrapUp');
  });

  it('given an offer ringing on the agent (events out of order), when their call is adopted, then the offer loses the race and the caller goes elsewhere', () => {
    const d = new Acd(config([agent('a1'), agent('a2')], [queue('q1')]));
    restore(d, { agentId: 'a1', idleSince: T0 - 900_000 });
    d.enqueue('c2', 'q1');
    restore(d, { agentId: 'a2' });
    const out = adopt(d, 'c1', 'q1', 'a1');
    expect(ofType(out, 'cancelOffer').map((c) => [c.interactionId, c.agentId, c.reason])).toEqual([['c2', 'a1', 'lostRace']]);
    expect(offered(out)).toEqual(['c2->a2']);
    expect(d.engine.agent('a1')).toMatchObject({ activity: 'onCall', consecutiveMisses: 0, interactions: ['c1'] });
  });
});
