// Throughput and latency of `GET /api/v1/queues/:id/stats` while calls are running, and what the
// stats traffic does to the calls. One Switchboard process, one run, phases side by side:
//   A  stats only:      N concurrent HTTP clients ask the queue's stats, no calls
//   C  calls only:      a steady ACD call load (control for the calls' own figures)
//   B  stats + calls:   the same clients while the same call load runs
// and reports B/A for the stats endpoint and B vs C for the calls (offer latency, failed calls,
// the server's event-loop delay).
//
//   flock /tmp/asterisk-it.lock npx tsx bench/stats-under-load.ts
//
// (the lock: other people run integration tests against the same Asterisk). Environment:
//   BENCH_CLIENTS        concurrent HTTP clients, each a fetch loop (4)
//   BENCH_DURATION_S     measured window per phase, seconds (30)
//   BENCH_AGENTS         SIPp agents, PJSIP/1001.. (6, the most asterisk-config has)
//   BENCH_HOLD_MS        agent talk time before the agent hangs up (3000)
//   BENCH_RING_MS        agent ring time before answering (200)
//   BENCH_WAITING        callers kept waiting in queue on top of one per agent (3)
//   BENCH_HISTORY_DAYS   days of journal history written before the server starts (30)
//   BENCH_HISTORY_GAP_S  seconds between two copies of the history pattern (200: ~3,000 queue visits a day)
//   BENCH_INTERVAL       stats interval asked (15m); the range is the 24 h up to the next quarter hour + 15 min
//   BENCH_ORDER          phase order (A,C,B)
//   BENCH_WRITE=0        print only; by default appends a block to "## Stats API under call load" in bench/RESULTS.md
//
// History: the journal of docs/stats.md's worked example (test/unit/core/stats/worked-example.ts:
// 8 calls per copy: answered, abandoned short and long, a RONA, a blind transfer, a callback, an
// overflow), its queue `sales` renamed to the bench queue and `billing` to `hist-billing`, replayed
// every BENCH_HISTORY_GAP_S seconds with fresh interaction and agent ids over BENCH_HISTORY_DAYS
// days up to 2 h ago, written raw into the fresh data dir's acd_events before the server starts (the
// server folds the projection from it at start-up, as after an upgrade).
//
// Call load: SIPp callers dial 498 (bench/flows/acd-queue.yaml: straight into the `bench` queue);
// first one per agent plus BENCH_WAITING at once, then one every (ring + hold + 150 ms) / agents,
// i.e. about the agents' capacity, so every agent stays busy and a few callers wait.
// Offer latency per INVITE an agent receives: INVITE (SIPp's log) - max(the interaction's
// `acd.enqueued` row, the agent's previous BYE); "to a free agent" when the caller came last,
// "hand-off" when the agent's BYE did (then a caller was waiting).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../src/adapters/sqlite/database.js';
import { ari, clearAsterisk, waitFor } from '../test/integration/support/asterisk.js';
import { createKey, newDataDir, startServer, type RunningServer } from '../test/integration/support/server-process.js';
import { sippCall, type SippResult } from '../test/integration/support/sipp.js';
import { startAgent, type AgentCall, type SippAgent } from '../test/integration/support/sipp-agent.js';
import { workedExampleJournal, DAY_START } from '../test/unit/core/stats/worked-example.js';

