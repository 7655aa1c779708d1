// ACD offer latency on real calls: Switchboard's ACD side by side with Asterisk's own Queue(), on
// the same Asterisk, with the same SIPp agents and the same seeded arrival schedule of SIPp
// callers, one system after the other in one run.
//
//   flock /tmp/asterisk-it.lock npx tsx bench/acd-latency.ts [callers] [agents]
//
// (the lock: other people run integration tests against the same Asterisk). Defaults: 100 callers,
// 3 agents (at most 6: PJSIP/1001-1006 in asterisk-config/pjsip-agents.conf). Environment:
//   BENCH_HOLD_MS    agent talk time before the agent hangs up (1500)
//   BENCH_RING_MS    agent ring time before answering (200)
//   BENCH_LOAD       offered load per agent, sets the mean gap between callers (0.9)
//   BENCH_SEED       arrival schedule seed (1); both systems get the same schedule
//   BENCH_ORDER      which system runs first (app_queue,switchboard)
//   BENCH_LOG_LEVEL  Switchboard's log level (warn)
//   BENCH_TRACE=1    trace the Switchboard process (a preload that timestamps its ARI websocket
//                    messages, ARI HTTP requests and SQLite statements; src/ untouched) and print
//                    where its time goes. BENCH_TRACE_WAL_AUTOCHECKPOINT=N additionally sets
//                    PRAGMA wal_autocheckpoint=N on the server's database (a diagnostic experiment)
//   BENCH_DUMP=file  also write every sample (JSON) there
//   BENCH_WRITE=0    print only; by default the results replace this configuration's generated
//                    block in the "ACD offer latency vs app_queue" section of bench/RESULTS.md
//                    (one block per callers/agents/load/hold/trace; text outside blocks is kept)
//
// What is measured, per INVITE an agent receives (SIPp's own log, the agent's clock):
//   offer to a free agent   the agent was already free when the caller entered the queue:
//                           INVITE - caller's queue entry
//   hand-off to a waiter    the caller was already waiting when the agent hung up its previous
//                           call: INVITE - the agent's BYE (SIPp's log)
// i.e. INVITE - max(queue entry, agent's last BYE), classified by which came last. Queue entry is
// app_queue: Asterisk's ChannelDialplan event as the caller starts Queue() (an observer ARI app
// subscribed to everything takes Asterisk's own timestamps);
// Switchboard: the call's `queue.entered` journal row, written right before the ACD's enqueue
// (the server's clock: same host, same wall clock).
// Both systems answer the caller first with a raw answer (ARI answer; Answer(,i) in the dialplan)
// and play music on hold; neither has wrap-up or announcements.
// The INVITE is matched to its Asterisk channel by order per agent, the channel to its caller by
// the bridge they share. A second table splits the same samples into stages (Asterisk's events,
// SIPp's log, with BENCH_TRACE the server's own clock), including the end-to-end "caller INVITE at
// Asterisk -> agent INVITE", which adds what happens before the queue (Stasis, answer, the flow).
// Callers use their own port range (see callerCall), agents the test helper's (16001+).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import { parseAriTime } from '../src/adapters/ari/ari-event-mapper.js';
import { ari, channels, clearAsterisk, waitFor } from '../test/integration/support/asterisk.js';
import { createKey, newDataDir, startServer, type RunningServer } from '../test/integration/support/server-process.js';
import type { SippResult } from '../test/integration/support/sipp.js';
import { udpPortInUse } from '../test/integration/support/sipp-uas.js';
import { startAgent, type AgentCall, type SippAgent } from '../test/integration/support/sipp-agent.js';

const CALLERS = Number(process.argv[2] ?? 100);
const AGENTS = Number(process.argv[3] ?? 3);
const HOLD_MS = Number(process.env.BENCH_HOLD_MS ?? 1500);
const RING_MS = Number(process.env.BENCH_RING_MS ?? 200);
const LOAD = Number(process.env.BENCH_LOAD ?? 0.9);
const SEED = Number(process.env.BENCH_SEED ?? 1);
const ORDER = (process.env.BENCH_ORDER ?? 'app_queue,switchboard').split(',') as System[];
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'warn';
const WRITE = process.env.BENCH_WRITE !== '0';
const TRACE = process.env.BENCH_TRACE === '1';
const ROOT = resolve(import.meta.dirname, '..');
const APP_QUEUE_NUMBER = '499'; // asterisk-config/extensions.conf, bench section
const SWITCHBOARD_NUMBER = '498'; // any other number: bench/flows has no routes.yaml, all go to acd-queue
const ARI = process.env.SWITCHBOARD_ARI_URL ?? 'http://127.0.0.1:8088';
const AUTH = `${process.env.SWITCHBOARD_ARI_USER ?? 'switchboard'}:${process.env.SWITCHBOARD_ARI_PASSWORD ?? 'switchboard-dev'}`;

