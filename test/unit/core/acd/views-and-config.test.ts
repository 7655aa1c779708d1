import { describe, expect, it } from 'vitest';
import { Acd, agent, config, journalData, offered, ofType, queue, T0 } from './acd-fixtures.js';

// What the engine tells the outside: EWT, routing explanations, queue snapshots; and how it comes
// back after a restart or a configuration change.

describe('EWT', () => {
  function busyTeam(staffed: number): Acd {
    const agents = Array.from({ length: 3 }, (_, k) => agent(`a${k + 1}`));
    const d = new Acd(config(agents, [queue('q1')], { defaultAhtSec: 180 }));
    for (let k = 1; k <= staffed; k++) {
      d.login(`a${k}`);
      d.connectNext(`busy${k}`, 'q1');
    }
    return d;
  }

  it('given 2 staffed agents and no history (AHT 180 s), when 3 callers wait, then EWT is k × 180 / 2 and is journaled at enqueue', () => {
    const d = busyTeam(2);
    const rows = ['c1', 'c2', 'c3'].flatMap((id) => journalData(d.enqueue(id, 'q1'), 'acd.enqueued'));
    expect(rows.map((r) => [r.position, r.ewtSec])).toEqual([
      [1, 90],
      [2, 180],
      [3, 270],
    ]);
    expect(d.engine.interactionsOf('q1').filter((i) => i.phase === 'waiting').map((i) => i.ewtSec)).toEqual([90, 180, 270]);
  });

  it('given seeded handle times (newest first), then AHT is the mean of the last ahtWindow of them', () => {
    const d = busyTeam(1);
    d.engine.seedHandleTimes('q1', [60_000, 120_000, 999_000]);
    d.enqueue('c1', 'q1');
    expect(d.engine.interaction('c1')?.ewtSec).toBe(393);
    const small = new Acd(config([agent('a1')], [queue('q1')], { ahtWindow: 2 }));
    small.login('a1');
    small.connectNext('busy', 'q1');
    small.engine.seedHandleTimes('q1', [60_000, 120_000, 999_000]);
    small.enqueue('c1', 'q1');
    expect(small.engine.interaction('c1')?.ewtSec).toBe(90);
  });

  it('given no staffed agent, then EWT is null', () => {
    const d = busyTeam(0);
    expect(journalData(d.enqueue('c1', 'q1'), 'acd.enqueued')[0]).toMatchObject({ ewtSec: null, position: 1 });
  });

  it('given a caller ahead leaves, then positions and EWT move up', () => {
    const d = busyTeam(1);
    d.enqueue('c1', 'q1');
    d.enqueue('c2', 'q1');
    d.leave('c1');
    expect(d.engine.interaction('c2')).toMatchObject({ position: 1, ewtSec: 180 });
  });
});

describe('explain', () => {
  const billing = [{ skill: 'billing', minProficiency: 3 }];
  function floor(): Acd {
    const agents = [
      agent('a1', { skills: { billing: 3 } }),
      agent('a2', { skills: { billing: 3 } }),
      agent('a3', { skills: { billing: 5 } }),
      agent('a4'),
      agent('a5', { skills: { billing: 2 } }),
      agent('a6', { skills: { billing: 4 }, endpoints: ['PJSIP/6'] }),
      agent('a7', { skills: { billing: 4 } }),
      agent('a8', { skills: { billing: 4 } }),
    ];
    const d = new Acd(config(agents, [queue('q1', { skills: billing, wrapUpSec: 60 })]));
    d.login('a1', 'a2', 'a8');
    d.connectNext('b1', 'q1');
    d.connectNext('b2', 'q1');
    d.connectNext('b3', 'q1');
    d.end('b3');
    d.login('a3', 'a4', 'a5', 'a6');
    d.pause('a3');
    return d;
  }

  it('given a waiting caller, then every agent has a verdict and waitingBecause sums them up', () => {
    const d = floor();
    d.enqueue('c1', 'q1');
    const why = d.engine.explain('c1', d.now);
    expect(why).toMatchObject({ interactionId: 'c1', phase: 'waiting', queueId: 'q1', strategy: 'longest-idle', step: -1, requirements: billing, decision: null });
    expect(why?.candidates.map((c) => `${c.agentId}: ${c.reason}`)).toEqual([
      'a1: busy (onCall)',
      'a2: busy (onCall)',
      'a3: paused (lunch)',
      'a4: missing skill billing',
      'a5: billing 2 < 3',
      'a6: not registered',
      'a7: logged out',
      'a8: wrap-up',
    ]);
    expect(why?.waitingBecause).toBe('no eligible agent is free: 2 busy, 1 paused (lunch), 1 missing skill billing, 1 billing 2 < 3, 1 not registered, 1 logged out, 1 wrap-up');
  });

  it('given an offered caller, then the decision as made is shown; after the call it is still there with phase gone', () => {
    const d = floor();
    d.enqueue('c1', 'q1');
    d.advance(5000);
    d.unpause('a3');
    const offeredAt = d.now;
    const expected = { at: offeredAt, agentIds: ['a3'], strategy: 'longest-idle', candidates: 1, why: 'idle 5 s, longest of 1 eligible' };
    expect(d.engine.explain('c1', d.now)).toMatchObject({ phase: 'offering', decision: expected, candidates: [], waitingBecause: null });
    d.answerAs('a3');
    d.end('c1');
    expect(d.engine.explain('c1', d.now)).toMatchObject({ phase: 'gone', decision: expected });
    expect(d.engine.explain('nothing', d.now)).toBeUndefined();
  });

  it('given no agents configured, then waitingBecause says so', () => {
    const d = new Acd(config([], [queue('q1')]));
    d.enqueue('c1', 'q1');
    expect(d.engine.explain('c1', d.now)?.waitingBecause).toBe('no agents configured');
  });
});