const num = (name: string, def: number) => Number(process.env[name] ?? def);
const CLIENTS = num('BENCH_CLIENTS', 4);
const DURATION_S = num('BENCH_DURATION_S', 30);
const AGENTS = num('BENCH_AGENTS', 6);
const HOLD_MS = num('BENCH_HOLD_MS', 3000);
const RING_MS = num('BENCH_RING_MS', 200);
const WAITING = num('BENCH_WAITING', 3);
const HISTORY_DAYS = num('BENCH_HISTORY_DAYS', 30);
const HISTORY_GAP_S = num('BENCH_HISTORY_GAP_S', 200);
const INTERVAL = process.env.BENCH_INTERVAL ?? '15m';
const ORDER = (process.env.BENCH_ORDER ?? 'A,C,B').split(',') as PhaseName[];
const WRITE = process.env.BENCH_WRITE !== '0';
const ROOT = resolve(import.meta.dirname, '..');
const QUEUE = 'bench';
const NUMBER = '498'; // bench/flows has no routes.yaml: every number goes to acd-queue
const WARMUP_MS = 6000; // call phases: from the first callers to the measured window
type PhaseName = 'A' | 'B' | 'C';
if (!(AGENTS >= 1 && AGENTS <= 6) || !(CLIENTS >= 1) || !(DURATION_S > 0) || ORDER.some((p) => !['A', 'B', 'C'].includes(p))) {
  process.stderr.write('BENCH_AGENTS 1-6, BENCH_CLIENTS >= 1, BENCH_DURATION_S > 0, BENCH_ORDER of A,B,C\n');
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------
// History, written before the server starts.

function writeHistory(dataDir: string, endAt: number): { rows: number; calls: number; copies: number; ms: number } {
  const t0 = performance.now();
  const pattern = workedExampleJournal();
  const agentsOf = new Set(pattern.flatMap((r) => (r.agentId ? [r.agentId] : [])));
  const queueMap: Record<string, string> = { sales: QUEUE, billing: 'hist-billing' };
  const span = Math.max(...pattern.map((r) => r.at)) - DAY_START;
  const start = endAt - HISTORY_DAYS * 86_400_000;
  const copies = Math.floor((endAt - span - start) / (HISTORY_GAP_S * 1000));
  // Every id and queue name of the pattern made the copy's own; times shifted (also `until`).
  const remap = (value: unknown, k: number, shift: number, key = ''): unknown => {
    if (typeof value === 'string') return queueMap[value] ?? (agentsOf.has(value) ? `h${k}-${value}` : value);
    if (typeof value === 'number' && key === 'until') return value + shift;
    if (Array.isArray(value)) return value.map((v) => remap(v, k, shift));
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([kk, v]) => [kk, remap(v, k, shift, kk)]));
    return value;
  };
  type Raw = [number, string, string | null, string | null, string | null, string | null, string];
  const rows: Raw[] = [];
  for (let k = 0; k < copies; k++) {
    const shift = start + k * HISTORY_GAP_S * 1000 - DAY_START;
    for (const r of pattern) {
      rows.push([
        r.at + shift, r.type, r.interactionId && `h${k}-${r.interactionId}`, r.agentId && `h${k}-${r.agentId}`, r.queueId && (queueMap[r.queueId] ?? r.queueId),
        r.callId && `h${k}-${r.callId}`, JSON.stringify(remap(r.data, k, shift)),
      ]);
    }
  }
  rows.sort((a, b) => a[0] - b[0]);
  const db = openDatabase(join(dataDir, 'switchboard.db'));
  const insert = db.prepare('INSERT INTO acd_events (at, type, interaction_id, agent_id, queue_id, call_id, data) VALUES (?, ?, ?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (const r of rows) insert.run(...r);
  })();
  db.close();
  const calls = new Set(pattern.map((r) => r.callId).filter(Boolean)).size * copies;
  return { rows: rows.length, calls, copies, ms: performance.now() - t0 };
}

// ---------------------------------------------------------------------------------------------
// Measuring helpers

const q = (values: number[], p: number) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]! : NaN;
};
const fmtMs = (v: number) => (Number.isNaN(v) ? '–' : v < 10 ? `${v.toFixed(1)} ms` : `${Math.round(v)} ms`);
const ratio = (b: number, a: number) => (Number.isFinite(a) && Number.isFinite(b) && a !== 0 ? `${(b / a).toFixed(2)}×` : '–');

/** CPU seconds (user + system) of a process, from /proc (USER_HZ = 100). */
function cpuS(pid: number | undefined): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}

interface HammerResult {
  requests: number;
  errors: number;
  errorSamples: string[];
  latencies: number[];
  seconds: number;
  bytes: number;
}

