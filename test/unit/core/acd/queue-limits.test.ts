import { describe, expect, it } from 'vitest';
import { Acd, agent, config, journalData, offered, ofType, queue, T0 } from './acd-fixtures.js';

// Leaving the queue unanswered: max wait (overflow first, then timeout), a full queue, and no
// staffed agent (joinWhenEmpty / leaveWhenEmpty).

const results = (effects: Parameters<typeof ofType>[0]) => ofType(effects, 'result').map((r) => [r.interactionId, r.outcome]);

describe('max wait', () => {
  it('given queue maxWaitSec 60 and no overflow, when nobody answers for 60 s, then the caller gets timeout', () => {
    const d = new Acd(config([], [queue('q1', { maxWaitSec: 60 })]));
    d.enqueue('c1', 'q1');
    expect(results(d.advance(59_999))).toEqual([]);
    const out = d.advance(1);
    expect(results(out)).toEqual([['c1', 'timeout']]);
    expect(journalData(out, 'acd.timeout')).toEqual([{ waitMs: 60_000 }]);
    expect(d.engine.interaction('c1')).toBeUndefined();
    expect(d.engine.snapshot('q1', d.now)?.waiting).toBe(0);
  });

  it('given the flow maxWaitSec 30 is shorter than the queue 60, then the flow limit applies', () => {
    const d = new Acd(config([], [queue('q1', { maxWaitSec: 60 })]));
    d.enqueue('c1', 'q1', { maxWaitSec: 30 });
    expect(results(d.advance(30_000))).toEqual([['c1', 'timeout']]);
  });

  it('given no limit anywhere, then the caller waits indefinitely (no timer)', () => {
    const d = new Acd(config([], [queue('q1')]));
    d.enqueue('c1', 'q1');
    expect(d.timers.size).toBe(0);
  });

  it('given maxWait with overflowQueue q2, when it passes, then the caller moves to q2 keeping its arrival, and times out there if q2 overflows back', () => {
    const d = new Acd(config([agent('a1')], [queue('q1', { maxWaitSec: 60, overflowQueue: 'q2' }), queue('q2', { maxWaitSec: 30, overflowQueue: 'q1' })]));
    d.enqueue('c1', 'q1');
    const moved = d.advance(60_000);
    expect(journalData(moved, 'acd.overflow')).toEqual([{ from: 'q1', to: 'q2', reason: 'maxWait' }]);
    expect(d.engine.interaction('c1')).toMatchObject({ queueId: 'q2', enqueuedAt: T0, phase: 'waiting' });
    expect(ofType(moved, 'queueChanged').map((q) => q.queueId).sort()).toEqual(['q1', 'q2']);
    const out = d.advance(30_000);
    expect(results(out)).toEqual([['c1', 'timeout']]);
    expect(journalData(out, 'acd.timeout')).toEqual([{ waitMs: 90_000 }]);
  });

  it('given an overflow to q2 where an agent is free, when max wait passes, then the caller is offered there', () => {
    const d = new Acd(config([agent('a1', { skills: { x: 1 } })], [queue('q1', { maxWaitSec: 60, overflowQueue: 'q2', skills: [{ skill: 'y', minProficiency: 1 }] }), queue('q2')]));
    d.login('a1');
    d.enqueue('c1', 'q1');
    expect(offered(d.advance(60_000))).toEqual(['c1->a1']);
  });

  it('given an offer ringing when max wait passes, then the offer finishes first; if it is missed, then the caller times out', () => {
    const d = new Acd(config([agent('a1')], [queue('q1', { maxWaitSec: 10, ringTimeoutSec: 20 })]));
    d.login('a1');
    d.enqueue('c1', 'q1');
    expect(results(d.advance(10_000))).toEqual([]);
    const out = d.advance(10_000);
    expect(ofType(out, 'cancelOffer').map((c) => c.reason)).toEqual(['timeout']);
    expect(results(out)).toEqual([['c1', 'timeout']]);
  });

  it('given an offer ringing when max wait passes, when it is answered, then the call connects', () => {
    const d = new Acd(config([agent('a1')], [queue('q1', { maxWaitSec: 10, ringTimeoutSec: 20 })]));
    d.login('a1');
    d.enqueue('c1', 'q1');
    d.advance(15_000);
    expect(ofType(d.answer('o-1'), 'connect')).toHaveLength(1);
  });
});

