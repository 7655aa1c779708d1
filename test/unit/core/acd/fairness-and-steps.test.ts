import { describe, expect, it } from 'vitest';
import { Acd, agent, config, journalData, journals, offered, ofType, queue, T0 } from './acd-fixtures.js';

// One global order across queues (arrival, minus a head start per priority point), routing steps
// that widen who may answer over time, and the preferred agent's window.

/** One agent in every queue, busy on call `busy` so callers pile up. */
function busyAgent(queues: ReturnType<typeof queue>[], settings = {}): Acd {
  const d = new Acd(config([agent('a1', { skills: { general: 1 } })], queues, settings));
  d.login('a1');
  d.connectNext('busy', queues[0]!.id);
  return d;
}

describe('cross-queue order', () => {
  it('given callers in two queues of equal priority, when the shared agent frees up, then the earliest arrival goes first, whatever its queue', () => {
    const d = busyAgent([queue('q1'), queue('q2')]);
    d.advance(1000);
    d.enqueue('c2', 'q2');
    d.advance(1000);
    d.enqueue('c1', 'q1');
    expect(offered(d.end('busy'))).toEqual(['c2->a1']);
  });

  it('given q2 has priority 1 (worth 60 s), when a q2 caller arrives 30 s after a q1 caller, then the q2 caller goes first', () => {
    const d = busyAgent([queue('q1'), queue('q2', { priority: 1 })]);
    d.enqueue('c1', 'q1');
    d.advance(30_000);
    d.enqueue('c2', 'q2');
    expect(offered(d.end('busy'))).toEqual(['c2->a1']);
  });

  it('given q2 has priority 1 (worth 60 s), when the q1 caller has waited 90 s already, then aging wins: the q1 caller goes first', () => {
    const d = busyAgent([queue('q1'), queue('q2', { priority: 1 })]);
    d.enqueue('c1', 'q1');
    d.advance(90_000);
    d.enqueue('c2', 'q2');
    expect(offered(d.end('busy'))).toEqual(['c1->a1']);
  });

  it('given request priorities add to the queue priority and priorityWeightSec is 10, then the order follows effective arrival', () => {
    const d = busyAgent([queue('q1'), queue('q2', { priority: 1 })], { priorityWeightSec: 10 });
    d.enqueue('c1', 'q1'); // effective T0
    d.advance(15_000);
    d.enqueue('c2', 'q2'); // T0 + 15 s - 10 s = T0 + 5 s
    d.enqueue('c3', 'q1', { priority: 2 }); // T0 + 15 s - 20 s = T0 - 5 s
    const order: string[] = [];
    let out = d.end('busy');
    for (let k = 0; k < 3; k++) {
      const o = ofType(out, 'offer')[0]!;
      order.push(o.interactionId);
      d.answer(o.offerId);
      out = d.end(o.interactionId);
    }
    expect(order).toEqual(['c3', 'c1', 'c2']);
  });

  it('given two callers arriving in the same millisecond, then the one enqueued first goes first', () => {
    const d = busyAgent([queue('q1'), queue('q2')]);
    d.enqueue('c1', 'q2');
    d.enqueue('c2', 'q1');
    expect(offered(d.end('busy'))).toEqual(['c1->a1']);
    expect(d.engine.snapshot('q1', d.now)?.callers.map((c) => c.interactionId)).toEqual(['c2']);
  });

  it('given an agent skilled for a later caller only, when it frees up, then it takes that caller and the earlier one keeps waiting', () => {
    const d = new Acd(config([agent('a1', { skills: { sales: 1 } })], [queue('support', { skills: [{ skill: 'support', minProficiency: 1 }] }), queue('sales', { skills: [{ skill: 'sales', minProficiency: 1 }] })]));
    d.enqueue('c1', 'support');
    d.advance(1000);
    d.enqueue('c2', 'sales');
    expect(offered(d.login('a1'))).toEqual(['c2->a1']);
    expect(d.engine.interaction('c1')?.phase).toBe('waiting');
  });
});