type System = 'app_queue' | 'switchboard';
if (!Number.isInteger(CALLERS) || CALLERS < 1 || !Number.isInteger(AGENTS) || AGENTS < 1 || AGENTS > 6) {
  process.stderr.write('usage: npx tsx bench/acd-latency.ts [callers >= 1] [agents 1-6]\n');
  process.exit(2);
}
if (ORDER.length !== 2 || !ORDER.includes('app_queue') || !ORDER.includes('switchboard')) throw new Error('BENCH_ORDER: app_queue,switchboard or switchboard,app_queue');

// ---------------------------------------------------------------------------------------------
// Observer: Asterisk's own timestamps of channel and bridge events.

interface Ev {
  type: string;
  at: number;
  channelId: string;
  name: string;
  state?: string;
  app?: string;
  bridgeId?: string;
}
const KEEP = new Set(['ChannelCreated', 'ChannelDialplan', 'ChannelStateChange', 'ChannelEnteredBridge', 'ChannelHangupRequest', 'ChannelDestroyed']);
const events: Ev[] = [];
const observer = new WebSocket(`${ARI.replace(/^http/, 'ws')}/ari/events?app=bench-acd-observer&subscribeAll=true&api_key=${encodeURIComponent(AUTH)}`);
observer.on('message', (raw) => {
  const e = JSON.parse(String(raw)) as { type: string; timestamp: string; channel?: { id: string; name: string; state: string }; dialplan_app?: string; bridge?: { id: string } };
  if (!KEEP.has(e.type) || !e.channel) return;
  const at = parseAriTime(e.timestamp);
  if (at === null) return;
  events.push({ type: e.type, at, channelId: e.channel.id, name: e.channel.name, state: e.channel.state, ...(e.dialplan_app !== undefined ? { app: e.dialplan_app } : {}), ...(e.bridge ? { bridgeId: e.bridge.id } : {}) });
});
await new Promise((r, j) => (observer.once('open', r), observer.once('error', j)));

const cli = (command: string) => execFileSync('bash', [resolve(ROOT, 'scripts/asterisk.sh'), 'cli', command], { encoding: 'utf8' });

// ---------------------------------------------------------------------------------------------
// Load: the same seeded Poisson arrivals for both systems.

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
// One agent serves a call in ring + talk (+ ~100 ms of SIP and bridging); LOAD of that per agent.
const MEAN_GAP_MS = (RING_MS + HOLD_MS + 100) / AGENTS / LOAD;
const rand = mulberry32(SEED);
const offsets: number[] = [];
for (let i = 0, t = 0; i < CALLERS; i++) {
  offsets.push(Math.round(t));
  t += -Math.log(1 - rand()) * MEAN_GAP_MS;
}

// One SIPp process per caller (test/integration/sipp/caller-until-bye.xml: sends audio, waits up
// to 60 s after the answer for the BYE), from the trunk's address. Own port range (SIP 23000-23999,
// RTP 30000-37999), away from the test helpers' (15060+, 20000+), so a test SIPp that outlived its
// run cannot make a caller fail to bind.
let nextCaller = 0;
function freeCallerPorts(): { sip: number; media: number } {
  for (let tries = 0; tries < 1000; tries++) {
    const k = nextCaller++ % 1000;
    const sip = 23000 + k;
    const media = 30000 + k * 8;
    if (![sip, media, media + 1, media + 2, media + 3].some((p) => udpPortInUse('127.0.0.2', p))) return { sip, media };
  }
  throw new Error('no free caller ports in 23000-23999');
}
function callerCall(service: string): Promise<SippResult> {
  const { sip, media } = freeCallerPorts();
  const args = [
    '-sf', resolve(ROOT, 'test/integration/sipp/caller-until-bye.xml'),
    '-i', '127.0.0.2', '-p', String(sip), '-mi', '127.0.0.2', '-mp', String(media),
    '-s', service, '-m', '1', '-nostdin', '-timeout', '300s', '127.0.0.1:5060',
  ];
  const started = Date.now();
  const child = spawn('sipp', args, { cwd: tmpdir(), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return new Promise((res) => child.on('exit', (code) => res({ code, output, elapsedMs: Date.now() - started })));
}

async function runCallers(service: string): Promise<SippResult[]> {
  return Promise.all(offsets.map((offset) => new Promise((r) => setTimeout(r, offset)).then(() => callerCall(service))));
}

// ---------------------------------------------------------------------------------------------
// Setup shared by both systems: clean Asterisk, SIPp agents registered as PJSIP/1001...

await clearAsterisk();
const users = Array.from({ length: AGENTS }, (_, i) => String(1001 + i));
const agents: SippAgent[] = [];
for (const user of users) agents.push(await startAgent({ user, behaviour: 'answer', answerAfterMs: RING_MS, holdMs: HOLD_MS }));
await waitFor(async () => {
  for (const user of users) if (((await ari('GET', `/endpoints/PJSIP/${user}`)) as { state: string }).state !== 'online') return false;
  return true;
}, 15_000, 'the agents to be online');
const asteriskVersion = ((await ari('GET', '/asterisk/info')) as { system: { version: string } }).system.version;

// app_queue: every static member except ours is paused (an old registration would get rung).
for (let n = 1001; n <= 1006; n++) cli(`queue ${users.includes(String(n)) ? 'unpause' : 'pause'} member PJSIP/${n} queue bench reason bench`);

interface Phase {
  system: System;
  from: number;
  to: number;
  results: SippResult[];
  /** Per agent, the INVITEs of this phase. */
  invites: Map<string, AgentCall[]>;
  /** Caller channel id -> queue entry (ms). */
  entries: Map<string, number>;
  /** BENCH_TRACE: the Switchboard process's own timestamps. */
  trace?: Trace;
  /** CPU seconds while the callers ran, and the machine's busy share. */
  cpu: { asteriskS: number; serverS: number; machineBusy: number };
  missed: number;
  notAnswered: number;
  logFile?: string;
}

const callsSoFar = () => new Map(agents.map((a) => [a.user, a.calls().length]));

async function settle() {
  await waitFor(async () => (await channels()).length === 0, 30_000, 'Asterisk to have no channels');
}

// CPU used while the callers run: Asterisk's process, Switchboard's, and the whole machine.
const TICK_S = 0.01; // USER_HZ
function processCpuS(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_S; // utime, stime
  } catch {
    return NaN;
  }
}
function asteriskPid(): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'asterisk') return Number(entry);
    } catch {
      // gone
    }
  }
  return undefined;
}
function machineTicks(): { busy: number; total: number } {
  const [, ...v] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const n = v.map(Number);
  const idle = (n[3] ?? 0) + (n[4] ?? 0);
  const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}
