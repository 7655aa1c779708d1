import { describe, expect, it } from 'vitest';
import { Acd, agent, config, journalData, offered, ofType, queue } from './acd-fixtures.js';

// The engine's side of the contract with the shell: change notifications, timers, and ids that
// no longer (or never did) exist.

describe('change notifications', () => {
  it('given an event touching one agent and one queue, then agentChanged and queueChanged come once each, last', () => {
    const d = new Acd(config([agent('a1')], [queue('q1')]));
    expect(d.login('a1').slice(-1)).toEqual([{ type: 'agentChanged', agentId: 'a1' }]);
    const out = d.enqueue('c1', 'q1');
    expect(out.slice(-2)).toEqual([
      { type: 'agentChanged', agentId: 'a1' },
      { type: 'queueChanged', queueId: 'q1' },
    ]);
    expect(ofType(out, 'agentChanged')).toHaveLength(1);
  });

  it('given a repeated login or an unpause of an available agent, then nothing changes and nothing is emitted', () => {
    const d = new Acd(config([agent('a1')], [queue('q1')]));
    d.login('a1');
    expect(d.login('a1')).toEqual([]);
    expect(d.unpause('a1')).toEqual([]);
    d.pause('a1');
    expect(d.pause('a1')).toEqual([]);
    expect(journalData(d.pause('a1', 'training'), 'acd.agent.paused')).toEqual([{ reason: 'training', productive: true, auto: false }]);
  });
});

describe('timers', () => {
  it('given an answered offer, when its (cancelled) ring timer fires anyway, then it is ignored', () => {
    const d = new Acd(config([agent('a1')], [queue('q1')]));
    d.login('a1');
    const timerId = ofType(d.enqueue('c1', 'q1'), 'startTimer')[0]!.timerId;
    expect(ofType(d.answer('o-1'), 'cancelTimer')).toEqual([{ type: 'cancelTimer', timerId }]);
    expect(d.send({ type: 'timer', timerId })).toEqual([]);
    expect(d.engine.interaction('c1')?.phase).toBe('connected');
  });

  it('given a caller who left, then every timer they had is cancelled', () => {
    const d = new Acd(config([], [queue('q1', { maxWaitSec: 60, steps: [{ afterSec: 30, relaxProficiencyBy: 1 }] })]));
    d.enqueue('c1', 'q1');
    expect(d.timers.size).toBe(2);
    d.leave('c1');
    expect(d.timers.size).toBe(0);
  });
});

describe('ids that are gone', () => {
  it('given an agent removed from the configuration while on a call, when the call ends, then nothing breaks', () => {
    const cfg = config([agent('a1')], [queue('q1', { wrapUpSec: 30 })]);
    const d = new Acd(cfg);
    d.login('a1');
    d.connectNext('c1', 'q1');
    d.configure({ ...cfg, agents: [] });
    expect(journalData(d.end('c1'), 'acd.ended')).toHaveLength(1);
    expect(d.engine.agents()).toEqual([]);
    expect(d.send({ type: 'wrapUpEnd', agentId: 'a1' })).toEqual([]);
  });

  it('given a finished interaction, when events still name it, then they are ignored', () => {
    const d = new Acd(config([agent('a1')], [queue('q1')]));
    d.login('a1');
    d.connectNext('c1', 'q1');
    d.end('c1');
    expect(d.end('c1')).toEqual([]);
    expect(d.leave('c1')).toEqual([]);
    expect(d.fail('o-1')).toEqual([]);
    expect(d.answer('o-1')).toEqual([]);
  });
});

describe('candidate counts', () => {
  it('given an agent who just missed the call, then it is not counted among the candidates of the next offer', () => {
    const d = new Acd(config([agent('a1'), agent('a2'), agent('a3')], [queue('q1')]));
    d.login('a1', 'a2', 'a3');
    d.enqueue('c1', 'q1');
    d.fail('o-1', 'busy');
    expect(journalData(d.all, 'acd.offered').map((r) => [r.agentId, r.candidates])).toEqual([
      ['a1', 3],
      ['a2', 2],
    ]);
  });

  it('given two required skills, then candidates are those meeting both, and longest-idle still picks the longest idle of them', () => {
    const agents = [agent('a1', { skills: { billing: 3 } }), agent('a2', { skills: { billing: 3, fr: 1 } }), agent('a3', { skills: { billing: 5, fr: 2 } }), agent('a4', { skills: { fr: 5 } })];
    const d = new Acd(config(agents, [queue('q1', { skills: [{ skill: 'billing', minProficiency: 2 }] })]));
    d.login('a1', 'a4');
    d.advance(1000);
    d.login('a3');
    d.advance(1000);
    d.login('a2');
    expect(offered(d.enqueue('c1', 'q1', { skills: ['fr'] }))).toEqual(['c1->a3']);
    expect(journalData(d.all, 'acd.offered')[0]).toMatchObject({ candidates: 2, why: 'idle 1 s, longest of 2 eligible' });
  });
});

describe('snapshot availability', () => {
  it('given idle staffed agents and no callers, then they count as available', () => {
    const d = new Acd(config([agent('a1'), agent('a2')], [queue('q1')]));
    d.login('a1', 'a2');
    expect(d.engine.snapshot('q1', d.now)).toEqual({
      queueId: 'q1',
      waiting: 0,
      longestWaitSec: 0,
      agents: { staffed: 2, available: 2, idle: 2, reserved: 0, ringing: 0, onCall: 0, wrapUp: 0, paused: {} },
      callers: [],
    });
  });
});
