import { describe, expect, it } from 'vitest';
import { NO_ANSWER_REASON } from '../../../../src/core/acd/acd-types.js';
import { Acd, agent, config, journalData, offered, ofType, queue, T0 } from './acd-fixtures.js';

// An offer from ring to answer or miss: ring timeout, RONA auto-pause, the retry delay, and
// offers withdrawn because the caller left or the agent logged out.

function pair(q = queue('q1'), settings = {}): Acd {
  const d = new Acd(config([agent('a1', { endpoints: ['PJSIP/1001'] }), agent('a2', { endpoints: ['PJSIP/1002'] })], [q], settings));
  d.register('PJSIP/1001');
  d.register('PJSIP/1002');
  d.login('a1');
  d.advance(1000);
  d.login('a2');
  return d;
}

describe('offer and answer', () => {
  it('given a free agent, when a call arrives, then the offer carries endpoints, timeout and caller id, and a ring timer starts', () => {
    const d = pair();
    const out = d.enqueue('c1', 'q1', { callerNumber: '+33123', callerName: 'Ann' });
    expect(ofType(out, 'offer')).toEqual([
      { type: 'offer', offerId: 'o-1', interactionId: 'c1', agentId: 'a1', endpoints: ['PJSIP/1001'], channel: 'voice', queueId: 'q1', timeoutSec: 20, callerNumber: '+33123', callerName: 'Ann' },
    ]);
    expect(ofType(out, 'startTimer').at(-1)?.at).toBe(d.now + 20_000);
    expect(d.engine.agent('a1')?.activity).toBe('reserved');
    expect(d.engine.interaction('c1')).toMatchObject({ phase: 'offering', agentId: 'a1', position: null, ewtSec: null });
  });

  it('given an offer, when it rings then is answered, then the agent goes reserved → ringing → onCall and the wait is journaled', () => {
    const d = pair();
    d.enqueue('c1', 'q1');
    d.advance(2000);
    expect(journalData(d.ringing('o-1'), 'acd.offer.ringing')).toEqual([{ offerId: 'o-1' }]);
    expect(d.engine.agent('a1')?.activity).toBe('ringing');
    d.advance(3000);
    const out = d.answer('o-1');
    expect(ofType(out, 'connect')).toEqual([{ type: 'connect', offerId: 'o-1', interactionId: 'c1', agentId: 'a1' }]);
    expect(journalData(out, 'acd.offer.answered')).toEqual([{ offerId: 'o-1', waitMs: 5000 }]);
    expect(ofType(out, 'cancelTimer')).toHaveLength(1);
    expect(d.engine.agent('a1')).toMatchObject({ activity: 'onCall', activitySince: d.now, interactions: ['c1'] });
    expect(d.engine.interaction('c1')).toMatchObject({ phase: 'connected', agentId: 'a1' });
  });

  it('given no answer within ringTimeoutSec, then the offer is cancelled (timeout), counted as a noAnswer miss, and the call goes to the next agent', () => {
    const d = pair();
    d.enqueue('c1', 'q1');
    const out = d.advance(20_000);
    expect(ofType(out, 'cancelOffer')).toEqual([{ type: 'cancelOffer', offerId: 'o-1', interactionId: 'c1', agentId: 'a1', reason: 'timeout' }]);
    expect(journalData(out, 'acd.offer.missed')).toEqual([{ offerId: 'o-1', reason: 'noAnswer', misses: 1 }]);
    expect(offered(out)).toEqual(['c1->a2']);
    expect(d.engine.agent('a1')).toMatchObject({ consecutiveMisses: 1, status: 'available', activity: 'idle' });
  });
});