interface CpuMark {
  asterisk: number;
  server: number;
  machine: { busy: number; total: number };
}
const cpuMark = (serverPid?: number): CpuMark => ({ asterisk: processCpuS(asteriskPid()), server: processCpuS(serverPid), machine: machineTicks() });
const cpuSince = (start: CpuMark, end: CpuMark) => ({
  asteriskS: end.asterisk - start.asterisk,
  serverS: end.server - start.server,
  machineBusy: (end.machine.busy - start.machine.busy) / Math.max(1, end.machine.total - start.machine.total),
});

async function runAppQueue(): Promise<Phase> {
  const before = callsSoFar();
  const from = Date.now();
  const mark = cpuMark();
  const results = await runCallers(APP_QUEUE_NUMBER);
  await settle();
  const cpu = cpuSince(mark, cpuMark());
  const to = Date.now();
  const entries = new Map<string, number>();
  for (const e of events) if (e.at >= from && e.at <= to && e.type === 'ChannelDialplan' && e.app === 'Queue' && !entries.has(e.channelId)) entries.set(e.channelId, e.at);
  const invites = new Map(agents.map((a) => [a.user, a.calls().slice(before.get(a.user))]));
  return { system: 'app_queue', from, to, results, invites, entries, missed: 0, notAnswered: 0, cpu };
}


