import { describe, expect, it } from 'vitest';
import { Acd, agent, config, journalData, journals, offered, ofType, queue } from './acd-fixtures.js';

// After a conversation the agent is in wrap-up for the queue's wrapUpSec: one wrap-up per agent,
// which keeps them out of every queue, can end early or be extended, and feeds handle times.

function wrapping(wrapUpSec = 30): Acd {
  const d = new Acd(config([agent('a1')], [queue('q1', { wrapUpSec }), queue('q2', { wrapUpSec: 5 })]));
  d.login('a1');
  d.connectNext('c1', 'q1');
  d.advance(60_000);
  return d;
}

describe('wrap-up', () => {
  it('given wrapUpSec 30, when the call ends, then the agent is in wrap-up until then, with counters and journal rows', () => {
    const d = wrapping();
    const out = d.end('c1', 'agent');
    expect(journalData(out, 'acd.ended')).toEqual([{ by: 'agent', talkMs: 60_000 }]);
    expect(journals(out, 'acd.wrapup.started')).toMatchObject([{ interactionId: 'c1', callId: 'call-c1', agentId: 'a1', queueId: 'q1', data: { until: d.now + 30_000 } }]);
    expect(ofType(out, 'startTimer').map((t) => t.at)).toEqual([d.now + 30_000]);
    expect(d.engine.agent('a1')).toMatchObject({ activity: 'wrapUp', wrapUpUntil: d.now + 30_000, handled: 1, talkMs: 60_000, interactions: ['c1'] });
    expect(d.engine.interaction('c1')).toBeUndefined();
  });

  it('given an agent in wrap-up from q1, when a call arrives in another queue, then it waits for the wrap-up to end', () => {
    const d = wrapping();
    d.end('c1');
    d.advance(10_000);
    expect(offered(d.enqueue('c2', 'q2'))).toEqual([]);
    expect(d.engine.explain('c2', d.now)?.candidates[0]?.reason).toBe('wrap-up');
    const out = d.advance(20_000);
    expect(journals(out, 'acd.wrapup.ended')).toMatchObject([{ interactionId: 'c1', agentId: 'a1', queueId: 'q1', data: { early: false, handleMs: 90_000 } }]);
    expect(offered(out)).toEqual(['c2->a1']);
    expect(d.engine.agent('a1')?.idleSince).toBe(d.now);
  });

  it('given wrap-up, when the agent ends it early, then the timer is cancelled and a waiting call is offered at once', () => {
    const d = wrapping();
    d.end('c1');
    d.enqueue('c2', 'q1');
    d.advance(5000);
    const out = d.send({ type: 'wrapUpEnd', agentId: 'a1' });
    expect(journalData(out, 'acd.wrapup.ended')).toEqual([{ early: true, handleMs: 65_000 }]);
    expect(ofType(out, 'cancelTimer')).toHaveLength(1);
    expect(offered(out)).toEqual(['c2->a1']);
    expect(d.send({ type: 'wrapUpEnd', agentId: 'a1' })).toEqual([]);
  });

  it('given wrap-up, when the agent extends it by 15 s, then it ends 15 s later', () => {
    const d = wrapping();
    d.end('c1');
    const until = d.now + 30_000;
    const out = d.send({ type: 'wrapUpExtend', agentId: 'a1', seconds: 15 });
    expect(journalData(out, 'acd.wrapup.extended')).toEqual([{ seconds: 15, until: until + 15_000 }]);
    expect(ofType(out, 'startTimer').map((t) => t.at)).toEqual([until + 15_000]);
    d.advance(30_000);
    expect(d.engine.agent('a1')?.activity).toBe('wrapUp');
    d.advance(15_000);
    expect(d.engine.agent('a1')?.activity).toBe('idle');
  });

  it('given no wrap-up, when an extension arrives, then it is ignored', () => {
    const d = wrapping(0);
    d.end('c1');
    expect(d.send({ type: 'wrapUpExtend', agentId: 'a1', seconds: 15 })).toEqual([]);
  });

  it('given wrapUpSec 0, when the call ends, then the agent is idle at once and takes the next waiting call', () => {
    const d = wrapping(0);
    d.enqueue('c2', 'q2');
    const out = d.end('c1');
    expect(journalData(out, 'acd.wrapup.started')).toEqual([]);
    // Still journaled: the handle time is where a restart gets the queue's AHT back from.
    expect(journalData(out, 'acd.wrapup.ended')).toEqual([{ early: false, handleMs: 60_000 }]);
    expect(offered(out)).toEqual(['c2->a1']);
  });

  it('given talk 60 s and wrap-up 30 s, when wrap-up ends, then the queue average handle time is 90 s (EWT uses it)', () => {
    const d = wrapping();
    d.end('c1');
    d.advance(30_000);
    d.logout('a1');
    d.login('a1');
    d.connectNext('busy', 'q2');
    d.enqueue('c2', 'q1');
    expect(d.engine.interaction('c2')?.ewtSec).toBe(90);
  });

  it('given a chat agent ending one of two chats, then wrap-up blocks new offers but the other chat goes on', () => {
    const d = new Acd(config([agent('a1')], [queue('q1', { wrapUpSec: 10 })]));
    d.login('a1');
    d.connectNext('chat1', 'q1', { channel: 'chat' });
    d.connectNext('chat2', 'q1', { channel: 'chat' });
    d.end('chat1');
    expect(d.engine.agent('a1')).toMatchObject({ activity: 'onCall', wrapUpUntil: d.now + 10_000 });
    expect(offered(d.enqueue('chat3', 'q1', { channel: 'chat' }))).toEqual([]);
    expect(offered(d.advance(10_000))).toEqual(['chat3->a1']);
  });
});
