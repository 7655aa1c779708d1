import type { JournalRow } from '../../../../src/core/stats/stats-types.js';

// The journal of docs/stats.md "Worked example", row for row as the ACD writes it (engine rows
// and the shell's own: transfers, callbacks). Times are seconds after 09:00:00 UTC.

export const DAY_START = Date.UTC(2026, 10, 23, 9, 0, 0);
export const at = (sec: number) => DAY_START + sec * 1000;
export const RANGE = { from: at(0), to: at(7200) };

type Refs = { i?: string; a?: string; q?: string };

export function journalBuilder() {
  const rows: JournalRow[] = [];
  let offers = 0;
  const add = (sec: number, type: string, refs: Refs, data: Record<string, unknown> = {}) =>
    rows.push({
      seq: rows.length + 1, at: at(sec), type, interactionId: refs.i ?? null, agentId: refs.a ?? null, queueId: refs.q ?? null,
      callId: refs.i ? `call-${refs.i.split('.')[0]}` : null, data,
    });
  const j = {
    rows,
    login: (a: string, t: number) => add(t, 'acd.agent.login', { a }),
    logout: (a: string, t: number) => add(t, 'acd.agent.logout', { a }),
    pause: (a: string, t: number, reason: string, productive: boolean, auto = false) => add(t, 'acd.agent.paused', { a }, { reason, productive, auto }),
    unpause: (a: string, t: number, reason: string, since: number) => add(t, 'acd.agent.unpaused', { a }, { reason, pausedMs: (t - since) * 1000 }),
    enqueue: (i: string, q: string, t: number, ewtSec: number | null) =>
      add(t, 'acd.enqueued', { i, q }, { priority: 0, skills: [], requirements: [{ skill: q, minProficiency: 1 }], ewtSec, position: 1 }),
    /** Offer, ringing, then answered (the offer id is the engine's o-N). */
    answer: (i: string, q: string, a: string, offeredAt: number, answeredAt: number, waitSec: number) => {
      const offerId = `o-${++offers}`;
      add(offeredAt, 'acd.offered', { i, q, a }, { offerId, agentId: a, strategy: 'longest-idle', candidates: 1, why: 'longest idle' });
      add(offeredAt, 'acd.offer.ringing', { i, q, a }, { offerId });
      add(answeredAt, 'acd.offer.answered', { i, q, a }, { offerId, waitMs: waitSec * 1000 });
    },
    miss: (i: string, q: string, a: string, offeredAt: number, missedAt: number) => {
      const offerId = `o-${++offers}`;
      add(offeredAt, 'acd.offered', { i, q, a }, { offerId, agentId: a, strategy: 'longest-idle', candidates: 2, why: 'longest idle' });
      add(offeredAt, 'acd.offer.ringing', { i, q, a }, { offerId });
      add(missedAt, 'acd.offer.missed', { i, q, a }, { offerId, reason: 'noAnswer', misses: 1 });
    },
    /** The conversation ends, then the queue's wrap-up (10 s here) runs to its end. */
    end: (i: string, q: string, a: string, answeredAt: number, endedAt: number, by = 'caller') => {
      add(endedAt, 'acd.ended', { i, q, a }, { by, talkMs: (endedAt - answeredAt) * 1000 });
      add(endedAt, 'acd.wrapup.started', { i, q, a }, { until: at(endedAt + 10) });
      add(endedAt + 10, 'acd.wrapup.ended', { i, q, a }, { early: false, handleMs: (endedAt + 10 - answeredAt) * 1000 });
    },
    add,
  };
  return j;
}