// BENCH_TRACE: a preload for the server process (NODE_OPTIONS=--import). It timestamps, with the
// process's own clock, every ARI websocket message that reports a channel's end or start (before
// the server's handler runs) and every ARI HTTP request (start and response), and writes them
// out when the process exits. Same module instances as the server's (ws resolved from the repo).
interface Trace {
  ws: { t: number; type: string; channelId: string }[];
  http: { t0: number; t1: number; method: string; url: string; status: number }[];
  /** Every better-sqlite3 statement run/get/all: start and duration (and the SQL when over 1 ms). */
  sql: { t0: number; ms: number; source?: string; cpuMs?: number }[];
  /** The server databases opened in WAL mode and their wal_autocheckpoint. */
  pragmas?: Record<string, unknown>[];
  /** Event-loop delay over the process's life (perf_hooks, 1 ms resolution). */
  loop: { p50: number; p99: number; max: number; mean: number };
}
function traceHook(out: string): string {
  const repo = createRequire(resolve(ROOT, 'package.json'));
  const wsUrl = pathToFileURL(repo.resolve('ws').replace(/index\.js$/, 'wrapper.mjs')).href;
  const sqliteUrl = pathToFileURL(repo.resolve('better-sqlite3')).href;
  const file = join(mkdtempSync(join(tmpdir(), 'bench-acd-trace-')), 'trace.mjs');
  writeFileSync(
    file,
    `import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from ${JSON.stringify(wsUrl)};
import Database from ${JSON.stringify(sqliteUrl)};
// Wall clock with sub-ms resolution: performance.now() anchored on a tick of Date.now().
let base = Date.now();
while (Date.now() === base);
base = Date.now();
const anchor = performance.now();
const now = () => base + (performance.now() - anchor);
const ws = [];
const http = [];
const sql = [];
const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();
const emit = WebSocket.prototype.emit;
WebSocket.prototype.emit = function (event, ...args) {
  if (event === 'message') {
    const data = args[0];
    const t = now();
    if (Buffer.isBuffer(data) && (data.includes('"ChannelDestroyed"') || data.includes('"StasisStart"') || data.includes('"ChannelHangupRequest"'))) ws.push({ t, data: Buffer.from(data) });
  }
  return emit.call(this, event, ...args);
};
const fetch0 = globalThis.fetch;
globalThis.fetch = async function (input, init) {
  const t0 = now();
  const res = await fetch0(input, init);
  http.push({ t0, t1: now(), method: init?.method ?? 'GET', url: String(input?.url ?? input), status: res.status });
  return res;
};
const probe = new Database(':memory:');
const Statement = Object.getPrototypeOf(probe.prepare('select 1'));
for (const method of ['run', 'get', 'all']) {
  const original = Statement[method];
  Statement[method] = function (...args) {
    const cpu0 = process.cpuUsage();
    const t0 = now();
    try {
      return original.apply(this, args);
    } finally {
      const ms = now() - t0;
      if (ms > 1) {
        const cpu = process.cpuUsage(cpu0);
        sql.push({ t0, ms, source: this.source, cpuMs: (cpu.user + cpu.system) / 1000 });
      } else sql.push({ t0, ms });
    }
  };
}
probe.close();
// Diagnostic experiment only: BENCH_TRACE_WAL_AUTOCHECKPOINT=N sets PRAGMA wal_autocheckpoint on the
// server's database (0 = never checkpoint during the run), to attribute SQLite stalls.
const walAutocheckpoint = process.env.BENCH_TRACE_WAL_AUTOCHECKPOINT;
const databases = [];
const pragma = Database.prototype.pragma;
Database.prototype.pragma = function (text, options) {
  const result = pragma.call(this, text, options);
  if (String(text).toLowerCase().split(' ').join('') === 'journal_mode=wal') {
    if (walAutocheckpoint !== undefined) pragma.call(this, 'wal_autocheckpoint = ' + Number(walAutocheckpoint));
    databases.push({ file: this.name, wal_autocheckpoint: pragma.call(this, 'wal_autocheckpoint', { simple: true }) });
  }
  return result;
};
process.on('exit', () => {
  const events = ws.map(({ t, data }) => { try { const e = JSON.parse(data.toString('utf8')); return { t, type: e.type, channelId: e.channel?.id ?? '' }; } catch { return null; } }).filter(Boolean);
  const ms = (ns) => ns / 1e6;
  writeFileSync(${JSON.stringify(out)}, JSON.stringify({ pragmas: databases, ws: events, http, sql, loop: { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max), mean: ms(loop.mean) } }));
});
`,
  );
  return file;
}

async function runSwitchboard(): Promise<Phase> {
  const dataDir = newDataDir();
  const traceFile = join(dataDir, 'trace.json');
  const env: Record<string, string> = { SWITCHBOARD_LOG_LEVEL: LOG_LEVEL };
  if (TRACE) env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --import=${pathToFileURL(traceHook(traceFile)).href}`.trim();
  const server: RunningServer = await startServer({ dataDir, key: createKey(dataDir), flowsDir: resolve(ROOT, 'bench/flows'), entryFlow: 'acd-queue', env });
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await server.api(path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) });
    if (res.status >= 300) throw new Error(`${method} ${path} -> ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  try {
    await api('PUT', '/api/v1/skills/bench', { description: 'bench' });
    await api('POST', '/api/v1/queues', {
      id: 'bench', name: 'bench', skills: [{ skill: 'bench', minProficiency: 1 }], strategy: 'longest-idle', ringTimeoutSec: 15, wrapUpSec: 0,
      hold: { moh: 'default', announceEverySec: null, announcePosition: false, announceWait: false },
    });
    for (const user of users) await api('POST', '/api/v1/agents', { id: `a${user}`, name: `a${user}`, endpoints: [`PJSIP/${user}`], skills: { bench: 1 } });
    for (const user of users) await waitFor(async () => (await server.api(`/api/v1/agents/a${user}`)).body.live?.registered === true, 10_000, `a${user} registered`);
    for (const user of users) await api('POST', `/api/v1/agents/a${user}/login`);

    const before = callsSoFar();
    const from = Date.now();
    const mark = cpuMark(server.process.pid);
    const results = await runCallers(SWITCHBOARD_NUMBER);
    await settle();
    const cpu = cpuSince(mark, cpuMark(server.process.pid));
    const to = Date.now();

    const channelOf = new Map<string, string>();
    for (let offset = 0; ; offset += 500) {
      const page = await api('GET', `/api/v1/calls?limit=500&offset=${offset}`);
      for (const c of page.items as { id: string; channelId: string }[]) channelOf.set(c.id, c.channelId);
      if (offset + 500 >= page.total) break;
    }
    const journal = (await api('GET', '/api/v1/acd/journal?limit=5000')) as { type: string; at: string; callId: string | null }[];
    const entries = new Map<string, number>();
    let missed = 0;
    for (const row of journal) {
      if (row.type === 'acd.enqueued' && row.callId && channelOf.has(row.callId)) entries.set(channelOf.get(row.callId)!, Date.parse(row.at));
      if (row.type === 'acd.offer.missed') missed++;
    }
    // The queue node's own row is the earlier of the two (written before the enqueue); use it when present.
    for (const [callId, channelId] of channelOf) {
      const events = (await api('GET', `/api/v1/calls/${callId}`)).events as { type: string; at: string }[];
      const entered = events.find((e) => e.type === 'queue.entered');
      if (entered) entries.set(channelId, Date.parse(entered.at));
    }
    const notAnswered = ((await api('GET', '/api/v1/calls?limit=500&tag=bench-not-answered')).total as number) ?? 0;
    await server.kill('SIGTERM');
    let trace: Trace | undefined;
    if (TRACE) trace = JSON.parse(readFileSync(traceFile, 'utf8')) as Trace;
    const invites = new Map(agents.map((a) => [a.user, a.calls().slice(before.get(a.user))]));
    return { system: 'switchboard', from, to, results, invites, entries, trace, missed, notAnswered, logFile: server.logFile, cpu };
  } finally {
    await server.kill('SIGKILL');
  }
}