describe('full queue', () => {
  it('given maxLength 2 and two callers waiting, when a third arrives, then it gets full', () => {
    const d = new Acd(config([], [queue('q1', { maxLength: 2 })]));
    d.enqueue('c1', 'q1');
    d.enqueue('c2', 'q1');
    const out = d.enqueue('c3', 'q1');
    expect(results(out)).toEqual([['c3', 'full']]);
    expect(journalData(out, 'acd.full')).toEqual([{ maxLength: 2, waiting: 2 }]);
    expect(d.engine.interaction('c3')).toBeUndefined();
  });

  it('given a full queue with overflowQueue q2, when a caller arrives, then it joins q2 instead', () => {
    const d = new Acd(config([], [queue('q1', { maxLength: 1, overflowQueue: 'q2' }), queue('q2')]));
    d.enqueue('c1', 'q1');
    const out = d.enqueue('c2', 'q1');
    expect(journalData(out, 'acd.overflow')).toEqual([{ from: 'q1', to: 'q2', reason: 'full' }]);
    expect(journals(out)).toEqual(['acd.full', 'acd.overflow', 'acd.enqueued']);
    expect(d.engine.interaction('c2')?.queueId).toBe('q2');
  });

  it('given callers being offered, then they do not count towards maxLength (only waiting ones do)', () => {
    const d = new Acd(config([agent('a1')], [queue('q1', { maxLength: 1 })]));
    d.login('a1');
    d.enqueue('c1', 'q1');
    expect(results(d.enqueue('c2', 'q1'))).toEqual([]);
    expect(results(d.enqueue('c3', 'q1'))).toEqual([['c3', 'full']]);
  });
});

describe('joinWhenEmpty / leaveWhenEmpty', () => {
  const billing = [{ skill: 'billing', minProficiency: 1 }];

  it('given joinWhenEmpty false and no staffed agent with the skills, when a caller arrives, then it gets noAgents', () => {
    const d = new Acd(config([agent('a1', { skills: { billing: 1 } }), agent('a2')], [queue('q1', { joinWhenEmpty: false, skills: billing })]));
    d.login('a2');
    const out = d.enqueue('c1', 'q1');
    expect(results(out)).toEqual([['c1', 'noAgents']]);
    expect(journals(out)).toEqual(['acd.noAgents']);
  });

  it('given joinWhenEmpty false and the only skilled agent paused, when a caller arrives, then it gets noAgents', () => {
    const d = new Acd(config([agent('a1', { skills: { billing: 1 } })], [queue('q1', { joinWhenEmpty: false, skills: billing })]));
    d.login('a1');
    d.pause('a1');
    expect(results(d.enqueue('c1', 'q1'))).toEqual([['c1', 'noAgents']]);
  });

  it('given joinWhenEmpty false and the skilled agent busy on a call, when a caller arrives, then it joins (busy is staffed)', () => {
    const d = new Acd(config([agent('a1', { skills: { billing: 1 } })], [queue('q1', { joinWhenEmpty: false, skills: billing })]));
    d.login('a1');
    d.connectNext('c0', 'q1');
    expect(results(d.enqueue('c1', 'q1'))).toEqual([]);
    expect(d.engine.interaction('c1')?.phase).toBe('waiting');
  });

  it('given joinWhenEmpty false and the skilled agent logged in but unregistered, when a caller arrives, then it gets noAgents', () => {
    const d = new Acd(config([agent('a1', { endpoints: ['PJSIP/1'] })], [queue('q1', { joinWhenEmpty: false })]));
    d.login('a1');
    expect(results(d.enqueue('c1', 'q1'))).toEqual([['c1', 'noAgents']]);
  });

  it('given leaveWhenEmpty and two staffed agents, when one pauses, then callers stay; when the last one pauses, then they leave with noAgents', () => {
    const d = new Acd(config([agent('a1'), agent('a2')], [queue('q1', { leaveWhenEmpty: true }), queue('q2')]));
    d.login('a1', 'a2');
    d.connectNext('b1', 'q1');
    d.connectNext('b2', 'q1');
    d.enqueue('c1', 'q1');
    d.enqueue('c2', 'q1');
    d.enqueue('k1', 'q2');
    expect(results(d.pause('a1'))).toEqual([]);
    const out = d.logout('a2');
    expect(results(out)).toEqual([
      ['c1', 'noAgents'],
      ['c2', 'noAgents'],
    ]);
    expect(journalData(out, 'acd.noAgents')).toEqual([
      { reason: 'no staffed agent left', waitMs: 0 },
      { reason: 'no staffed agent left', waitMs: 0 },
    ]);
    expect(d.engine.interaction('k1')?.phase).toBe('waiting');
  });

  it('given leaveWhenEmpty, when the last staffed agent unregisters, then waiting callers leave with noAgents', () => {
    const d = new Acd(config([agent('a1', { endpoints: ['PJSIP/1'] })], [queue('q1', { leaveWhenEmpty: true })]));
    d.register('PJSIP/1');
    d.login('a1');
    d.connectNext('b1', 'q1');
    d.enqueue('c1', 'q1');
    expect(results(d.register('PJSIP/1', false))).toEqual([['c1', 'noAgents']]);
  });

  it('given leaveWhenEmpty, when an agent without the queue skills leaves, then nothing changes for that queue', () => {
    const d = new Acd(config([agent('a1', { skills: { billing: 1 } }), agent('a2')], [queue('q1', { leaveWhenEmpty: true, skills: billing })]));
    d.login('a1', 'a2');
    d.connectNext('b1', 'q1');
    d.enqueue('c1', 'q1');
    expect(results(d.logout('a2'))).toEqual([]);
  });
});

function journals(effects: Parameters<typeof ofType>[0]): string[] {
  return ofType(effects, 'journal').map((j) => j.event);
}
