import { describe, expect, it } from 'vitest';
import { Acd, agent, config, journalData, offered, offers, ofType, queue, type EventInput } from './acd-fixtures.js';

// Who may be offered what: skills and proficiency, status, registration, capacity per channel and
// what may be offered while busy.

const billing = (min: number) => [{ skill: 'billing', minProficiency: min }];

describe('skills and proficiency', () => {
  it('given billing >= 3 required, when agents have billing 2, 3 and none, then only the one with 3 is offered', () => {
    const d = new Acd(config([agent('a1', { skills: { billing: 2 } }), agent('a2', { skills: { billing: 3 } }), agent('a3')], [queue('q1', { skills: billing(3) })]));
    d.login('a1', 'a3', 'a2');
    expect(offered(d.enqueue('c1', 'q1'))).toEqual(['c1->a2']);
    expect(journalData(d.all, 'acd.offered')[0]).toMatchObject({ candidates: 1 });
  });

  it('given a flow skill lang:fr, when only one agent speaks French at any level, then that agent gets it', () => {
    const d = new Acd(config([agent('a1'), agent('a2', { skills: { 'lang:fr': 1 } })], [queue('q1')]));
    d.login('a1', 'a2');
    expect(offered(d.enqueue('c1', 'q1', { skills: ['lang:fr'] }))).toEqual(['c1->a2']);
  });

  it('given the same skill from the queue (min 3) and the flow (min 1), then the higher minimum is kept', () => {
    const d = new Acd(config([], [queue('q1', { skills: billing(3) })]));
    d.enqueue('c1', 'q1', { skills: ['billing', 'vip'] });
    expect(d.engine.interaction('c1')?.requirements).toEqual([
      { skill: 'billing', minProficiency: 3 },
      { skill: 'vip', minProficiency: 1 },
    ]);
  });

  it('given an agent without the skill, when it becomes free, then it does not take the waiting call it cannot serve', () => {
    const d = new Acd(config([agent('a1')], [queue('q1', { skills: billing(1) })]));
    d.enqueue('c1', 'q1');
    expect(offered(d.login('a1'))).toEqual([]);
  });
});

describe('status', () => {
  it('given a paused and a logged-out agent, when a call arrives, then it waits; when one unpauses, then it is offered to them', () => {
    const d = new Acd(config([agent('a1'), agent('a2')], [queue('q1')]));
    d.login('a1');
    d.pause('a1');
    expect(offered(d.enqueue('c1', 'q1'))).toEqual([]);
    expect(offered(d.unpause('a1'))).toEqual(['c1->a1']);
  });

  it('given an agent logging in, when a call waits, then they get it at once', () => {
    const d = new Acd(config([agent('a1')], [queue('q1')]));
    d.enqueue('c1', 'q1');
    expect(offered(d.login('a1'))).toEqual(['c1->a1']);
    expect(journalData(d.all, 'acd.agent.login')).toEqual([{}]);
  });
});

describe('capacity and offer-while-busy', () => {
  const chatter = (over = {}) => agent('a1', { ...over });
  const chats = (d: Acd, n: number) => Array.from({ length: n }, (_, k) => d.enqueue(`chat${k + 1}`, 'q1', { channel: 'chat', callId: null }));

  it('given a chat capacity of 3, when four chats arrive, then three are offered and the fourth waits', () => {
    const d = new Acd(config([chatter()], [queue('q1')]));
    d.login('a1');
    expect(chats(d, 4).map((e) => offered(e).length)).toEqual([1, 1, 1, 0]);
    expect(d.engine.agent('a1')?.interactions).toEqual(['chat1', 'chat2', 'chat3']);
    expect(d.engine.explain('chat4', d.now)?.candidates).toEqual([{ agentId: 'a1', eligible: false, reason: 'no chat capacity' }]);
  });

  it('given an agent in a chat, when a voice call arrives, then it waits (nothing during a chat by default) until the chats end', () => {
    const d = new Acd(config([chatter()], [queue('q1')]));
    d.login('a1');
    for (const e of chats(d, 2)) d.answer(offers(e)[0]!.offerId);
    expect(offered(d.enqueue('v1', 'q1'))).toEqual([]);
    expect(d.engine.explain('v1', d.now)?.candidates[0]?.reason).toBe('busy (onCall)');
    expect(offered(d.end('chat1'))).toEqual([]);
    expect(offered(d.end('chat2'))).toEqual(['v1->a1']);
  });

  it('given an agent on a voice call, when a chat arrives, then it waits (voice allows nothing) and is offered when the call ends', () => {
    const d = new Acd(config([chatter()], [queue('q1')]));
    d.login('a1');
    d.connectNext('v1', 'q1');
    expect(offered(d.enqueue('chat1', 'q1', { channel: 'chat' }))).toEqual([]);
    expect(offered(d.end('v1'))).toEqual(['chat1->a1']);
  });

  it('given offerWhileBusy chat: [chat, voice], when a voice call arrives during a chat, then it is offered', () => {
    const d = new Acd(config([chatter({ offerWhileBusy: { voice: [], chat: ['chat', 'voice'], email: [], callback: [] } })], [queue('q1')]));
    d.login('a1');
    chats(d, 1);
    expect(offered(d.enqueue('v1', 'q1'))).toEqual(['v1->a1']);
    expect(offered(d.enqueue('chat2', 'q1', { channel: 'chat' }))).toEqual([]);
  });

  it('given a capacity of 0 for email, when an email arrives, then the agent is never offered it', () => {
    const d = new Acd(config([chatter({ capacity: { voice: 1, chat: 3, email: 0, callback: 1 } })], [queue('q1')]));
    d.login('a1');
    expect(offered(d.enqueue('m1', 'q1', { channel: 'email' }))).toEqual([]);
    expect(d.engine.explain('m1', d.now)?.candidates[0]?.reason).toBe('no email capacity');
  });
});