// ---------------------------------------------------------------------------------------------
// Analysis

interface Sample {
  kind: 'free' | 'handoff';
  /** INVITE at the agent (SIPp's log) - start (queue entry, or the agent's BYE). */
  ms: number;
  /** Where the time goes: named stages in order, ms (absent when not measurable). */
  stages: Record<string, number>;
  /** The agent's INVITE (epoch ms) and agent, to look at samples in time order (BENCH_DUMP). */
  at: number;
  agent: string;
}

interface Analysis {
  system: System;
  samples: Sample[];
  failed: SippResult[];
  unmatched: number;
  notServed: number;
  missed: number;
  wallS: number;
  maxWaiting: number;
}

// Stage names, in the order of the breakdown table.
const STAGES = {
  free: [
    'caller INVITE → queue entry (Asterisk ChannelCreated → entry)',
    'queue entry → originate request sent (Switchboard process)',
    'originate request sent → agent channel created',
    'queue entry → agent channel created',
    'agent channel created → INVITE at the agent',
    'end to end: caller INVITE (ChannelCreated) → INVITE at the agent',
    'SQLite statements between queue entry and originate (sum)',
    'ARI originate HTTP round trip',
  ],
  handoff: [
    "agent's BYE → Asterisk hang-up request",
    'hang-up request → agent channel destroyed',
    'hang-up request → its event received by Switchboard',
    'channel destroyed → its event received by Switchboard',
    'last of those events received before the originate → originate request sent',
    'SQLite statements between that event and the originate (sum)',
    'originate request sent → next agent channel created',
    'hang-up request → next agent channel created',
    'next agent channel created → INVITE at the agent',
  ],
} as const;

const sqlBetween = (trace: Trace, from: number, to: number) => trace.sql.filter((x) => x.t0 >= from && x.t0 < to).reduce((sum, x) => sum + x.ms, 0);

