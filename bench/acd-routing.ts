// ACD routing decision time: one engine.handle() of (a) an enqueue while eligible agents are free
// and (b) an agent becoming available (wrap-up end) while callers wait, at 1k/10k/100k agents and
// 100/1,000 queues. Every queue requires its own skill; every agent holds three queue skills, so
// each queue has agents/queues × 3 eligible agents. Effects and journal rows are built as in
// production; nothing is executed. Results replace the "ACD routing engine" section of RESULTS.md.
// Run: npx tsx bench/acd-routing.ts
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { createAcdEngine } from '../src/core/acd/acd-engine.js';
import { DEFAULT_CAPACITY, DEFAULT_OFFER_WHILE_BUSY, DEFAULT_SETTINGS, type AcdEffect, type AcdEngine, type AgentConfig, type QueueConfig } from '../src/core/acd/acd-types.js';

const SAMPLES = 5000;
const WARMUP = 500;
const WAITING_PER_QUEUE = 5;

let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = (n: number) => Math.floor(rand() * n);

function queues(n: number): QueueConfig[] {
  return Array.from({ length: n }, (_, q) => ({
    id: `q${q}`, name: `Queue ${q}`, skills: [{ skill: `s${q}`, minProficiency: 1 }], priority: q % 3, strategy: 'longest-idle',
    ringTimeoutSec: 20, wrapUpSec: 30, maxWaitSec: null, maxLength: null, joinWhenEmpty: true, leaveWhenEmpty: false, serviceLevelSec: 20,
    hold: { moh: 'default', announceEverySec: null, announcePosition: false, announceWait: false }, overflowQueue: null, steps: [], ronaMaxMisses: 3, preferredAgentSec: 0,
  }));
}

function agents(n: number, q: number): AgentConfig[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `a${String(i).padStart(6, '0')}`, name: `Agent ${i}`, endpoints: [],
    skills: { [`s${i % q}`]: 1 + (i % 5), [`s${(i * 7 + 1) % q}`]: 1 + ((i >> 1) % 5), [`s${(i * 13 + 2) % q}`]: 1 + ((i >> 2) % 5) },
    capacity: { ...DEFAULT_CAPACITY }, offerWhileBusy: { ...DEFAULT_OFFER_WHILE_BUSY },
  }));
}

class Rig {
  engine: AcdEngine = createAcdEngine({ random: rand });
  now = 1_000_000;
  n = 0;
  connected: string[] = [];
  constructor(readonly agentIds: string[], readonly queueCount: number) {}
  handle(event: Parameters<AcdEngine['handle']>[0]): AcdEffect[] {
    return this.engine.handle(event);
  }
  enqueue(queue: number): AcdEffect[] {
    const id = `i${++this.n}`;
    return this.handle({ type: 'enqueue', at: ++this.now, request: { id, channel: 'voice', queueId: `q${queue}`, callId: id, skills: [], priority: 0, maxWaitSec: null, preferredAgentId: null, callerNumber: '+1555', callerName: 'Bench' } });
  }
  /** Answers every offer in `effects`, keeping track of connected interactions. */
  answer(effects: AcdEffect[]): void {
    for (const e of effects) {
      if (e.type !== 'offer') continue;
      this.handle({ type: 'offerAnswered', at: ++this.now, offerId: e.offerId });
      this.connected.push(e.interactionId);
    }
  }
  /** Ends a random connected call and returns its agent, in wrap-up. */
  endOne(): string {
    const k = pick(this.connected.length);
    const id = this.connected[k]!;
    this.connected[k] = this.connected[this.connected.length - 1]!;
    this.connected.pop();
    const agentId = this.engine.interaction(id)!.agentId!;
    this.handle({ type: 'ended', at: ++this.now, interactionId: id, by: 'caller' });
    return agentId;
  }
}

function stats(times: number[]): { p50: number; p99: number; max: number } {
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0;
  return { p50: at(0.5), p99: at(0.99), max: times[times.length - 1] ?? 0 };
}

function timed(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1000;
}

