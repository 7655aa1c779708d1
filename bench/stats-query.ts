// Historical stats query time over a large ACD journal: 1,000,000 acd_events rows over 30 days
// (8 queues, 60 agents; answered calls with RONA, abandons, transfers, callbacks and overflows in
// realistic shares, agents logging in, pausing and out every day). The journal is written raw, the
// projection rebuilt from it (timed), then queue stats are asked through the stats service for a
// day and for the month (p50/p95 of several runs). Also the cost the projection hook adds to an
// append. Writes the "Stats query time" section of bench/RESULTS.md (replacing the previous one).
// Run: npx tsx bench/stats-query.ts [rows]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../src/adapters/sqlite/database.js';
import { createSqliteAcdStateStore } from '../src/adapters/sqlite/sqlite-acd-state-store.js';
import { createSqliteStatsStore } from '../src/adapters/sqlite/sqlite-stats-store.js';
import type { StatsQuery } from '../src/core/stats/stats-query.js';
import { createStatsService } from '../src/services/stats-service.js';

const TARGET_ROWS = Number(process.argv[2] ?? 1_000_000);
const DAYS = 30;
const QUEUES = Array.from({ length: 8 }, (_, q) => `q${q}`);
const AGENTS = Array.from({ length: 60 }, (_, a) => `a${String(a).padStart(2, '0')}`);
const RUNS = 10;
const START = Date.UTC(2026, 9, 1, 0, 0, 0);
const DAY = 86_400_000;

let seed = 7;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = <T>(list: T[]) => list[Math.floor(rand() * list.length)]!;
const between = (lo: number, hi: number) => Math.round(lo + rand() * (hi - lo));

type Row = [number, string, string | null, string | null, string | null, string | null, string];

/** One day's rows: agents' shifts and breaks, then calls spread over 08:00-20:00, in time order. */
function dayRows(day: number, callsPerDay: number, counter: { calls: number; offers: number }): Row[] {
  const rows: Row[] = [];
  const base = START + day * DAY;
  const add = (at: number, type: string, i: string | null, a: string | null, q: string | null, data: object) =>
    rows.push([at, type, i, a, q, i ? `call-${i.split('.')[0]}` : null, JSON.stringify(data)]);
  for (const a of AGENTS) {
    const login = base + 8 * 3600_000 + between(0, 1800_000);
    add(login, 'acd.agent.login', null, a, null, {});
    const pause = login + between(3, 5) * 3600_000;
    add(pause, 'acd.agent.paused', null, a, null, { reason: pick(['lunch', 'break', 'training']), productive: false, auto: false });
    add(pause + between(900_000, 3600_000), 'acd.agent.unpaused', null, a, null, { reason: 'lunch', pausedMs: 1 });
    add(base + 20 * 3600_000 + between(0, 1800_000), 'acd.agent.logout', null, a, null, {});
  }
  for (let c = 0; c < callsPerDay; c++) {
    const id = `r${++counter.calls}`;
    const q = pick(QUEUES);
    let t = base + 8 * 3600_000 + Math.floor(rand() * 12 * 3600_000);
    const enqueue = (i: string, queue: string, at: number) => add(at, 'acd.enqueued', i, null, queue, { priority: 0, skills: [], requirements: [], ewtSec: between(0, 120), position: between(1, 6) });
    const answer = (i: string, queue: string, a: string, at: number, wait: number) => {
      const offerId = `o-${++counter.offers}`;
      add(at, 'acd.offered', i, a, queue, { offerId, agentId: a, strategy: 'longest-idle', candidates: 3, why: 'longest idle' });
      add(at + 200, 'acd.offer.ringing', i, a, queue, { offerId });
      add(at + wait, 'acd.offer.answered', i, a, queue, { offerId, waitMs: wait });
    };
    const talk = (i: string, queue: string, a: string, at: number, talkMs: number) => {
      add(at + talkMs, 'acd.ended', i, a, queue, { by: 'caller', talkMs });
      add(at + talkMs, 'acd.wrapup.started', i, a, queue, { until: at + talkMs + 10_000 });
      add(at + talkMs + 10_000, 'acd.wrapup.ended', i, a, queue, { early: false, handleMs: talkMs + 10_000 });
    };
    const roll = rand();
    enqueue(id, q, t);
    const a = pick(AGENTS);
    if (roll < 0.1) {
      add(t + between(1000, 120_000), 'acd.abandoned', id, null, q, { waitMs: 1 });
    } else if (roll < 0.13) {
      add(t + 30_000, 'acd.left', id, null, q, { reason: 'withdrawn', waitMs: 30_000 });
      add(t + 30_000, 'acd.callback.requested', `${id}.cb1`, null, q, { number: '5145550100', queueId: q });
      enqueue(`${id}.cb1`, q, t + 30_000);
      answer(`${id}.cb1`, q, a, t + 300_000, 3000);
      add(t + 303_000, 'acd.callback.dialing', `${id}.cb1`, a, null, { number: '5145550100', attempt: 1, agentId: a });
      add(t + 310_000, 'acd.callback.connected', `${id}.cb1`, a, null, { number: '5145550100', attempt: 1, agentId: a });
      talk(`${id}.cb1`, q, a, t + 303_000, between(60_000, 300_000));
    } else {
      if (roll < 0.16) {
        const to = pick(QUEUES);
        t += 60_000;
        add(t, 'acd.overflow', id, null, q, { from: q, to, reason: 'maxWait' });
      }
      if (rand() < 0.06) {
        const offerId = `o-${++counter.offers}`;
        const missed = pick(AGENTS);
        add(t + 1000, 'acd.offered', id, missed, q, { offerId, agentId: missed, strategy: 'longest-idle', candidates: 3, why: 'longest idle' });
        add(t + 16_000, 'acd.offer.missed', id, missed, q, { offerId, reason: 'noAnswer', misses: 1 });
        t += 16_000;
      }
      const wait = between(2000, 90_000);
      answer(id, q, a, t, wait);
      const talkMs = between(30_000, 400_000);
      if (roll > 0.97) {
        const to = pick(QUEUES);
        add(t + wait + talkMs, 'acd.transferred', id, a, null, { mode: 'blind', fromAgent: a, to: { queue: to }, by: a });
        talk(id, q, a, t + wait, talkMs);
        enqueue(`${id}.t1`, to, t + wait + talkMs);
        const b = pick(AGENTS);
        answer(`${id}.t1`, to, b, t + wait + talkMs, 15_000);
        talk(`${id}.t1`, to, b, t + wait + talkMs + 15_000, between(30_000, 300_000));
      } else talk(id, q, a, t + wait, talkMs);
    }
  }
  return rows.sort((x, y) => x[0] - y[0]);
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: s[Math.floor(s.length * 0.5)]!, p95: s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)]! };
};
const time = <T>(fn: () => T): [T, number] => {
  const t0 = performance.now();
  const r = fn();
  return [r, performance.now() - t0];
};