describe('snapshot', () => {
  it('given agents in every state, then the snapshot counts those with the queue skills, and lists waiting and ringing callers in order', () => {
    const agents = [
      agent('idle', { skills: { s: 1 } }),
      agent('ring', { skills: { s: 1 } }),
      agent('talk', { skills: { s: 1 } }),
      agent('wrap', { skills: { s: 1 } }),
      agent('lunch', { skills: { s: 1 } }),
      agent('train', { skills: { s: 1 } }),
      agent('unreg', { skills: { s: 1 }, endpoints: ['PJSIP/9'] }),
      agent('out', { skills: { s: 1 } }),
      agent('other'),
    ];
    const q = queue('q1', { skills: [{ skill: 's', minProficiency: 1 }], wrapUpSec: 60, strategy: 'round-robin' });
    const d = new Acd(config(agents, [q]));
    d.login('idle', 'lunch', 'train', 'unreg', 'other', 'talk', 'wrap');
    d.pause('lunch', 'lunch');
    d.pause('train', 'training');
    d.pause('idle');
    d.connectNext('t1', 'q1'); // talk
    d.connectNext('w1', 'q1'); // wrap
    d.end('w1');
    d.login('ring');
    d.enqueue('r1', 'q1'); // offered to ring
    d.ringing(d.offerTo('ring').offerId);
    d.unpause('idle');
    d.pause('idle');
    d.advance(10_000);
    d.enqueue('c1', 'q1');
    d.advance(5_000);
    const snap = d.engine.snapshot('q1', d.now);
    expect(snap?.agents).toEqual({ staffed: 3, available: 0, idle: 4, reserved: 0, ringing: 1, onCall: 1, wrapUp: 1, paused: { lunch: 2, training: 1 } });
    expect(snap?.waiting).toBe(1);
    expect(snap?.longestWaitSec).toBe(15);
    expect(snap?.callers).toEqual([
      { interactionId: 'r1', callId: 'call-r1', waitedSec: 15, priority: 0, step: -1, phase: 'offering' },
      { interactionId: 'c1', callId: 'call-c1', waitedSec: 5, priority: 0, step: -1, phase: 'waiting' },
    ]);
    expect(d.engine.snapshot('nope', d.now)).toBeUndefined();
  });
});