function run(agentCount: number, queueCount: number) {
  const cfgAgents = agents(agentCount, queueCount);
  const rig = new Rig(cfgAgents.map((a) => a.id), queueCount);
  rig.engine.configure({ agents: cfgAgents, queues: queues(queueCount), pauseReasons: [], settings: DEFAULT_SETTINGS }, rig.now);
  for (const a of cfgAgents) rig.handle({ type: 'login', at: ++rig.now, agentId: a.id });

  // (a) Enqueue with free agents: every sample is answered, ended and wrapped up off the clock.
  const enqueueTimes: number[] = [];
  for (let k = 0; k < WARMUP + SAMPLES; k++) {
    let out: AcdEffect[] = [];
    const us = timed(() => (out = rig.enqueue(pick(queueCount))));
    if (k >= WARMUP) enqueueTimes.push(us);
    rig.answer(out);
    const agentId = rig.endOne();
    rig.handle({ type: 'wrapUpEnd', at: ++rig.now, agentId });
  }

  // (b) Everyone busy, callers waiting in every queue; each sample is an agent leaving wrap-up.
  const firstQueue = new Map(cfgAgents.map((a) => [a.id, Number(Object.keys(a.skills)[0]!.slice(1))]));
  // Each call takes some idle agent holding that skill, so repeat until this one is taken too.
  for (const a of cfgAgents) while (rig.engine.agent(a.id)!.activity === 'idle') rig.answer(rig.enqueue(firstQueue.get(a.id)!));
  for (let k = 0; k < WAITING_PER_QUEUE * queueCount; k++) rig.enqueue(k % queueCount);
  const freeTimes: number[] = [];
  for (let k = 0; k < WARMUP + SAMPLES; k++) {
    const agentId = rig.endOne();
    let out: AcdEffect[] = [];
    const us = timed(() => (out = rig.handle({ type: 'wrapUpEnd', at: ++rig.now, agentId })));
    if (k >= WARMUP) freeTimes.push(us);
    // Keep the load steady: a caller for the one just served, or work for the agent who found none.
    const served = out.some((e) => e.type === 'offer');
    rig.answer(out);
    rig.answer(rig.enqueue(served ? pick(queueCount) : firstQueue.get(agentId)!));
  }
  const waiting = [...Array(queueCount).keys()].reduce((n, q) => n + (rig.engine.snapshot(`q${q}`, rig.now)?.waiting ?? 0), 0);
  return { enqueue: stats(enqueueTimes), free: stats(freeTimes), waiting };
}

const loadAtStart = os.loadavg()[0]!.toFixed(1);
const fmt = (us: number) => (us < 10 ? us.toFixed(1) : us.toFixed(0));
// One discarded round so that the first measured size does not pay for JIT compilation.
run(1_000, 100);
const rows: string[] = [];
for (const agentCount of [1_000, 10_000, 100_000]) {
  for (const queueCount of [100, 1_000]) {
    const r = run(agentCount, queueCount);
    const line = `| ${agentCount.toLocaleString('en')} | ${queueCount.toLocaleString('en')} | ${fmt(r.enqueue.p50)} | ${fmt(r.enqueue.p99)} | ${fmt(r.enqueue.max)} | ${r.waiting.toLocaleString('en')} | ${fmt(r.free.p50)} | ${fmt(r.free.p99)} | ${fmt(r.free.max)} |`;
    rows.push(line);
    process.stdout.write(line + '\n');
  }
}

const table = [
  '| Agents | Queues | enqueue p50 | p99 | max | callers waiting | agent free p50 | p99 | max |',
  '|---|---|---|---|---|---|---|---|---|',
  ...rows,
].join('\n');
const section = `## ACD routing engine (${new Date().toISOString().slice(0, 10)})
Machine: ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; load average ${loadAtStart} at start
(shared machine: max, and p99 to a lesser extent, include GC pauses and other processes).
Command: \`npx tsx bench/acd-routing.ts\`.

Time of one \`engine.handle()\` in µs: ${SAMPLES.toLocaleString('en')} samples per size after ${WARMUP} warm-up ones and a
discarded warm-up round, one process, effects built but not executed. Each queue requires its own
skill; each agent holds three queue skills (proficiency 1-5); longest-idle.
- *enqueue*: a caller arrives while eligible agents are free (decision and offer).
- *agent free*: every agent busy, about ${WAITING_PER_QUEUE} callers waiting per queue; an agent ends wrap-up and
  takes the first caller in global order it can serve.

${table}

Target: p99 under 100 µs at 10,000 agents and 1,000 queues. Cost follows the number of free agents
holding the interaction's rarest skill (enqueue) and the number of waiting callers in the buckets
of the freed agent's skills (agent free), not the totals.
`;

const path = new URL('./RESULTS.md', import.meta.url);
const current = readFileSync(path, 'utf8');
const start = current.indexOf('## ACD routing engine');
let next = start < 0 ? -1 : current.indexOf('\n## ', start + 1);
if (start >= 0 && next < 0) next = current.length;
const updated = start < 0 ? `${current.trimEnd()}\n\n${section}` : `${current.slice(0, start)}${section}${current.slice(next).replace(/^\n*/, '\n')}`;
writeFileSync(path, updated.trimEnd() + '\n');