/** CLIENTS loops, each one request at a time, until `until`. */
async function hammer(url: string, key: string, until: number): Promise<HammerResult> {
  const latencies: number[] = [];
  let errors = 0;
  let bytes = 0;
  const errorSamples: string[] = [];
  const started = performance.now();
  const loop = async () => {
    while (Date.now() < until) {
      const t0 = performance.now();
      try {
        const res = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
        const body = await res.arrayBuffer();
        latencies.push(performance.now() - t0);
        bytes += body.byteLength;
        if (res.status !== 200) {
          errors++;
          if (errorSamples.length < 3) errorSamples.push(`${res.status} ${Buffer.from(body).toString('utf8').slice(0, 200)}`);
        }
      } catch (err) {
        errors++;
        if (errorSamples.length < 3) errorSamples.push(String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, loop));
  return { requests: latencies.length, errors, errorSamples, latencies, seconds: (performance.now() - started) / 1000, bytes };
}

/** nodejs_eventloop_lag_* of the server (prom-client resets its histogram at every scrape). */
async function eventLoop(server: RunningServer, key: string): Promise<Record<string, number>> {
  const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${key}` } });
  const text = await res.text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^nodejs_eventloop_lag_(\w+)_seconds (\S+)$/gm)) out[m[1]!] = Number(m[2]) * 1000;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Setup: clean Asterisk, history, server, queue, agents.

await clearAsterisk();
const asteriskVersion = ((await ari('GET', '/asterisk/info')) as { system: { version: string } }).system.version;
const dataDir = newDataDir();
const now0 = Date.now();
process.stderr.write(`writing ${HISTORY_DAYS} days of history into ${dataDir}...\n`);
const history = writeHistory(dataDir, now0 - 2 * 3600_000);
process.stderr.write(`history: ${history.rows.toLocaleString()} rows, ${history.calls.toLocaleString()} calls in ${(history.ms / 1000).toFixed(1)} s\n`);
const adminKey = createKey(dataDir);
const supervisorKey = createKey(dataDir, 'supervisor');
const startedAt = performance.now();
const server = await startServer({ dataDir, key: adminKey, flowsDir: resolve(ROOT, 'bench/flows'), entryFlow: 'acd-queue', env: { SWITCHBOARD_LOG_LEVEL: 'warn' } });
const startupS = (performance.now() - startedAt) / 1000;
const api = async (method: string, path: string, body?: unknown) => {
  const res = await server.api(path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) });
  if (res.status >= 300) throw new Error(`${method} ${path} -> ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
};

const users = Array.from({ length: AGENTS }, (_, i) => String(1001 + i));
const agents: SippAgent[] = [];
const QUARTER = 15 * 60_000;
const rangeTo = Math.ceil(Date.now() / QUARTER) * QUARTER + QUARTER;
const rangeFrom = rangeTo - 86_400_000;
const statsUrl = `${server.url}/api/v1/queues/${QUEUE}/stats?from=${new Date(rangeFrom).toISOString()}&to=${new Date(rangeTo).toISOString()}&interval=${INTERVAL}&tz=UTC`;

interface StatsPhase {
  name: PhaseName;
  stats?: HammerResult;
  calls?: CallPhase;
  loop: Record<string, number>;
  serverCpuS: number;
  windowS: number;
}
interface Sample {
  kind: 'free' | 'handoff';
  ms: number;
}
interface CallPhase {
  results: SippResult[];
  samples: Sample[];
  /** Offers vs INVITEs that could not be paired, misses (RONA), calls the flow tagged not answered. */
  unmatched: number;
  missed: number;
  notAnswered: number;
  started: number;
  maxWaiting: number;
  maxBridged: number;
  /** Callers placed again because SIPp could not bind its port (see withCalls). */
  bindRetries: number;
}

const GAP_MS = (RING_MS + HOLD_MS + 150) / AGENTS;
let notAnsweredSoFar = 0;

/** Runs the call load; `during` is called for the measured window. */
async function withCalls(during: (until: number) => Promise<void>): Promise<CallPhase> {
  const before = new Map(agents.map((a) => [a.user, a.calls().length]));
  const prevEnd = new Map(agents.map((a) => [a.user, a.calls().at(-1)?.endedAt ?? -Infinity]));
  const from = Date.now();
  const calls: Promise<SippResult>[] = [];
  let stop = false;
  let bindRetries = 0;
  // sipp.ts gives each caller the next SIP port from 15060 (media 20000+) without checking it is
  // free, and Asterisk's RTP range is 10000-20000 (asterisk-config/rtp.conf): a caller whose port
  // Asterisk holds dies at once ("Unable to bind"). Such a caller never reached Asterisk, so it is
  // placed again (next port) and counted apart from failed calls.
  const place = () =>
    calls.push(
      (async () => {
        for (;;) {
          const r = await sippCall({ scenario: 'caller-until-bye', service: NUMBER, timeoutS: 120 }).done;
          if (r.code === 0 || r.elapsedMs > 2000 || !/Unable to bind/.test(r.output)) return r;
          bindRetries++;
        }
      })(),
    );
  for (let i = 0; i < AGENTS + WAITING; i++) place();
  const arrivals = (async () => {
    for (let next = Date.now() + GAP_MS; !stop; next += GAP_MS) {
      await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
      if (!stop) place();
    }
  })();
  // Bridged calls and callers not in a bridge (waiting, or an agent ringing), sampled once a
  // second from Asterisk, so the sampling costs the server nothing.
  let maxWaiting = 0;
  let maxBridged = 0;
  const sampler = setInterval(() => {
    void Promise.all([ari('GET', '/channels'), ari('GET', '/bridges')]).then(([ch, br]) => {
      const bridged = (br as { channels: string[] }[]).filter((b) => b.channels.length >= 2);
      const inBridge = new Set(bridged.flatMap((b) => b.channels));
      const callers = (ch as { id: string; name: string }[]).filter((c) => c.name.startsWith('PJSIP/trunk-') && !inBridge.has(c.id)).length;
      maxWaiting = Math.max(maxWaiting, callers);
      maxBridged = Math.max(maxBridged, bridged.length);
    }).catch(() => undefined);
  }, 1000);
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  const windowFrom = Date.now();
  const windowTo = windowFrom + DURATION_S * 1000;
  await during(windowTo);
  stop = true;
  await arrivals;
  const results = await Promise.all(calls);
  clearInterval(sampler);
  await waitFor(async () => ((await ari('GET', '/channels')) as unknown[]).length === 0, 60_000, 'Asterisk to have no channels');

  // Pair each agent's INVITEs of this phase with its offers in the journal, in order.
  const journal = async (type: string) =>
    (await api('GET', `/api/v1/acd/journal?from=${new Date(from - 1000).toISOString()}&type=${type}&limit=5000`)) as { at: string; interactionId: string | null; agentId: string | null }[];
  const enqueued = new Map((await journal('acd.enqueued')).map((r) => [r.interactionId, Date.parse(r.at)]));
  const offered = (await journal('acd.offered')).sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const missed = (await journal('acd.offer.missed')).length;
  const samples: Sample[] = [];
  let unmatched = 0;
  for (const a of agents) {
    const invites: AgentCall[] = a.calls().slice(before.get(a.user));
    const offers = offered.filter((o) => o.agentId === `a${a.user}`);
    if (offers.length !== invites.length) process.stderr.write(`warning: agent ${a.user}: ${offers.length} offers, ${invites.length} INVITEs\n`);
    let lastEnd = prevEnd.get(a.user)!;
    for (let i = 0; i < Math.min(offers.length, invites.length); i++) {
      const inv = invites[i]!;
      const entry = enqueued.get(offers[i]!.interactionId);
      if (entry === undefined) unmatched++;
      else if (inv.invitedAt >= windowFrom && inv.invitedAt <= windowTo) {
        const handoff = lastEnd > entry;
        samples.push({ kind: handoff ? 'handoff' : 'free', ms: inv.invitedAt - (handoff ? lastEnd : entry) });
      }
      if (inv.endedAt !== null) lastEnd = inv.endedAt;
    }
    unmatched += Math.abs(offers.length - invites.length);
  }
  const tagged = ((await api('GET', '/api/v1/calls?limit=1&tag=bench-not-answered')).total as number) ?? 0;
  const notAnswered = tagged - notAnsweredSoFar;
  notAnsweredSoFar = tagged;
  return { results, samples, unmatched, missed, notAnswered, started: calls.length, maxWaiting, maxBridged, bindRetries };
}

async function runPhase(name: PhaseName): Promise<StatsPhase> {
  process.stderr.write(`phase ${name}...\n`);
  let stats: HammerResult | undefined;
  let loop: Record<string, number> = {};
  let cpu = 0;
  let windowS = 0;
  const measured = async (until: number) => {
    await eventLoop(server, supervisorKey); // resets the histogram
    const c0 = cpuS(server.process.pid);
    const t0 = performance.now();
    if (name === 'C') await new Promise((r) => setTimeout(r, Math.max(0, until - Date.now())));
    else stats = await hammer(statsUrl, supervisorKey, until);
    windowS = (performance.now() - t0) / 1000;
    cpu = cpuS(server.process.pid) - c0;
    loop = await eventLoop(server, supervisorKey);
  };
  const calls = name === 'A' ? undefined : await withCalls(measured);
  if (name === 'A') await measured(Date.now() + DURATION_S * 1000);
  return { name, stats, calls, loop, serverCpuS: cpu, windowS };
}

const phases: StatsPhase[] = [];
let probe: { status: number; intervals: number; offered: number; bytes: number; ms: number } | undefined;
try {
  await api('PUT', '/api/v1/skills/bench', { description: 'bench' });
  await api('POST', '/api/v1/queues', {
    id: QUEUE, name: QUEUE, skills: [{ skill: 'bench', minProficiency: 1 }], strategy: 'longest-idle', ringTimeoutSec: 15, wrapUpSec: 0,
    hold: { moh: 'default', announceEverySec: null, announcePosition: false, announceWait: false },
  });
  for (const user of users) agents.push(await startAgent({ user, behaviour: 'answer', answerAfterMs: RING_MS, holdMs: HOLD_MS }));
  for (const user of users) await api('POST', '/api/v1/agents', { id: `a${user}`, name: `a${user}`, endpoints: [`PJSIP/${user}`], skills: { bench: 1 } });
  for (const user of users) await waitFor(async () => (await server.api(`/api/v1/agents/a${user}`)).body.live?.registered === true, 15_000, `a${user} registered`);
  for (const user of users) await api('POST', `/api/v1/agents/a${user}/login`);

  // One request to check the answer and warm up.
  const t0 = performance.now();
  const res = await fetch(statsUrl, { headers: { authorization: `Bearer ${supervisorKey}` } });
  const text = await res.text();
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`stats: ${res.status} ${text.slice(0, 300)}`);
  const body = JSON.parse(text) as { summary: { offered: number }; intervals: unknown[] };
  probe = { status: res.status, intervals: body.intervals.length, offered: body.summary.offered, bytes: text.length, ms };
  process.stderr.write(`stats probe: ${probe.intervals} intervals, ${probe.offered} offered in the range, ${probe.bytes} bytes, ${ms.toFixed(0)} ms\n`);
  for (let i = 0; i < 20; i++) await (await fetch(statsUrl, { headers: { authorization: `Bearer ${supervisorKey}` } })).arrayBuffer();

  for (const name of ORDER) phases.push(await runPhase(name));
} finally {
  for (const a of agents) await a.stop().catch(() => undefined);
  await server.kill('SIGTERM');
}

// ---------------------------------------------------------------------------------------------
// Report

const by = (n: PhaseName) => phases.find((p) => p.name === n);
const label: Record<PhaseName, string> = { A: 'A: stats only', C: 'C: calls only', B: 'B: stats + calls' };
const statRow = (p: StatsPhase) => {
  const s = p.stats;
  const l = p.loop;
  const loopCell = l.p99 !== undefined ? `${fmtMs(l.p50!)} / ${fmtMs(l.p99)} / ${fmtMs(l.max!)}` : '–';
  const cpu = `${((p.serverCpuS / p.windowS) * 100).toFixed(0)} %`;
  if (!s) return `| ${label[p.name]} | – | – | – | – | – | – | ${loopCell} | ${cpu} |`;
  return `| ${label[p.name]} | ${s.requests} | ${(s.requests / s.seconds).toFixed(1)} | ${fmtMs(q(s.latencies, 0.5))} | ${fmtMs(q(s.latencies, 0.95))} | ${fmtMs(q(s.latencies, 0.99))} | ${s.errors} | ${loopCell} | ${cpu} |`;
};
const A = by('A');
const B = by('B');
const C = by('C');
const rows = [
  '| Phase | stats requests | req/s | p50 | p95 | p99 | errors | server event-loop delay p50 / p99 / max | server CPU |',
  '|---|---|---|---|---|---|---|---|---|',
  ...phases.map(statRow),
];
if (A?.stats && B?.stats) {
  const [a, b] = [A.stats, B.stats];
  rows.push(`| **ratio B / A** | | ${ratio(b.requests / b.seconds, a.requests / a.seconds)} | ${ratio(q(b.latencies, 0.5), q(a.latencies, 0.5))} | ${ratio(q(b.latencies, 0.95), q(a.latencies, 0.95))} | ${ratio(q(b.latencies, 0.99), q(a.latencies, 0.99))} | | | |`);
}
const kinds = [['free', 'offer to a free agent'], ['handoff', 'hand-off to a waiting caller']] as const;
const callRows = [
  '| Phase | callers | failed (SIPp exit ≠ 0) | not answered (flow) | RONA | offer to a free agent: n | p50 | p95 | max | hand-off to a waiting caller: n | p50 | p95 | max | most waiting / bridges |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
];
for (const p of [C, B]) {
  if (!p?.calls) continue;
  const c = p.calls;
  const cells = kinds.flatMap(([k]) => {
    const v = c.samples.filter((s) => s.kind === k).map((s) => s.ms);
    return [String(v.length), fmtMs(q(v, 0.5)), fmtMs(q(v, 0.95)), fmtMs(v.length ? Math.max(...v) : NaN)];
  });
  callRows.push(`| ${label[p.name]} | ${c.started} | ${c.results.filter((r) => r.code !== 0).length} | ${c.notAnswered} | ${c.missed} | ${cells.join(' | ')} | ${c.maxWaiting} / ${c.maxBridged} |`);
}
if (B?.calls && C?.calls) {
  const of = (p: StatsPhase, k: string, pct: number) => q(p.calls!.samples.filter((s) => s.kind === k).map((s) => s.ms), pct);
  callRows.push(`| **ratio B / C** | | | | | | ${ratio(of(B, 'free', 0.5), of(C, 'free', 0.5))} | ${ratio(of(B, 'free', 0.95), of(C, 'free', 0.95))} | | | ${ratio(of(B, 'handoff', 0.5), of(C, 'handoff', 0.5))} | ${ratio(of(B, 'handoff', 0.95), of(C, 'handoff', 0.95))} | | |`);
}

const git = (() => {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', 'src'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
    return `${head}${dirty ? ' + uncommitted changes in src/' : ''}`;
  } catch {
    return 'unknown';
  }
})();
const sippVersion = (() => {
  try {
    return /v[\d.]+/.exec(execFileSync('sipp', ['-v'], { encoding: 'utf8' }))?.[0] ?? '?';
  } catch (err) {
    return /v[\d.]+/.exec(String((err as { stdout?: string }).stdout ?? ''))?.[0] ?? '?';
  }
})();
const errors = phases.flatMap((p) => (p.stats?.errorSamples ?? []).map((e) => `${p.name}: ${e}`));
const failed = phases.flatMap((p) => (p.calls?.results ?? []).filter((r) => r.code !== 0).map((r) => `${p.name}: SIPp exit ${r.code} after ${(r.elapsedMs / 1000).toFixed(1)} s`));
for (const p of phases) for (const r of p.calls?.results ?? []) if (r.code !== 0) process.stderr.write(`--- ${p.name}: failed caller (exit ${r.code}) ---\n${r.output.split('\n').filter((l) => /error|unable|fail|timeout/i.test(l) && !/^\s*(Failed call|Successful call)/.test(l)).slice(0, 8).join('\n')}\n`);
const block = [
  `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: ${cpus().length} cores (${cpus()[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, Asterisk ${asteriskVersion}, SIPp ${sippVersion}, Switchboard ${git}; load average at the end ${loadavg().map((x) => x.toFixed(1)).join(' / ')}.`,
  `Command: \`${Object.keys(process.env).filter((k) => k.startsWith('BENCH_')).sort().map((k) => `${k}=${process.env[k]} `).join('')}flock /tmp/asterisk-it.lock npx tsx bench/stats-under-load.ts\` (${CLIENTS} client${CLIENTS === 1 ? '' : 's'}, ${DURATION_S} s measured per phase, phases in the order ${ORDER.join(', ')}; ${AGENTS} agents, ring ${RING_MS} ms, talk ${HOLD_MS} ms, ${AGENTS}+${WAITING} callers at once then one every ${Math.round(GAP_MS)} ms, measured from ${WARMUP_MS / 1000} s after the first callers).`,
  `Request: \`GET /api/v1/queues/${QUEUE}/stats\`, supervisor key, the 24 h up to the next quarter hour + 15 min, interval ${INTERVAL}, tz UTC: ${probe?.intervals} intervals, ${probe?.offered} visits offered in the range, ${probe ? Math.round(probe.bytes / 1024) : '?'} KiB of JSON. History: ${history.rows.toLocaleString()} \`acd_events\` rows (${history.calls.toLocaleString()} calls, the docs/stats.md worked example replayed every ${HISTORY_GAP_S} s over ${HISTORY_DAYS} days), server start with the projection rebuild ${startupS.toFixed(1)} s.`,
  '',
  ...rows,
  '',
  ...callRows,
  '',
  `Event-loop delay: prom-client's histogram (10 ms timer resolution: an idle loop reads ~10 ms, the excess is the delay), read from \`GET /metrics\` at the start and end of each window. Server CPU: the Switchboard process over the window (100 % = one core).${errors.length ? ` Stats errors: ${errors.join('; ')}.` : ''}${failed.length ? ` Failed calls: ${failed.join('; ')}.` : ''} Callers placed again after SIPp could not bind its port (not failures): ${phases.map((p) => (p.calls ? `${p.name} ${p.calls.bindRetries}` : '')).filter(Boolean).join(', ')}. Offers not paired with an INVITE: ${phases.map((p) => (p.calls ? `${p.name} ${p.calls.unmatched}` : '')).filter(Boolean).join(', ')}.`,
].join('\n');
process.stdout.write(`${block}\n`);

if (WRITE) {
  const TITLE = '## Stats API under call load';
  const path = resolve(ROOT, 'bench/RESULTS.md');
  const text = readFileSync(path, 'utf8'); // re-read right before writing: others edit other sections
  let next: string;
  if (text.includes(TITLE)) {
    // At the end of this section: before the next level-2 heading, or at the end of the file.
    const at = text.indexOf(TITLE) + TITLE.length;
    const nextHeading = text.indexOf('\n## ', at);
    const end = nextHeading === -1 ? text.length : nextHeading + 1;
    next = `${text.slice(0, end).trimEnd()}\n\n${block}\n${nextHeading === -1 ? '' : '\n'}${text.slice(end)}`;
  } else next = `${text.trimEnd()}\n\n${TITLE}\n\n${block}\n`;
  writeFileSync(path, next);
  process.stderr.write('appended to bench/RESULTS.md\n');
}
process.exit(0);