describe('RONA (auto-pause after missed offers)', () => {
  it('given ronaMaxMisses 1, when an agent misses once, then they are paused with reason no-answer (auto) and the call moves on', () => {
    const d = pair(queue('q1', { ronaMaxMisses: 1 }));
    d.enqueue('c1', 'q1');
    const out = d.fail('o-1', 'noAnswer');
    expect(journalData(out, 'acd.agent.paused')).toEqual([{ reason: NO_ANSWER_REASON, productive: false, auto: true }]);
    expect(d.engine.agent('a1')).toMatchObject({ status: 'paused', pauseReason: 'no-answer', consecutiveMisses: 1 });
    expect(offered(out)).toEqual(['c1->a2']);
  });

  it('given ronaMaxMisses 2, when an agent misses once, then they stay available; a second miss in a row pauses them', () => {
    const d = pair(queue('q1', { ronaMaxMisses: 2 }), { retryAfterSec: 0 });
    d.logout('a2');
    d.enqueue('c1', 'q1');
    const first = d.fail('o-1', 'busy');
    expect(d.engine.agent('a1')?.status).toBe('available');
    expect(offered(first)).toEqual(['c1->a1']);
    d.fail('o-2', 'unavailable');
    expect(d.engine.agent('a1')).toMatchObject({ status: 'paused', pauseReason: 'no-answer' });
  });

  it('given one miss, when the agent then answers, then the count of consecutive misses starts again', () => {
    const d = pair(queue('q1', { ronaMaxMisses: 2 }), { retryAfterSec: 0 });
    d.logout('a2');
    d.enqueue('c1', 'q1');
    d.fail('o-1', 'busy');
    d.answer('o-2');
    expect(d.engine.agent('a1')?.consecutiveMisses).toBe(0);
    d.end('c1');
    d.enqueue('c2', 'q1');
    d.fail('o-3', 'busy');
    expect(d.engine.agent('a1')?.status).toBe('available');
  });

  it('given an auto-paused agent, when they unpause, then misses are forgotten and they take the waiting call', () => {
    const d = pair(queue('q1', { ronaMaxMisses: 1 }), { retryAfterSec: 0 });
    d.logout('a2');
    d.enqueue('c1', 'q1');
    d.fail('o-1', 'busy');
    d.advance(60_000);
    const out = d.unpause('a1');
    expect(journalData(out, 'acd.agent.unpaused')).toEqual([{ reason: 'no-answer', pausedMs: 60_000 }]);
    expect(offered(out)).toEqual(['c1->a1']);
    expect(d.engine.agent('a1')?.consecutiveMisses).toBe(0);
  });

  it('given ronaMaxMisses 0, when an agent misses many times, then they are never paused', () => {
    const d = pair(queue('q1', { ronaMaxMisses: 0 }), { retryAfterSec: 0 });
    d.logout('a2');
    d.enqueue('c1', 'q1');
    for (let k = 1; k <= 5; k++) d.fail(`o-${k}`, 'noAnswer');
    expect(d.engine.agent('a1')).toMatchObject({ status: 'available', consecutiveMisses: 5 });
  });
});

describe('retry delay', () => {
  it('given retryAfterSec 5, when the only agent misses, then the call is not offered to them again before 5 s', () => {
    const d = pair(queue('q1', { ronaMaxMisses: 3 }), { retryAfterSec: 5 });
    d.logout('a2');
    d.enqueue('c1', 'q1');
    expect(offered(d.fail('o-1', 'busy'))).toEqual([]);
    expect(d.engine.explain('c1', d.now)?.candidates.find((c) => c.agentId === 'a1')?.reason).toBe('missed this offer recently');
    expect(offered(d.advance(4999))).toEqual([]);
    expect(offered(d.advance(1))).toEqual(['c1->a1']);
  });

  it('given retryAfterSec 5, when the agent who missed is free, then they may still take another caller at once', () => {
    const d = pair(queue('q1', { ronaMaxMisses: 3 }), { retryAfterSec: 5 });
    d.logout('a2');
    d.enqueue('c1', 'q1');
    d.advance(1000);
    d.enqueue('c2', 'q1');
    expect(offered(d.fail('o-1', 'busy'))).toEqual(['c2->a1']);
  });

  it('given a missed call, when it waits again, then it keeps its place ahead of later callers', () => {
    const d = pair(queue('q1', { ronaMaxMisses: 1 }), { retryAfterSec: 5 });
    d.connectNext('busy', 'q1');
    d.enqueue('c1', 'q1');
    d.advance(1000);
    d.enqueue('c2', 'q1');
    d.fail(d.offerTo('a2').offerId, 'busy');
    expect(d.engine.interactionsOf('q1').filter((i) => i.phase === 'waiting').map((i) => [i.id, i.position])).toEqual([
      ['c1', 1],
      ['c2', 2],
    ]);
    expect(offered(d.end('busy'))).toEqual(['c1->a1']);
  });
});

