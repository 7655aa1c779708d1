import { startOfDay } from '../../../../src/core/stats/buckets.js';
import { SLOT_MS } from '../../../../src/core/stats/queue-rollup.js';
import { INTERVALS, SL_VARIANTS, type JournalRow } from '../../../../src/core/stats/stats-types.js';

// A random ACD journal for property tests of the stats: several queues and agents; answered calls
// with missed offers, wrap-ups that end, are extended, or never end (a lost row, or still running
// at `now`); abandons, callbacks (connected or not), options, timeouts, full and noAgents,
// overflows (at entry and after a wait), blind transfers, adoptions after a restart, callers still
// waiting. Waits are often whole seconds, so thresholds are hit exactly. Calls fall in the given
// windows (pick some across DST changes and zones with odd offsets).

export const random = (seed: number) => () => {
  // mulberry32: small, seedable, good enough for test data.
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

export interface RandomJournalOptions {
  seed: number;
  calls: number;
  /** [from, to) windows the calls enter in, chosen uniformly. */
  windows: [number, number][];
  queues?: string[];
  agents?: string[];
}

type Row = Omit<JournalRow, 'seq'>;

export function randomJournal(o: RandomJournalOptions): JournalRow[] {
  const rnd = random(o.seed);
  const queues = o.queues ?? ['sales', 'billing', 'support', 'vip'];
  const agents = o.agents ?? ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'];
  const pick = <T>(list: T[]): T => list[Math.floor(rnd() * list.length)]!;
  const chance = (p: number) => rnd() < p;
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  /** Whole seconds near the thresholds tests use, or any ms. */
  const wait = () => (chance(0.5) ? int(0, 40) * 1000 : int(0, 120_000));
  const rows: Row[] = [];
  const row = (at: number, type: string, interactionId: string | null, agentId: string | null, queueId: string | null, data: Record<string, unknown> = {}) =>
    rows.push({ at, type, interactionId, agentId, queueId, callId: interactionId ? `call-${interactionId.split('.')[0]}` : null, data });

  for (const a of agents) {
    const [from, to] = pick(o.windows);
    let t = from + int(0, 3600_000);
    row(t, 'acd.agent.login', null, a, null);
    while (t < to) {
      t += int(600_000, 4 * 3600_000);
      row(t, 'acd.agent.paused', null, a, null, { reason: pick(['lunch', 'break', 'training']), productive: chance(0.3) });
      t += int(60_000, 1800_000);
      row(t, 'acd.agent.unpaused', null, a, null);
    }
  }

  /** A conversation and what follows it; returns when the agent's part ended. */
  const talk = (id: string, q: string, agent: string, answeredAt: number) => {
    const ended = answeredAt + int(1000, 600_000);
    if (chance(0.05)) return ended; // the end row was lost: never handled
    if (chance(0.05)) {
      row(ended, 'acd.transferred', id, agent, null, { mode: 'blind', to: { queue: pick(queues) } });
      const t1 = `${id}.t1`;
      row(ended + 1, 'acd.ended', id, agent, q);
      row(ended + 1, 'acd.wrapup.started', id, agent, q, { until: ended + 10_000 });
      row(ended + 10_000, 'acd.wrapup.ended', id, agent, q);
      call(t1, pick(queues), ended + 2, 0);
      return ended;
    }
    row(ended, 'acd.ended', id, agent, q);
    if (chance(0.1)) return ended; // no wrap-up
    const until = ended + int(0, 60_000);
    row(ended, 'acd.wrapup.started', id, agent, q, { until });
    if (chance(0.15)) row(until - int(0, 5000), 'acd.wrapup.extended', null, agent, null, { until: until + int(1000, 30_000) });
    if (chance(0.85)) row(until + int(-2000, 20_000), 'acd.wrapup.ended', id, agent, q); // else lost, or still running at `now`
    return ended;
  };

  const answer = (id: string, q: string, at: number) => {
    let t = at;
    while (chance(0.15)) {
      t += int(1000, 15_000);
      row(t, 'acd.offer.missed', id, pick(agents), q, { reason: 'noAnswer' });
    }
    const agent = pick(agents);
    if (chance(0.03)) row(t + 500, 'acd.adopted', id, agent, q, { connectedAt: t });
    else row(t, 'acd.offer.answered', id, agent, q);
    talk(id, q, agent, t);
  };

  function call(id: string, q: string, at: number, depth: number): void {
    const ewt = chance(0.8) ? { ewtSec: int(0, 60) } : {};
    row(at, 'acd.enqueued', id, null, q, { priority: 0, ...ewt });
    if (chance(0.03)) row(at + int(0, 5000), 'acd.enqueued', id, null, q, { ewtSec: int(0, 60) }); // a restart re-enters the caller
    const end = at + wait();
    const roll = rnd();
    if (roll < 0.5) answer(id, q, end);
    else if (roll < 0.62) row(end, 'acd.abandoned', id, null, q);
    else if (roll < 0.67 && !id.includes('.cb')) {
      row(end, 'acd.left', id, null, q, { reason: 'withdrawn' });
      const cb = `${id}.cb1`;
      row(end + 1, 'acd.enqueued', cb, null, q, {});
      const agent = pick(agents);
      const answered = end + int(10_000, 600_000);
      row(answered, 'acd.offer.answered', cb, agent, q);
      const result = pick(['connected', 'noAnswer', 'failed', 'expired']);
      row(answered + 5000, `acd.callback.${result}`, cb, agent, null);
      talk(cb, q, agent, answered);
    } else if (roll < 0.7) row(end, 'acd.left', id, null, q, { reason: 'option' });
    else if (roll < 0.73) row(end, 'acd.timeout', id, null, q);
    else if (roll < 0.75) row(at, 'acd.noAgents', id, null, q);
    else if (roll < 0.85 && depth < 2) {
      const to = pick(queues.filter((x) => x !== q));
      if (chance(0.3)) {
        row(at, 'acd.full', id, null, q);
        row(at + int(0, 2000), 'acd.overflow', id, null, q, { from: q, to, reason: 'full' });
      } else row(end, 'acd.overflow', id, null, q, { from: q, to, reason: 'maxWait' });
      const next = rows.at(-1)!.at;
      if (chance(0.7)) row(next, 'acd.enqueued', id, null, to, { ewtSec: int(0, 60) });
      if (chance(0.8)) answer(id, to, next + wait());
      else row(next + wait(), 'acd.abandoned', id, null, to);
    } else if (roll < 0.9) row(end, 'acd.full', id, null, q);
    // else: still waiting
  }

  for (let c = 1; c <= o.calls; c++) {
    const [from, to] = pick(o.windows);
    call(`c${c}`, pick(queues), from + Math.floor(rnd() * (to - from)), 0);
  }
  // Journal order is time order (stable for rows of the same ms, as appended).
  return rows
    .map((r, k) => ({ r, k }))
    .sort((x, y) => x.r.at - y.r.at || x.k - y.k)
    .map(({ r }, k) => ({ seq: k + 1, ...r }));
}

export const WINDOWS: [number, number][] = [
  // EU DST starts on 29 March; Lord Howe (30-minute shift), Chatham and Adelaide end theirs on 5 April.
  [Date.UTC(2026, 2, 27), Date.UTC(2026, 3, 7)],
  // EU DST ends on 25 October, the US on 1 November.
  [Date.UTC(2026, 9, 23), Date.UTC(2026, 10, 3)],
  // Liberia kept −0:44:30 until 7 January 1972: local boundaries cut through UTC slots.
  [Date.UTC(1971, 11, 30), Date.UTC(1972, 0, 10)],
];
export const ZONES = ['UTC', 'America/New_York', 'Europe/Paris', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/St_Johns', 'Australia/Eucla', 'Africa/Monrovia'];

export interface RandomQuery {
  from: number;
  to: number;
  interval: (typeof INTERVALS)[number];
  tz: string;
  slSec?: number;
  shortAbandonSec: number;
  slVariant: (typeof SL_VARIANTS)[number];
  now: number;
}

/**
 * A random query over one of the windows: ends at any ms, on a 15-minute slot or at local
 * midnight; `now` sometimes exactly one of `instants` (the announced end of a wrap-up).
 */
export function randomQuery(rnd: () => number, instants: number[] = []): RandomQuery {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const [w0, w1] = pick(WINDOWS);
  const tz = pick(ZONES);
  const at = (t: number) => {
    const r = rnd();
    return r < 0.4 ? Math.round(t) : r < 0.7 ? Math.floor(t / SLOT_MS) * SLOT_MS : startOfDay(t, tz);
  };
  const from = at(w0 - 86_400_000 + rnd() * (w1 - w0));
  const to = Math.max(from + 1, at(from + rnd() * (rnd() < 0.3 ? 86_400_000 : w1 - w0 + 86_400_000)));
  const slSec = rnd() < 0.3 ? undefined : Math.floor(rnd() * 41);
  return { from, to, interval: pick(INTERVALS), tz, ...(slSec === undefined ? {} : { slSec }), shortAbandonSec: Math.floor(rnd() * 11), slVariant: pick(SL_VARIANTS), now: instants.length > 0 && rnd() < 0.3 ? pick(instants) : Math.round(w0 + rnd() * (w1 - w0 + 86_400_000)) };
}