describe('routing steps', () => {
  const billing = (min: number) => [{ skill: 'billing', minProficiency: min }];

  it('given billing >= 4 relaxed by 2 after 30 s, when only a billing-2 agent is free, then the call is offered at 30 s with acd.step', () => {
    const d = new Acd(config([agent('a1', { skills: { billing: 2 } })], [queue('q1', { skills: billing(4), steps: [{ afterSec: 30, relaxProficiencyBy: 2 }] })]));
    d.login('a1');
    const first = d.enqueue('c1', 'q1');
    expect(offered(first)).toEqual([]);
    expect(ofType(first, 'startTimer').map((t) => t.at)).toEqual([T0 + 30_000]);
    expect(offered(d.advance(29_999))).toEqual([]);
    const out = d.advance(1);
    expect(journalData(out, 'acd.step')).toEqual([{ step: 0, requirements: billing(2) }]);
    expect(offered(out)).toEqual(['c1->a1']);
    expect(d.engine.interaction('c1')?.step).toBe(0);
  });

  it('given relaxations in two steps, when both have passed, then they add up with a floor of 1', () => {
    const d = new Acd(config([], [queue('q1', { skills: billing(4), steps: [{ afterSec: 40, relaxProficiencyBy: 2 }, { afterSec: 10, relaxProficiencyBy: 1 }] })]));
    d.enqueue('c1', 'q1');
    d.advance(10_000);
    expect(d.engine.interaction('c1')?.requirements).toEqual(billing(3));
    d.advance(30_000);
    expect(d.engine.interaction('c1')?.requirements).toEqual(billing(1));
    expect(d.engine.interaction('c1')?.step).toBe(1);
  });

  it('given flow skill lang:fr dropped after 20 s, when only an agent without French is free, then it gets the call at 20 s', () => {
    const d = new Acd(config([agent('a1')], [queue('q1', { steps: [{ afterSec: 20, dropSkills: ['lang:fr'] }] })]));
    d.login('a1');
    d.enqueue('c1', 'q1', { skills: ['lang:fr', 'vip'] });
    d.advance(20_000);
    expect(d.engine.interaction('c1')?.requirements).toEqual([{ skill: 'vip', minProficiency: 1 }]);
    d.enqueue('c2', 'q1', { skills: ['lang:de'] });
    d.advance(20_000);
    expect(offered(d.all)).toEqual([]);
    const d2 = new Acd(config([agent('a1')], [queue('q1', { steps: [{ afterSec: 20, dropSkills: ['*'] }] })]));
    d2.login('a1');
    d2.enqueue('c1', 'q1', { skills: ['lang:fr', 'vip'] });
    expect(offered(d2.advance(20_000))).toEqual(['c1->a1']);
  });

  it('given a step replacing the queue skills, when it applies, then the flow skills still apply with the new queue part', () => {
    const d = new Acd(config([agent('a1', { skills: { general: 1, vip: 1 } })], [queue('q1', { skills: billing(3), steps: [{ afterSec: 10, skills: [{ skill: 'general', minProficiency: 1 }] }] })]));
    d.login('a1');
    d.enqueue('c1', 'q1', { skills: ['vip'] });
    const out = d.advance(10_000);
    expect(journalData(out, 'acd.step')[0]?.requirements).toEqual([
      { skill: 'general', minProficiency: 1 },
      { skill: 'vip', minProficiency: 1 },
    ]);
    expect(offered(out)).toEqual(['c1->a1']);
  });

  it('given a step overflowing to q2 after 60 s, when it moves, then it keeps its arrival and goes before a q2 caller who came later', () => {
    const d = new Acd(config([agent('a1')], [queue('q1', { skills: billing(1), steps: [{ afterSec: 60, overflowQueue: 'q2' }] }), queue('q2')]));
    d.login('a1');
    d.connectNext('busy', 'q2');
    d.enqueue('c1', 'q1');
    d.advance(30_000);
    d.enqueue('c2', 'q2');
    const out = d.advance(30_000);
    expect(journalData(out, 'acd.overflow')).toEqual([{ from: 'q1', to: 'q2', reason: 'step' }]);
    expect(d.engine.interaction('c1')).toMatchObject({ queueId: 'q2', enqueuedAt: T0, position: 1, requirements: [] });
    expect(d.engine.interaction('c2')?.position).toBe(2);
    expect(offered(d.end('busy'))).toEqual(['c1->a1']);
  });

  it('given steps, when the interaction is answered, then the pending step timer is cancelled', () => {
    const d = new Acd(config([agent('a1', { skills: { billing: 1 } })], [queue('q1', { skills: billing(1), steps: [{ afterSec: 60, relaxProficiencyBy: 1 }] })]));
    d.login('a1');
    d.connectNext('c1', 'q1');
    expect(d.timers.size).toBe(0);
  });
});

describe('preferred agent', () => {
  const q = queue('q1', { preferredAgentSec: 30 });

  it('given a returning caller whose last agent is free, then that agent is offered even if another is idle longer', () => {
    const d = new Acd(config([agent('a1'), agent('a2')], [q]));
    d.login('a1');
    d.advance(1000);
    d.login('a2');
    expect(offered(d.enqueue('c1', 'q1', { preferredAgentId: 'a2' }))).toEqual(['c1->a2']);
    expect(journalData(d.all, 'acd.offered')[0]).toMatchObject({ why: 'preferred agent' });
  });

  it('given the preferred agent busy, when 30 s pass, then anyone may take the call; before that, others are told to wait', () => {
    const d = new Acd(config([agent('a1'), agent('a2')], [q]));
    d.login('a2');
    d.connectNext('busy', 'q1');
    d.login('a1');
    expect(offered(d.enqueue('c1', 'q1', { preferredAgentId: 'a2' }))).toEqual([]);
    const why = d.engine.explain('c1', d.now);
    expect(why?.candidates).toEqual([
      { agentId: 'a1', eligible: false, reason: 'waiting for preferred agent' },
      { agentId: 'a2', eligible: false, reason: 'busy (onCall)' },
    ]);
    expect(why?.waitingBecause).toBe('waiting for preferred agent a2: 1 busy');
    expect(offered(d.advance(29_999))).toEqual([]);
    expect(offered(d.advance(1))).toEqual(['c1->a1']);
  });

  it('given the preferred agent frees up within the window, then they get the call', () => {
    const d = new Acd(config([agent('a1'), agent('a2')], [q]));
    d.login('a2');
    d.connectNext('busy', 'q1');
    d.login('a1');
    d.enqueue('c1', 'q1', { preferredAgentId: 'a2' });
    d.advance(10_000);
    expect(offered(d.end('busy'))).toEqual(['c1->a2']);
  });

  it('given the preferred agent lacks a required skill, then there is no preference', () => {
    const d = new Acd(config([agent('a1', { skills: { fr: 1 } }), agent('a2')], [q]));
    d.login('a1', 'a2');
    expect(offered(d.enqueue('c1', 'q1', { preferredAgentId: 'a2', skills: ['fr'] }))).toEqual(['c1->a1']);
  });

  it('given preferredAgentSec 0, then the preferred agent gives no head start', () => {
    const d = new Acd(config([agent('a1'), agent('a2')], [queue('q1')]));
    d.login('a1', 'a2');
    expect(offered(d.enqueue('c1', 'q1', { preferredAgentId: 'a2' }))).toEqual(['c1->a1']);
    expect(journals(d.all, 'acd.offered')[0]?.data.why).not.toBe('preferred agent');
  });
});