const dir = mkdtempSync(join(os.tmpdir(), 'stats-bench-'));
try {
  const db = openDatabase(join(dir, 'switchboard.db'));
  const insert = db.prepare('INSERT INTO acd_events (at, type, interaction_id, agent_id, queue_id, call_id, data) VALUES (?, ?, ?, ?, ?, ?, ?)');
  // ~6.9 rows per call on average plus 4 per agent per day: calls per day from the row target.
  const callsPerDay = Math.round((TARGET_ROWS / DAYS - AGENTS.length * 4) / 6.87);
  const counter = { calls: 0, offers: 0 };
  const [written, buildMs] = time(() => {
    let n = 0;
    db.transaction(() => {
      for (let d = 0; d < DAYS; d++) for (const r of dayRows(d, callsPerDay, counter)) (insert.run(...r), n++);
    })();
    return n;
  });
  console.log(`journal: ${written.toLocaleString()} rows, ${counter.calls.toLocaleString()} calls, written in ${(buildMs / 1000).toFixed(1)} s`);

  const store = createSqliteStatsStore(db);
  const [rebuilt, rebuildMs] = time(() => store.rebuild());
  const visits = db.prepare('SELECT count(*) FROM stats_visits').pluck().get() as number;
  console.log(`projection rebuild: ${rebuilt.rows.toLocaleString()} rows -> ${visits.toLocaleString()} visits in ${(rebuildMs / 1000).toFixed(2)} s`);

  const service = createStatsService({
    store, queues: () => QUEUES.map((id) => ({ id, serviceLevelSec: 20 })), agents: () => AGENTS.map((id) => ({ id })), now: () => START + DAYS * DAY, timeZone: 'UTC',
  });
  const q = (from: number, days: number, interval: StatsQuery['interval']): StatsQuery => ({ from, to: from + days * DAY, interval, tz: 'America/New_York', shortAbandonSec: 5, slVariant: 'answered' });
  const day = START + 14 * DAY;
  const cases: [string, () => unknown][] = [
    ['day, one queue, 15m', () => service.queueStats('q3', q(day, 1, '15m'))],
    ['day, all queues + total, 15m', () => service.allQueueStats(q(day, 1, '15m'))],
    ['month, one queue, day', () => service.queueStats('q3', q(START, DAYS, 'day'))],
    ['month, one queue, 60m', () => service.queueStats('q3', q(START, DAYS, '60m'))],
    ['month, all queues + total, day', () => service.allQueueStats(q(START, DAYS, 'day'))],
    ['month, all queues + total, 60m', () => service.allQueueStats(q(START, DAYS, '60m'))],
    ['day, all agents + total, 15m', () => service.allAgentStats(q(day, 1, '15m'))],
    ['month, all agents + total, day', () => service.allAgentStats(q(START, DAYS, 'day'))],
  ];
  const results: { name: string; p50: number; p95: number }[] = [];
  for (const [name, fn] of cases) {
    fn();
    const samples = Array.from({ length: RUNS }, () => time(fn)[1]);
    results.push({ name, ...stats(samples) });
    console.log(`${name}: p50 ${stats(samples).p50.toFixed(1)} ms, p95 ${stats(samples).p95.toFixed(1)} ms`);
  }

  // The hook's cost per append: the same rows appended one by one (autocommit, as the ACD does) with and without it.
  const extra = dayRows(DAYS, 600, counter).slice(0, 5000).map(([at, type, interactionId, agentId, queueId, callId, data]) => ({ at, type, interactionId, agentId, queueId, callId, data: JSON.parse(data) as Record<string, unknown> }));
  const plain = createSqliteAcdStateStore(db);
  const hooked = createSqliteAcdStateStore(db, { onAppend: (row) => store.apply(row) });
  const [, plainMs] = time(() => extra.slice(0, 2500).forEach((r) => plain.appendEvent(r)));
  store.catchUp();
  const [, hookedMs] = time(() => extra.slice(2500).forEach((r) => hooked.appendEvent(r)));
  const perPlain = (plainMs / 2500) * 1000;
  const perHooked = (hookedMs / 2500) * 1000;
  console.log(`append: ${perPlain.toFixed(0)} µs without the projection, ${perHooked.toFixed(0)} µs with it`);
  db.close();

  const ms = (x: number) => `${x.toFixed(1)} ms`;
  // The targets are about queue stats; agent rows are for information.
  const verdict = (prefix: string, limit: number) =>
    results.filter((r) => r.name.startsWith(prefix) && !r.name.includes('agents')).map((r) => `${r.name.slice(prefix.length)} ${r.p95 < limit ? 'met' : 'NOT met'} (p95 ${ms(r.p95)})`).join(', ');
  const section = [
    `## Stats query time (${new Date().toISOString().slice(0, 10)})`,
    `Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')} (1/5/15 min) at the end: the machine is shared, so read these as upper bounds.`,
    `Command: \`npx tsx bench/stats-query.ts\`. Journal: ${written.toLocaleString()} \`acd_events\` rows over ${DAYS} days (8 queues, 60 agents, ${counter.calls.toLocaleString()} calls:`,
    'answered with 6 % RONA, 10 % abandoned, 3 % callbacks, 3 % overflow, 3 % transferred), written raw, then the projection rebuilt from it.',
    `Queries go through the stats service (projection catch-up check, SQLite read, metrics in core), tz America/New_York, ${RUNS} runs each after one warm-up.`,
    '',
    '| What | p50 | p95 |',
    '|---|---|---|',
    ...results.map((r) => `| ${r.name} | ${ms(r.p50)} | ${ms(r.p95)} |`),
    `| projection rebuild, ${written.toLocaleString()} rows → ${visits.toLocaleString()} visits (one run) | ${(rebuildMs / 1000).toFixed(2)} s | |`,
    `| one journal append (autocommit), without → with the projection hook | ${perPlain.toFixed(0)} µs → ${perHooked.toFixed(0)} µs | |`,
    '',
    `Targets (queue stats, p95): a day under 50 ms — ${verdict('day, ', 50)}; a month under 500 ms — ${verdict('month, ', 500)}.`,
    '',
  ].join('\n');
  // Replace the section in place (up to the next level-2 heading), or append it the first time.
  const file = new URL('./RESULTS.md', import.meta.url);
  const text = readFileSync(file, 'utf8');
  const at = text.search(/^## Stats query time/m);
  const next = at < 0 ? -1 : text.slice(at + 1).search(/^## /m);
  writeFileSync(file, at < 0 ? `${text}\n${section}` : `${text.slice(0, at)}${section}${next < 0 ? '' : `\n${text.slice(at + 1 + next)}`}`);
  console.log('written to bench/RESULTS.md');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