function analyse(phase: Phase, previousEnd: Map<string, number>): Analysis {
  const inPhase = events.filter((e) => e.at >= phase.from - 1000 && e.at <= phase.to);
  const created = new Map<string, number>();
  const hangupRequest = new Map<string, number>();
  const destroyed = new Map<string, number>();
  const byBridge = new Map<string, Set<string>>();
  const names = new Map<string, string>();
  for (const e of inPhase) {
    names.set(e.channelId, e.name);
    if (e.type === 'ChannelCreated') created.set(e.channelId, e.at);
    if (e.type === 'ChannelHangupRequest' && !hangupRequest.has(e.channelId)) hangupRequest.set(e.channelId, e.at);
    if (e.type === 'ChannelDestroyed') destroyed.set(e.channelId, e.at);
    if (e.type === 'ChannelEnteredBridge' && e.bridgeId) (byBridge.get(e.bridgeId) ?? byBridge.set(e.bridgeId, new Set()).get(e.bridgeId)!).add(e.channelId);
  }
  const callerOf = new Map<string, string>();
  for (const members of byBridge.values()) {
    const list = [...members];
    const caller = list.find((id) => names.get(id)?.startsWith('PJSIP/trunk-'));
    for (const id of list) if (caller && /^PJSIP\/10\d\d-/.test(names.get(id) ?? '')) callerOf.set(id, caller);
  }
  // Switchboard's own clock (BENCH_TRACE): originate requests by leg id, leg ends as received.
  const originate = new Map<string, { t0: number; t1: number }>();
  const received = new Map<string, number>();
  for (const h of phase.trace?.http ?? []) {
    const m = /\/ari\/channels\/(leg-[^/?]+)\?/.exec(h.url);
    if (h.method === 'POST' && m) originate.set(decodeURIComponent(m[1]!), h);
  }
  const receivedHangup = new Map<string, number>();
  for (const w of phase.trace?.ws ?? []) {
    if (w.type === 'ChannelDestroyed' && !received.has(w.channelId)) received.set(w.channelId, w.t);
    if (w.type === 'ChannelHangupRequest' && !receivedHangup.has(w.channelId)) receivedHangup.set(w.channelId, w.t);
  }

  const samples: Sample[] = [];
  let unmatched = 0;
  const served = new Set<string>();
  for (const user of users) {
    const legs = [...created].filter(([id]) => names.get(id)?.startsWith(`PJSIP/${user}-`)).sort((a, b) => a[1] - b[1]);
    const invites = phase.invites.get(user) ?? [];
    if (legs.length !== invites.length) process.stderr.write(`warning: ${phase.system} agent ${user}: ${legs.length} channels, ${invites.length} INVITEs\n`);
    let lastFree = previousEnd.get(user) ?? -Infinity;
    let lastLeg: string | null = null;
    for (let i = 0; i < Math.min(legs.length, invites.length); i++) {
      const [legId, legAt] = legs[i]!;
      const invite = invites[i]!;
      if (Math.abs(invite.invitedAt - legAt) > 200) process.stderr.write(`warning: ${phase.system} agent ${user} call ${i}: INVITE ${invite.invitedAt - legAt} ms from its channel\n`);
      const caller = callerOf.get(legId);
      const entry = caller ? phase.entries.get(caller) : undefined;
      if (!caller || entry === undefined) unmatched++;
      else {
        served.add(caller);
        const handoff = lastFree > entry;
        const stages: Record<string, number> = {};
        const put = (name: string, from: number | undefined, to: number | undefined) => {
          if (from !== undefined && to !== undefined) stages[name] = to - from;
        };
        const sent = originate.get(legId);
        if (!handoff) {
          const [c, o, oc, ec, ci, ee, db, rt] = STAGES.free;
          put(ee, created.get(caller), invite.invitedAt);
          put(c, created.get(caller), entry);
          put(o, entry, sent?.t0);
          if (sent && phase.trace) stages[db] = sqlBetween(phase.trace, entry, sent.t0);
          put(oc, sent?.t0, legAt);
          put(ec, entry, legAt);
          put(ci, legAt, invite.invitedAt);
          put(rt, sent?.t0, sent?.t1);
        } else {
          const prev = lastLeg!;
          const [bh, hd, hr, dr, ro, db, oc, hc, ci] = STAGES.handoff;
          // What triggered the offer in Switchboard: the latest of the leg's end events it had received.
          const trigger = sent ? Math.max(...[receivedHangup.get(prev), received.get(prev)].filter((t): t is number => t !== undefined && t <= sent.t0)) : -Infinity;
          put(bh, lastFree, hangupRequest.get(prev));
          put(hd, hangupRequest.get(prev), destroyed.get(prev));
          put(hr, hangupRequest.get(prev), receivedHangup.get(prev));
          put(dr, destroyed.get(prev), received.get(prev));
          if (sent && Number.isFinite(trigger)) {
            put(ro, trigger, sent.t0);
            if (phase.trace) stages[db] = sqlBetween(phase.trace, trigger, sent.t0);
          }
          put(oc, sent?.t0, legAt);
          put(hc, hangupRequest.get(prev), legAt);
          put(ci, legAt, invite.invitedAt);
        }
        samples.push({ kind: handoff ? 'handoff' : 'free', ms: invite.invitedAt - (handoff ? lastFree : entry), stages, at: invite.invitedAt, agent: user });
      }
      if (invite.endedAt !== null) lastFree = invite.endedAt;
      lastLeg = legId;
    }
    previousEnd.set(user, lastFree);
  }
  // Callers waiting at once (from queue entry to their agent's channel), the peak.
  const spans: [number, number][] = [];
  for (const [leg, caller] of callerOf) {
    const entry = phase.entries.get(caller);
    const at = created.get(leg);
    if (entry !== undefined && at !== undefined) spans.push([entry, 1], [at, -1]);
  }
  spans.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let waiting = 0;
  let maxWaiting = 0;
  for (const [, d] of spans) maxWaiting = Math.max(maxWaiting, (waiting += d));
  return {
    system: phase.system,
    samples,
    failed: phase.results.filter((r) => r.code !== 0),
    unmatched,
    notServed: Math.max(CALLERS - served.size, phase.notAnswered),
    missed: phase.missed,
    wallS: (phase.to - phase.from) / 1000,
    maxWaiting,
  };
}

const q = (values: number[], p: number) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]! : NaN;
};
const stats = (values: number[]) => ({ n: values.length, p50: q(values, 0.5), p99: q(values, 0.99), max: values.length ? Math.max(...values) : NaN });
const fmt = (v: number) => (Number.isNaN(v) ? '–' : Math.abs(v) < 10 && !Number.isInteger(v) ? `${v.toFixed(1)} ms` : `${Math.round(v)} ms`);
const ratio = (a: number, b: number) => (Number.isNaN(a) || Number.isNaN(b) || b === 0 ? '–' : `${(a / b).toFixed(2)}×`);