/** The eight interactions and three agents of the worked example. */
export function workedExampleJournal(): JournalRow[] {
  const j = journalBuilder();
  j.login('alice', -300);
  j.login('bob', -300);
  j.pause('bob', -240, 'break', false);

  // C1 answered fast, by alice.
  j.enqueue('c1', 'sales', 0, 15);
  j.answer('c1', 'sales', 'alice', 0, 8, 8);
  // C2 arrives while alice talks (bob on a break): answered slowly, after alice's wrap-up.
  j.enqueue('c2', 'sales', 100, 30);
  j.end('c1', 'sales', 'alice', 8, 128);
  j.answer('c2', 'sales', 'alice', 138, 145, 45);
  j.end('c2', 'sales', 'alice', 145, 205);
  j.pause('alice', 250, 'training', true);
  // C3 and C4: nobody available; one hangs up within 3 s, the other after a minute.
  j.enqueue('c3', 'sales', 300, null);
  j.add(303, 'acd.abandoned', { i: 'c3', q: 'sales' }, { waitMs: 3000 });
  j.enqueue('c4', 'sales', 400, null);
  j.add(460, 'acd.abandoned', { i: 'c4', q: 'sales' }, { waitMs: 60000 });
  j.unpause('alice', 550, 'training', 250);
  j.unpause('bob', 590, 'break', -240);
  // C5: bob does not answer (RONA, paused no-answer), alice does.
  j.enqueue('c5', 'sales', 600, 15);
  j.miss('c5', 'sales', 'bob', 600, 615);
  j.pause('bob', 615, 'no-answer', false, true);
  j.answer('c5', 'sales', 'alice', 615, 620, 20);
  j.end('c5', 'sales', 'alice', 620, 680);
  // C6: alice answers, then blind-transfers the caller to billing, where carol answers.
  j.login('carol', 700);
  j.enqueue('c6', 'sales', 700, 10);
  j.answer('c6', 'sales', 'alice', 700, 705, 5);
  j.add(765, 'acd.transferred', { i: 'c6', a: 'alice' }, { mode: 'blind', fromAgent: 'alice', to: { queue: 'billing' }, by: 'alice desk' });
  j.end('c6', 'sales', 'alice', 705, 765, 'agent');
  j.enqueue('c6.t1', 'billing', 765, 20);
  j.answer('c6.t1', 'billing', 'carol', 765, 790, 90);
  j.end('c6.t1', 'billing', 'carol', 790, 890);
  j.logout('bob', 1000);

  // C7: alice at lunch; the caller asks for a callback after 30 s, alice calls back after lunch.
  j.pause('alice', 3600, 'lunch', false);
  j.enqueue('c7', 'sales', 3700, null);
  j.add(3730, 'acd.left', { i: 'c7', q: 'sales' }, { reason: 'withdrawn', waitMs: 30000 });
  j.add(3730, 'acd.callback.requested', { i: 'c7.cb1', q: 'sales' }, { number: '5145550107', queueId: 'sales' });
  j.enqueue('c7.cb1', 'sales', 3730, null);
  j.unpause('alice', 3760, 'lunch', 3600);
  j.answer('c7.cb1', 'sales', 'alice', 3760, 3765, 65);
  j.add(3765, 'acd.callback.dialing', { i: 'c7.cb1', a: 'alice' }, { number: '5145550107', attempt: 1, agentId: 'alice' });
  j.add(3775, 'acd.callback.connected', { i: 'c7.cb1', a: 'alice' }, { number: '5145550107', attempt: 1, agentId: 'alice' });
  j.end('c7.cb1', 'sales', 'alice', 3765, 3835);
  // C8: alice in training, bob gone: sales' maxWaitSec (60) sends the caller to billing, carol answers.
  j.pause('alice', 3880, 'training', true);
  j.enqueue('c8', 'sales', 3900, null);
  j.add(3960, 'acd.overflow', { i: 'c8', q: 'sales' }, { from: 'sales', to: 'billing', reason: 'maxWait' });
  j.answer('c8', 'billing', 'carol', 3960, 3970, 70);
  j.end('c8', 'billing', 'carol', 3970, 4030);
  j.unpause('alice', 4000, 'training', 3880);
  j.logout('carol', 4100);
  j.logout('alice', 6900);
  return j.rows.sort((x, y) => x.at - y.at || x.seq - y.seq).map((r, k) => ({ ...r, seq: k + 1 }));
}