describe('offers withdrawn', () => {
  it('given an offer ringing, when the agent logs out, then it is cancelled (agentLoggedOut) and the call goes to another agent', () => {
    const d = pair();
    d.enqueue('c1', 'q1');
    const out = d.logout('a1');
    expect(ofType(out, 'cancelOffer').map((c) => c.reason)).toEqual(['agentLoggedOut']);
    expect(journalData(out, 'acd.offer.cancelled')).toEqual([{ offerId: 'o-1', reason: 'agentLoggedOut' }]);
    expect(offered(out)).toEqual(['c1->a2']);
    expect(d.engine.agent('a1')).toMatchObject({ status: 'loggedOut', activity: 'idle', interactions: [] });
  });

  it('given an agent on a call, when they log out, then the call goes on, no new offer comes, and the end still counts', () => {
    const d = pair();
    d.logout('a2');
    d.connectNext('c1', 'q1');
    d.logout('a1');
    expect(d.engine.agent('a1')).toMatchObject({ status: 'loggedOut', activity: 'onCall' });
    expect(offered(d.enqueue('c2', 'q1'))).toEqual([]);
    d.advance(10_000);
    expect(offered(d.end('c1'))).toEqual([]);
    expect(d.engine.agent('a1')).toMatchObject({ activity: 'idle', handled: 1, talkMs: 10_000 });
  });

  it('given an offer ringing, when the caller hangs up, then the offer is cancelled (callerLeft), acd.abandoned has the wait, and the agent takes the next caller', () => {
    const d = pair();
    d.logout('a2');
    d.enqueue('c1', 'q1');
    d.advance(1000);
    d.enqueue('c2', 'q1');
    d.advance(4000);
    const out = d.leave('c1');
    expect(ofType(out, 'cancelOffer').map((c) => [c.offerId, c.reason])).toEqual([['o-1', 'callerLeft']]);
    expect(journalData(out, 'acd.abandoned')).toEqual([{ waitMs: 5000 }]);
    expect(offered(out)).toEqual(['c2->a1']);
    expect(d.engine.interaction('c1')).toBeUndefined();
    expect(d.engine.explain('c1', d.now)?.phase).toBe('gone');
  });

  it('given a waiting caller, when they press an option to leave, then acd.left has the reason and no result is sent', () => {
    const d = pair();
    d.logout('a1');
    d.logout('a2');
    d.enqueue('c1', 'q1');
    d.advance(7000);
    const out = d.leave('c1', 'option');
    expect(journalData(out, 'acd.left')).toEqual([{ reason: 'option', waitMs: 7000 }]);
    expect(ofType(out, 'result')).toEqual([]);
    expect(ofType(out, 'queueChanged')).toEqual([{ type: 'queueChanged', queueId: 'q1' }]);
  });

  it('given a connected call, when a late leave arrives, then it is ignored', () => {
    const d = pair();
    d.connectNext('c1', 'q1');
    expect(d.leave('c1')).toEqual([]);
    expect(d.engine.interaction('c1')?.phase).toBe('connected');
  });

  it('given a ringing offer, when the agent pauses, then it keeps ringing and can still be answered', () => {
    const d = pair();
    d.enqueue('c1', 'q1');
    d.pause('a1');
    expect(ofType(d.answer('o-1'), 'connect')).toHaveLength(1);
    expect(d.engine.agent('a1')).toMatchObject({ status: 'paused', activity: 'onCall' });
  });

  it('given a timed-out offer, when the answer arrives late, then the leg is hung up again (lostRace) and nothing connects', () => {
    const d = pair();
    d.logout('a2');
    d.enqueue('c1', 'q1');
    d.advance(20_000);
    expect(ofType(d.answer('o-1'), 'cancelOffer')).toEqual([{ type: 'cancelOffer', offerId: 'o-1', interactionId: 'c1', agentId: 'a1', reason: 'lostRace' }]);
    expect(ofType(d.all, 'connect')).toEqual([]);
    expect(T0).toBeLessThan(d.now);
  });
});