describe('registration', () => {
  const phoneAgent = () => agent('a1', { endpoints: ['PJSIP/1001', 'PJSIP/1002'] });

  it('given an agent with endpoints, none registered, when a call waits, then nothing is offered until one registers', () => {
    const d = new Acd(config([phoneAgent()], [queue('q1')]));
    d.login('a1');
    expect(offered(d.enqueue('c1', 'q1'))).toEqual([]);
    expect(d.engine.explain('c1', d.now)?.candidates[0]?.reason).toBe('not registered');
    const out = d.register('PJSIP/1002');
    expect(offered(out)).toEqual(['c1->a1']);
    expect(journalData(out, 'acd.agent.registered')).toEqual([{ endpoint: 'PJSIP/1002' }]);
    expect(ofType(out, 'offer')[0]?.endpoints).toEqual(['PJSIP/1001', 'PJSIP/1002']);
  });

  it('given two registered endpoints, when one goes away, then the agent is still registered; when both go, then it is not', () => {
    const d = new Acd(config([phoneAgent()], [queue('q1')]));
    d.register('PJSIP/1001');
    d.register('PJSIP/1002');
    d.register('PJSIP/1001', false);
    expect(d.engine.agent('a1')?.registered).toBe(true);
    d.register('PJSIP/1002', false);
    expect(d.engine.agent('a1')?.registered).toBe(false);
    expect(d.register('PJSIP/1002', false)).toEqual([]);
  });

  it('given an agent without endpoints, then it counts as registered (digital-only)', () => {
    const d = new Acd(config([agent('a1')], [queue('q1')]));
    expect(d.engine.agent('a1')?.registered).toBe(true);
  });

  it('given an endpoint of nobody, when it registers, then nothing happens', () => {
    const d = new Acd(config([phoneAgent()], [queue('q1')]));
    expect(d.register('PJSIP/9999').filter((e) => e.type !== 'journal')).toEqual([]);
  });
});

describe('unknown ids', () => {
  it.each<[string, EventInput]>([
    ['login', { type: 'login', agentId: 'nobody' }],
    ['logout', { type: 'logout', agentId: 'nobody' }],
    ['pause', { type: 'pause', agentId: 'nobody', reason: 'lunch' }],
    ['unpause', { type: 'unpause', agentId: 'nobody' }],
    ['wrapUpEnd', { type: 'wrapUpEnd', agentId: 'nobody' }],
    ['wrapUpExtend', { type: 'wrapUpExtend', agentId: 'nobody', seconds: 5 }],
    ['leave', { type: 'leave', interactionId: 'nothing', reason: 'abandoned' }],
    ['ended', { type: 'ended', interactionId: 'nothing', by: 'caller' }],
    ['offerRinging', { type: 'offerRinging', offerId: 'o-99' }],
    ['offerAnswered', { type: 'offerAnswered', offerId: 'o-99' }],
    ['offerFailed', { type: 'offerFailed', offerId: 'o-99', reason: 'busy' }],
    ['timer', { type: 'timer', timerId: 'acd-ring-99' }],
  ])('given no such id, when %s arrives, then nothing happens', (_, event) => {
    const d = new Acd(config([agent('a1')], [queue('q1')]));
    expect(() => d.send(event)).not.toThrow();
    expect(d.send(event)).toEqual([]);
  });

  it('given an unknown queue, when a caller is enqueued, then it gets noAgents at once (never stranded)', () => {
    const d = new Acd(config([agent('a1')], [queue('q1')]));
    expect(ofType(d.enqueue('c1', 'nope'), 'result')).toEqual([{ type: 'result', interactionId: 'c1', outcome: 'noAgents', data: { queueId: 'nope', reason: 'unknown queue' } }]);
  });

  it('given an interaction id already queued, when it is enqueued again, then the duplicate is ignored', () => {
    const d = new Acd(config([], [queue('q1')]));
    d.enqueue('c1', 'q1');
    expect(d.enqueue('c1', 'q1')).toEqual([]);
  });
});