// ---------------------------------------------------------------------------------------------
// Run

const phases: Phase[] = [];
try {
  for (const system of ORDER) {
    process.stderr.write(`${system}: ${CALLERS} callers, mean gap ${Math.round(MEAN_GAP_MS)} ms...\n`);
    phases.push(system === 'app_queue' ? await runAppQueue() : await runSwitchboard());
  }
} finally {
  for (const a of agents) await a.stop().catch(() => undefined);
  for (let n = 1001; n <= 1006; n++) {
    try {
      cli(`queue unpause member PJSIP/${n} queue bench`);
    } catch {
      // best effort
    }
  }
  observer.close();
}

const previousEnd = new Map<string, number>();
const inRunOrder = phases.map((p) => analyse(p, previousEnd));
const base = inRunOrder.find((a) => a.system === 'app_queue')!;
const ours = inRunOrder.find((a) => a.system === 'switchboard')!;
const analyses = [base, ours];
const of = (a: Analysis, kind: Sample['kind']) => stats(a.samples.filter((s) => s.kind === kind).map((s) => s.ms));
const stage = (a: Analysis, kind: Sample['kind'], name: string) => stats(a.samples.filter((s) => s.kind === kind && name in s.stages).map((s) => s.stages[name]!));

const rows: string[] = [];
rows.push('| System | offer to free agent: samples | p50 | p99 | max | hand-off to waiting caller: samples | p50 | p99 | max | failed / abandoned calls | callers not served |');
rows.push('|---|---|---|---|---|---|---|---|---|---|---|');
for (const a of analyses) {
  const f = of(a, 'free');
  const h = of(a, 'handoff');
  rows.push(`| ${a.system === 'app_queue' ? 'app_queue `Queue()`' : 'Switchboard ACD'} | ${f.n} | ${fmt(f.p50)} | ${fmt(f.p99)} | ${fmt(f.max)} | ${h.n} | ${fmt(h.p50)} | ${fmt(h.p99)} | ${fmt(h.max)} | ${a.failed.length} | ${a.notServed} |`);
}
{
  const [fb, fo, hb, ho] = [of(base, 'free'), of(ours, 'free'), of(base, 'handoff'), of(ours, 'handoff')];
  rows.push(`| **ratio Switchboard / app_queue** | | ${ratio(fo.p50, fb.p50)} | ${ratio(fo.p99, fb.p99)} | ${ratio(fo.max, fb.max)} | | ${ratio(ho.p50, hb.p50)} | ${ratio(ho.p99, hb.p99)} | ${ratio(ho.max, hb.max)} | | |`);
}

const detail: string[] = [];
detail.push('| Case | stage | app_queue p50 / p99 | Switchboard p50 / p99 |');
detail.push('|---|---|---|---|');
for (const kind of ['free', 'handoff'] as const) {
  for (const name of STAGES[kind]) {
    const cell = (a: Analysis) => {
      const st = stage(a, kind, name);
      return st.n ? `${fmt(st.p50)} / ${fmt(st.p99)}` : '–';
    };
    if (cell(base) === '–' && cell(ours) === '–') continue;
    detail.push(`| ${kind === 'free' ? 'free agent' : 'hand-off'} | ${name} | ${cell(base)} | ${cell(ours)} |`);
  }
}
const traced = phases.find((p) => p.trace)?.trace;
const traceLine = traced
  ? `Switchboard process (BENCH_TRACE): event-loop delay p50 ${fmt(traced.loop.p50)}, p99 ${fmt(traced.loop.p99)}, max ${fmt(traced.loop.max)}; ${traced.sql.length} SQLite statements, ${((traced.sql.reduce((a, x) => a + x.ms, 0) / Math.max(1, traced.sql.length)) * 1000).toFixed(0)} µs mean, p99 ${fmt(q(traced.sql.map((x) => x.ms), 0.99))}.`
  : '';
if (traced) {
  const slow = new Map<string, { n: number; ms: string[] }>();
  for (const x of traced.sql) if (x.source) (slow.get(x.source) ?? slow.set(x.source, { n: 0, ms: [] }).get(x.source)!).ms.push(`${x.ms.toFixed(1)}/${x.cpuMs?.toFixed(1)}`);
  for (const [source, { ms }] of slow) process.stderr.write(`slow SQLite (>1 ms; wall/process CPU ms) x${ms.length} [${ms.join(' ')}]: ${source.replace(/\s+/g, ' ').slice(0, 100)}\n`);
  process.stderr.write(`server databases: ${JSON.stringify(traced.pragmas)}\n`);
}
const failures = analyses.flatMap((a) => a.failed.map((r) => `${a.system}: SIPp exit ${r.code} after ${(r.elapsedMs / 1000).toFixed(1)} s`));
for (const a of analyses) for (const r of a.failed) process.stderr.write(`--- ${a.system}: failed caller (exit ${r.code}) ---\n${r.output.split('\n').filter((l) => l.trim()).slice(-8).join('\n')}\n`);

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
const date = new Date().toISOString().slice(0, 10);
const commandEnv = ['BENCH_HOLD_MS', 'BENCH_RING_MS', 'BENCH_LOAD', 'BENCH_SEED', 'BENCH_ORDER', 'BENCH_LOG_LEVEL', 'BENCH_TRACE', 'BENCH_TRACE_WAL_AUTOCHECKPOINT']
  .filter((name) => process.env[name] !== undefined)
  .map((name) => `${name}=${process.env[name]} `)
  .join('');
