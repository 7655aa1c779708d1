import { describe, expect, it } from 'vitest';
import type { Strategy } from '../../../../src/core/acd/acd-types.js';
import { Acd, agent, config, journalData, offered, offers, ofType, queue } from './acd-fixtures.js';

// Each strategy picks among eligible free agents; ties end on longest idle, then agent id.

/** a1..a3 logged in one second apart in the given order (the first is the longest idle). */
function team(strategy: Strategy, order = ['a1', 'a2', 'a3'], random?: () => number): Acd {
  const d = new Acd(config([agent('a1'), agent('a2'), agent('a3')], [queue('q1', { strategy }), queue('q2', { strategy })]), random);
  for (const id of order) {
    d.login(id);
    d.advance(1000);
  }
  return d;
}

/** A call answered by whoever gets it and ended after `talkSec`. */
function handle(d: Acd, id: string, talkSec = 10, queueId = 'q1'): string {
  const who = d.connectNext(id, queueId);
  d.advance(talkSec * 1000);
  d.end(id);
  return who;
}

describe('longest-idle', () => {
  it('given agents idle since different times, when a call arrives, then the one idle longest gets it', () => {
    const d = team('longest-idle', ['a2', 'a3', 'a1']);
    expect(offered(d.enqueue('c1', 'q1'))).toEqual(['c1->a2']);
  });

  it('given the longest-idle agent finished a call, when the next call arrives, then the agent idle longest now gets it', () => {
    const d = team('longest-idle');
    expect(handle(d, 'c1')).toBe('a1');
    expect(offered(d.enqueue('c2', 'q1'))).toEqual(['c2->a2']);
    expect(journalData(d.all, 'acd.offered').at(-1)).toMatchObject({ strategy: 'longest-idle', candidates: 3 });
  });

  it('given a missed offer, when the agent is free again, then its idle time is unchanged (a miss does not reset it)', () => {
    const d = new Acd(config([agent('a1'), agent('a2')], [queue('q1')], { retryAfterSec: 0 }));
    d.login('a1');
    d.advance(1000);
    d.login('a2');
    d.enqueue('c1', 'q1');
    d.advance(1000);
    d.fail(d.offerTo('a1').offerId, 'busy');
    expect(d.engine.agent('a1')?.idleSince).toBe(d.now - 2000);
  });

  it('given a chat agent still free for more chats, when one of its chats ends, then its idle time restarts and the other agent is now longest idle', () => {
    const d = new Acd(config([agent('a1'), agent('a2')], [queue('q1')]));
    d.login('a1');
    d.advance(1000);
    d.login('a2');
    expect(d.connectNext('chat1', 'q1', { channel: 'chat' })).toBe('a1');
    d.advance(10_000);
    d.end('chat1');
    expect(d.engine.agent('a1')?.idleSince).toBe(d.now);
    expect(offered(d.enqueue('chat2', 'q1', { channel: 'chat' }))).toEqual(['chat2->a2']);
  });
});

describe('round-robin', () => {
  it('given three agents, when calls keep coming, then they go in agent id order after the last one offered, wrapping', () => {
    const d = team('round-robin', ['a3', 'a1', 'a2']);
    const order = ['c1', 'c2', 'c3', 'c4'].map((id) => handle(d, id));
    expect(order).toEqual(['a1', 'a2', 'a3', 'a1']);
  });

  it('given the next agent in order is busy, when a call arrives, then the one after it gets it', () => {
    const d = team('round-robin');
    expect(handle(d, 'c1')).toBe('a1');
    d.connectNext('c2', 'q1');
    expect(d.engine.agent('a2')?.activity).toBe('onCall');
    expect(handle(d, 'c3')).toBe('a3');
    expect(handle(d, 'c4')).toBe('a1');
  });

  it('given two queues, when calls alternate between them, then each queue keeps its own pointer', () => {
    const d = team('round-robin');
    expect([handle(d, 'c1', 1, 'q1'), handle(d, 'c2', 1, 'q2'), handle(d, 'c3', 1, 'q1'), handle(d, 'c4', 1, 'q2')]).toEqual(['a1', 'a1', 'a2', 'a2']);
  });
});

describe('fewest-interactions', () => {
  it('given different counts since login, when a call arrives, then the agent who handled fewest gets it; a tie goes to the longest idle', () => {
    const d = team('fewest-interactions');
    // Everyone handles one call (a1, a2, a3 in that order), then a1 and a3 handle one more each.
    expect(['c1', 'c2', 'c3'].map((id) => handle(d, id))).toEqual(['a1', 'a2', 'a3']);
    d.send({ type: 'pause', agentId: 'a2', reason: 'lunch' });
    expect(['c4', 'c5'].map((id) => handle(d, id))).toEqual(['a1', 'a3']);
    d.unpause('a2');
    expect(offered(d.enqueue('c6', 'q1'))).toEqual(['c6->a2']);
    expect(d.engine.agent('a1')?.handled).toBe(2);
  });
});

