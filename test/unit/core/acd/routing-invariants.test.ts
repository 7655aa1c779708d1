import { describe, expect, it } from 'vitest';
import { CHANNELS, type AcdEffect, type Channel } from '../../../../src/core/acd/acd-types.js';
import { Acd, agent, config, queue } from './acd-fixtures.js';

// Random traffic over a small but busy site (skills, steps, overflow, ring-all, chat capacity,
// preferred agents, RONA, registrations). After every event the engine's promises are checked from
// the outside: no waiting caller has an eligible free agent (as explain sees it, without the
// engine's indexes), nobody is connected twice, nobody holds more than their capacity.

function site(): Acd {
  const agents = [
    agent('a1', { skills: { billing: 3, fr: 2 }, endpoints: ['PJSIP/1'] }),
    agent('a2', { skills: { billing: 1 }, endpoints: ['PJSIP/2', 'PJSIP/9'] }),
    agent('a3', { skills: { support: 4, fr: 5 } }),
    agent('a4', { skills: { support: 2, billing: 5 }, endpoints: ['PJSIP/9'] }),
    agent('a5', { skills: { chat: 3 }, offerWhileBusy: { voice: [], chat: ['chat', 'voice'], email: [], callback: [] } }),
    agent('a6', { skills: { chat: 1, support: 1 }, capacity: { voice: 1, chat: 2, email: 0, callback: 1 } }),
  ];
  const queues = [
    queue('billing', { skills: [{ skill: 'billing', minProficiency: 3 }], steps: [{ afterSec: 20, relaxProficiencyBy: 2 }, { afterSec: 50, overflowQueue: 'support' }], ronaMaxMisses: 2, wrapUpSec: 5, preferredAgentSec: 15 }),
    queue('support', { skills: [{ skill: 'support', minProficiency: 1 }], strategy: 'round-robin', maxWaitSec: 40, overflowQueue: 'general', priority: 1 }),
    queue('general', { strategy: 'ring-all', ringTimeoutSec: 8, maxLength: 4, wrapUpSec: 3 }),
    queue('chat', { skills: [{ skill: 'chat', minProficiency: 1 }], strategy: 'skill-weighted', steps: [{ afterSec: 10, dropSkills: ['*'] }] }),
    queue('fair', { strategy: 'fewest-interactions', joinWhenEmpty: false, leaveWhenEmpty: true }),
  ];
  return new Acd(config(agents, queues, { retryAfterSec: 5, priorityWeightSec: 30 }), () => 0.42);
}

function rng(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
}

/** What is wrong right now (empty when all is well). */
function problems(d: Acd, connects: Map<string, number>, channels: Map<string, Channel>): string[] {
  const out: string[] = [];
  for (const q of ['billing', 'support', 'general', 'chat', 'fair']) {
    for (const i of d.engine.interactionsOf(q)) {
      if (i.phase !== 'waiting') continue;
      const free = d.engine.explain(i.id, d.now)!.candidates.filter((c) => c.eligible);
      if (free.length) out.push(`${i.id} waits in ${q} while ${free.map((c) => c.agentId).join(',')} could take it`);
    }
  }
  for (const a of d.engine.agents()) {
    const held = new Map<Channel, number>();
    for (const id of a.interactions) held.set(channels.get(id)!, (held.get(channels.get(id)!) ?? 0) + 1);
    for (const c of CHANNELS) if ((held.get(c) ?? 0) > (c === 'chat' ? 3 : 1)) out.push(`${a.id} holds ${held.get(c)} ${c}`);
  }
  for (const [id, n] of connects) if (n !== 1) out.push(`${id} connected ${n} times`);
  return out;
}

describe('routing invariants under random traffic', () => {
  it.each([1, 2, 3, 4, 5, 6])('given seed %s and 1,500 random events, then the invariants hold after every one', (seed) => {
    const r = rng(seed);
    const pick = <T,>(xs: T[]): T | undefined => xs[Math.floor(r() * xs.length)];
    const d = site();
    const live = new Map<string, AcdEffect & { type: 'offer' }>();
    const connects = new Map<string, number>();
    const channels = new Map<string, Channel>();
    const track = (effects: AcdEffect[]) => {
      for (const e of effects) {
        if (e.type === 'offer') live.set(e.offerId, e);
        if (e.type === 'cancelOffer') live.delete(e.offerId);
        if (e.type === 'connect') {
          live.delete(e.offerId);
          connects.set(e.interactionId, (connects.get(e.interactionId) ?? 0) + 1);
        }
      }
    };
    let n = 0;
    for (let step = 0; step < 1500; step++) {
      const agentId = pick(['a1', 'a2', 'a3', 'a4', 'a5', 'a6'])!;
      const roll = r();
      let out: AcdEffect[];
      if (roll < 0.1) out = d.login(agentId);
      else if (roll < 0.13) out = d.logout(agentId);
      else if (roll < 0.17) out = d.pause(agentId, pick(['lunch', 'training'])!);
      else if (roll < 0.25) out = d.unpause(agentId);
      else if (roll < 0.29) out = d.register(pick(['PJSIP/1', 'PJSIP/2', 'PJSIP/9'])!, r() < 0.7);
      else if (roll < 0.5) {
        const queueId = pick(['billing', 'support', 'general', 'chat', 'fair'])!;
        channels.set(`i${++n}`, queueId === 'chat' ? 'chat' : 'voice');
        out = d.enqueue(`i${n}`, queueId, {
          channel: queueId === 'chat' ? 'chat' : 'voice',
          skills: r() < 0.3 ? ['fr'] : [],
          priority: Math.floor(r() * 3),
          preferredAgentId: r() < 0.2 ? agentId : null,
          maxWaitSec: r() < 0.2 ? 30 : null,
        });
      } else if (roll < 0.7) {
        const offer = pick([...live.values()]);
        const how = r();
        out = !offer ? [] : how < 0.6 ? d.answer(offer.offerId) : how < 0.8 ? d.fail(offer.offerId, pick(['busy', 'noAnswer', 'rejected'])!) : d.ringing(offer.offerId);
      } else if (roll < 0.8) {
        const connected = [...connects.keys()].filter((id) => d.engine.interaction(id)?.phase === 'connected');
        const id = pick(connected);
        out = id ? d.end(id, 'agent') : [];
      } else if (roll < 0.84) {
        const waiting = ['billing', 'support', 'general', 'chat', 'fair'].flatMap((q) => d.engine.interactionsOf(q)).filter((i) => i.phase !== 'connected');
        const i = pick(waiting);
        out = i ? d.leave(i.id, pick(['abandoned', 'option'])!) : [];
      } else if (roll < 0.88) out = d.send({ type: 'wrapUpEnd', agentId });
      else if (roll < 0.9) out = d.send({ type: 'wrapUpExtend', agentId, seconds: 3 });
      else out = d.advance(Math.floor(r() * 8000));
      track(out);
      const wrong = problems(d, connects, channels);
      if (wrong.length) expect(wrong, `after step ${step}`).toEqual([]);
    }
    expect(connects.size).toBeGreaterThan(50);
  });
});