describe('restoreAgent', () => {
  it('given a saved paused agent with counters, then status, reason, times and counters come back', () => {
    const d = new Acd(config([agent('a1')], [queue('q1')]));
    const out = d.engine.restoreAgent({ agentId: 'a1', status: 'paused', pauseReason: 'lunch', statusSince: T0 - 5000, idleSince: T0 - 9000, wrapUpUntil: null, handled: 7, talkMs: 123_000 }, d.now);
    expect(ofType(out, 'startTimer')).toEqual([]);
    expect(d.engine.agent('a1')).toMatchObject({ status: 'paused', pauseReason: 'lunch', statusSince: T0 - 5000, idleSince: T0 - 9000, handled: 7, talkMs: 123_000, activity: 'idle' });
  });

  it('given a saved wrap-up still running, then the agent is in wrap-up with a timer, and free when it fires', () => {
    const d = new Acd(config([agent('a1')], [queue('q1')]));
    const out = d.engine.restoreAgent({ agentId: 'a1', status: 'available', pauseReason: null, statusSince: T0 - 1000, idleSince: T0 - 1000, wrapUpUntil: T0 + 20_000, handled: 1, talkMs: 1000 }, d.now);
    expect(ofType(out, 'startTimer').map((t) => t.at)).toEqual([T0 + 20_000]);
    for (const e of out) if (e.type === 'startTimer') d.timers.set(e.timerId, e.at);
    expect(d.engine.agent('a1')).toMatchObject({ activity: 'wrapUp', wrapUpUntil: T0 + 20_000 });
    d.enqueue('c1', 'q1');
    expect(offered(d.advance(20_000))).toEqual(['c1->a1']);
  });

  it('given a saved wrap-up already over, then the agent is idle; an unknown agent is ignored', () => {
    const d = new Acd(config([agent('a1')], [queue('q1')]));
    d.engine.restoreAgent({ agentId: 'a1', status: 'available', pauseReason: null, statusSince: T0, idleSince: T0, wrapUpUntil: T0 - 1, handled: 0, talkMs: 0 }, d.now);
    expect(d.engine.agent('a1')).toMatchObject({ activity: 'idle', wrapUpUntil: null });
    expect(d.engine.restoreAgent({ agentId: 'zz', status: 'available', pauseReason: null, statusSince: T0, idleSince: T0, wrapUpUntil: null, handled: 0, talkMs: 0 }, d.now)).toEqual([]);
  });

  it('given a caller re-enqueued after a restart with its original arrival, then it keeps its place ahead of newer callers', () => {
    const d = new Acd(config([], [queue('q1')]));
    d.enqueue('new', 'q1');
    d.enqueue('old', 'q1', { enqueuedAt: T0 - 60_000 });
    expect(d.engine.interactionsOf('q1').map((i) => [i.id, i.position])).toEqual([
      ['old', 1],
      ['new', 2],
    ]);
  });
});

describe('configure', () => {
  it('given an agent removed while an offer rings, then the offer is cancelled and the call goes to another agent', () => {
    const cfg = config([agent('a1'), agent('a2')], [queue('q1')]);
    const d = new Acd(cfg);
    d.login('a1', 'a2');
    d.enqueue('c1', 'q1');
    const out = d.configure({ ...cfg, agents: [agent('a2')] });
    expect(ofType(out, 'cancelOffer').map((c) => [c.agentId, c.reason])).toEqual([['a1', 'agentLoggedOut']]);
    expect(offered(out)).toEqual(['c1->a2']);
    expect(d.engine.agent('a1')).toBeUndefined();
  });

  it('given a queue removed, then its waiting callers get noAgents and the others stay', () => {
    const cfg = config([], [queue('q1'), queue('q2')]);
    const d = new Acd(cfg);
    d.enqueue('c1', 'q1');
    d.enqueue('c2', 'q2');
    const out = d.configure({ ...cfg, queues: [queue('q2')] });
    expect(ofType(out, 'result').map((r) => [r.interactionId, r.outcome])).toEqual([['c1', 'noAgents']]);
    expect(d.engine.interaction('c2')?.phase).toBe('waiting');
  });

  it('given leaveWhenEmpty, when the last staffed agent is removed from the configuration, then waiting callers get noAgents', () => {
    const cfg = config([agent('a1')], [queue('q1', { leaveWhenEmpty: true })]);
    const d = new Acd(cfg);
    d.login('a1');
    d.connectNext('b1', 'q1');
    d.enqueue('c1', 'q1');
    expect(ofType(d.configure({ ...cfg, agents: [] }), 'result').map((r) => [r.interactionId, r.outcome])).toEqual([['c1', 'noAgents']]);
  });

  it('given a waiting caller, when an agent gains the needed skill, then the call is offered; runtime state is kept', () => {
    const q = queue('q1', { skills: [{ skill: 'billing', minProficiency: 1 }] });
    const cfg = config([agent('a1')], [q]);
    const d = new Acd(cfg);
    d.login('a1');
    d.enqueue('c1', 'q1');
    const out = d.configure({ ...cfg, agents: [agent('a1', { skills: { billing: 2 } })] });
    expect(offered(out)).toEqual(['c1->a1']);
    expect(d.engine.agent('a1')?.status).toBe('available');
  });

  it('given a queue priority raised, then waiting callers are re-ordered across queues', () => {
    const cfg = config([agent('a1')], [queue('q1'), queue('q2')]);
    const d = new Acd(cfg);
    d.login('a1');
    d.connectNext('busy', 'q1');
    d.enqueue('c1', 'q1');
    d.advance(10_000);
    d.enqueue('c2', 'q2');
    d.configure({ ...cfg, queues: [queue('q1'), queue('q2', { priority: 1 })] });
    expect(offered(d.end('busy'))).toEqual(['c2->a1']);
  });
});