const block = [
  `Run ${date}: ${cpus().length} cores (${cpus()[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, Asterisk ${asteriskVersion}, SIPp ${sippVersion}, Switchboard ${git}.`,
  `Command: \`${commandEnv}npx tsx bench/acd-latency.ts ${CALLERS} ${AGENTS}\` (hold ${HOLD_MS} ms, ring ${RING_MS} ms, load ${LOAD}, seed ${SEED}, order ${ORDER.join(' then ')}, Switchboard log level ${LOG_LEVEL}).`,
  `${CALLERS} callers per system, Poisson arrivals with a mean gap of ${Math.round(MEAN_GAP_MS)} ms; ${AGENTS} agents; wall ${analyses.map((a) => `${a.system} ${a.wallS.toFixed(0)} s`).join(', ')}; most callers waiting at once: ${analyses.map((a) => `${a.system} ${a.maxWaiting}`).join(', ')}.`,
  '',
  ...rows,
  '',
  `Where the time goes (same samples, medians and p99 of each stage on its own, so they do not add up exactly; Asterisk's event timestamps, SIPp's log, and${TRACE ? '' : ' (only with BENCH_TRACE=1)'} the Switchboard process's own clock):`,
  '',
  ...detail,
  '',
  ...(traceLine ? [traceLine] : []),
  `CPU while the callers ran: ${phases.map((p) => `${p.system}: Asterisk ${p.cpu.asteriskS.toFixed(1)} s${p.system === 'switchboard' ? `, Switchboard process ${p.cpu.serverS.toFixed(1)} s` : ''}, whole machine ${(p.cpu.machineBusy * 100).toFixed(0)}% busy`).join('; ')} (${cpus().length} cores).`,
  `Samples over 100 ms (offer to free agent / hand-off): ${analyses.map((a) => `${a.system} ${a.samples.filter((x) => x.kind === 'free' && x.ms > 100).length} / ${a.samples.filter((x) => x.kind === 'handoff' && x.ms > 100).length}`).join(', ')}.`,
  `Unmatched INVITEs (no bridge or no queue entry): ${analyses.map((a) => `${a.system} ${a.unmatched}`).join(', ')}; Switchboard missed offers (RONA): ${ours.missed}.${failures.length ? ` Failed calls: ${failures.join('; ')}.` : ''}`,
].join('\n');

process.stdout.write(`${block}\n`);
const logFile = phases.find((p) => p.logFile)?.logFile;
if (logFile) process.stdout.write(`Switchboard log: ${logFile}\n`);

if (process.env.BENCH_DUMP) {
  writeFileSync(process.env.BENCH_DUMP, JSON.stringify(analyses.map((a) => ({ system: a.system, samples: [...a.samples].sort((x, y) => x.at - y.at) })), null, 1));
}
if (WRITE) {
  // One generated block per configuration, so runs of other sizes sit side by side and a rerun of
  // the same configuration replaces its own block; text outside the markers is kept.
  const key = `${CALLERS} callers, ${AGENTS} agents, load ${LOAD}, hold ${HOLD_MS} ms${TRACE ? ', traced' : ''}`;
  const BEGIN = `<!-- acd-latency (${key}): begin, generated by bench/acd-latency.ts -->`;
  const END = `<!-- acd-latency (${key}): end -->`;
  const TITLE = '## ACD offer latency vs app_queue';
  const path = resolve(ROOT, 'bench/RESULTS.md');
  const text = readFileSync(path, 'utf8'); // re-read right before writing: others edit other sections
  const generated = `${BEGIN}\n${block}\n${END}`;
  let next: string;
  if (text.includes(BEGIN) && text.includes(END)) {
    next = text.slice(0, text.indexOf(BEGIN)) + generated + text.slice(text.indexOf(END) + END.length);
  } else if (text.includes(TITLE)) {
    // At the end of our section: before the next level-2 heading, or at the end of the file.
    const at = text.indexOf(TITLE) + TITLE.length;
    const nextHeading = text.indexOf('\n## ', at);
    const end = nextHeading === -1 ? text.length : nextHeading + 1;
    next = `${text.slice(0, end).trimEnd()}\n\n${generated}\n${nextHeading === -1 ? '' : '\n'}${text.slice(end)}`;
  } else {
    next = `${text.trimEnd()}\n\n${TITLE}\n\n${generated}\n`;
  }
  writeFileSync(path, next);
}
process.exit(ours.failed.length > 0 ? 1 : 0);