describe('least-talk-time', () => {
  it('given different talk times since login, when a call arrives, then the agent with the least talk time gets it', () => {
    const d = team('least-talk-time');
    expect(handle(d, 'c1', 60)).toBe('a1');
    expect(handle(d, 'c2', 5)).toBe('a2');
    expect(handle(d, 'c3', 30)).toBe('a3');
    expect(offered(d.enqueue('c4', 'q1'))).toEqual(['c4->a2']);
    expect(d.engine.agent('a1')?.talkMs).toBe(60_000);
  });
});

describe('random', () => {
  it.each([
    [0, 'a1'],
    [0.5, 'a2'],
    [0.99, 'a3'],
  ])('given random() = %s, when a call arrives, then the pick among agents sorted by id is %s', (r, expected) => {
    const d = team('random', ['a3', 'a2', 'a1'], () => r);
    expect(offered(d.enqueue('c1', 'q1'))).toEqual([`c1->${expected}`]);
  });
});

describe('skill-weighted', () => {
  it('given required billing and flow skill lang:fr, when a call arrives, then the highest sum of those proficiencies wins', () => {
    const agents = [agent('a1', { skills: { billing: 2, 'lang:fr': 5, sales: 5 } }), agent('a2', { skills: { billing: 5, 'lang:fr': 3 } }), agent('a3', { skills: { billing: 1, 'lang:fr': 1 } })];
    const d = new Acd(config(agents, [queue('q1', { strategy: 'skill-weighted', skills: [{ skill: 'billing', minProficiency: 1 }] })]));
    d.login('a3', 'a1', 'a2');
    expect(offered(d.enqueue('c1', 'q1', { skills: ['lang:fr'] }))).toEqual(['c1->a2']);
    expect(journalData(d.all, 'acd.offered')[0]).toMatchObject({ why: 'skill score 8, highest of 3 eligible' });
  });
});

describe('ring-all', () => {
  it('given three free agents, when a call arrives, then all three are offered at once', () => {
    const d = team('ring-all');
    expect(offered(d.enqueue('c1', 'q1'))).toEqual(['c1->a1', 'c1->a2', 'c1->a3']);
    expect(d.engine.interaction('c1')?.phase).toBe('offering');
  });

  it('given three offers, when one answers, then it alone is connected and the others are cancelled as lost races', () => {
    const d = team('ring-all');
    d.enqueue('c1', 'q1');
    const out = d.answerAs('a2');
    expect(ofType(out, 'connect')).toEqual([{ type: 'connect', offerId: d.offerTo('a2').offerId, interactionId: 'c1', agentId: 'a2' }]);
    expect(ofType(out, 'cancelOffer').map((c) => [c.agentId, c.reason])).toEqual([
      ['a1', 'lostRace'],
      ['a3', 'lostRace'],
    ]);
    expect(d.engine.agents().map((a) => a.activity)).toEqual(['idle', 'onCall', 'idle']);
  });

  it('given a race already won, when a loser answers or rings late, then it is told lostRace again and never connected', () => {
    const d = team('ring-all');
    d.enqueue('c1', 'q1');
    d.answerAs('a3');
    const late = d.answerAs('a1');
    expect(late).toEqual([{ type: 'cancelOffer', offerId: d.offerTo('a1').offerId, interactionId: 'c1', agentId: 'a1', reason: 'lostRace' }]);
    expect(ofType(d.ringing(d.offerTo('a2').offerId), 'cancelOffer')).toHaveLength(1);
    expect(d.answerAs('a3')).toEqual([]);
    expect(ofType(d.all, 'connect').map((c) => c.agentId)).toEqual(['a3']);
  });

  it('given two answers in the same instant, when both arrive, then exactly one connect is emitted', () => {
    const d = team('ring-all');
    d.enqueue('c1', 'q1');
    const both = [...d.answerAs('a1'), ...d.answerAs('a2')];
    expect(ofType(both, 'connect')).toHaveLength(1);
  });

  it('given ringing offers, when one agent fails, then the others keep ringing; when all fail, then the call waits again', () => {
    const d = team('ring-all');
    d.enqueue('c1', 'q1');
    d.fail(d.offerTo('a1').offerId, 'busy');
    expect(d.engine.interaction('c1')?.phase).toBe('offering');
    d.fail(d.offerTo('a2').offerId, 'rejected');
    d.fail(d.offerTo('a3').offerId, 'unavailable');
    expect(d.engine.interaction('c1')?.phase).toBe('waiting');
    expect(offers(d.all)).toHaveLength(3);
  });

  it('given a ring-all race, when the losers are freed together, then a call waiting elsewhere goes to the longest idle of them', () => {
    const d = new Acd(config([agent('a1'), agent('a2'), agent('a3')], [queue('qa', { strategy: 'ring-all' }), queue('qb')]));
    d.login('a3');
    d.advance(1000);
    d.login('a1', 'a2');
    d.enqueue('c1', 'qa');
    expect(offered(d.enqueue('c2', 'qb'))).toEqual([]);
    expect(offered(d.answerAs('a2'))).toEqual(['c2->a3']);
  });
});
