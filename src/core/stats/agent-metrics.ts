import { bucketIndex } from './buckets.js';
import type { AgentSpan, Bucket, Miss, Visit } from './stats-types.js';

/** What agent time reads of a visit the agent answered. */
export type HandledVisit = Pick<Visit, 'answeredAt' | 'endedAt' | 'wrapStart' | 'wrapEnd' | 'wrapFinal'>;

// Agent time, split at interval edges. While logged in, every instant is exactly one of: handling
// (talking or wrapping up, any number of interactions at once), available and idle, or paused and
// idle (by reason). Handling outranks status: an agent who pauses during a call is handling until
// the call and its wrap-up are over. Talk and wrap-up are also summed per interaction, so two chats
// at once count twice there but once in handling.

/**
 * A conversation with no end row (a call lost across a restart without an acd.ended) would
 * otherwise count as talk until now in every query; past this long it is assumed over.
 */
export const OPEN_TALK_CAP_MS = 12 * 3600_000;

export interface AgentActivity {
  /** Status spans overlapping the range. */
  spans: AgentSpan[];
  /** Visits the agent answered whose talk or wrap-up overlaps the range. */
  visits: HandledVisit[];
  misses: Miss[];
}

export interface AgentMetrics {
  loggedInSec: number;
  availableSec: number;
  handlingSec: number;
  talkSec: number;
  wrapUpSec: number;
  pausedSec: number;
  /** Paused and idle, by pause reason. */
  pauseByReasonSec: Record<string, number>;
  productivePauseSec: number;
  /** Interactions answered in the interval. */
  handled: number;
  rona: number;
  /** (handling + productive pause) / (handling + productive pause + available); null with no such time. */
  occupancy: number | null;
}

interface Acc {
  loggedIn: number; available: number; handling: number; talk: number; wrap: number; productive: number;
  pauses: Map<string, number>; handled: number; rona: number;
}

type Piece = [number, number];
interface StatusPiece { start: number; end: number; span: AgentSpan }

const newAcc = (): Acc => ({ loggedIn: 0, available: 0, handling: 0, talk: 0, wrap: 0, productive: 0, pauses: new Map(), handled: 0, rona: 0 });

/** Calls `fn` with the part of [start, end) inside each bucket. */
function split(buckets: Bucket[], start: number, end: number, fn: (k: number, s: number, e: number) => void): void {
  const first = buckets[0];
  const last = buckets.at(-1);
  if (!first || !last) return;
  const s0 = Math.max(start, first.start);
  const e0 = Math.min(end, last.end);
  if (s0 >= e0) return;
  for (let k = bucketIndex(buckets, s0); k >= 0 && k < buckets.length && buckets[k]!.start < e0; k++) {
    const b = buckets[k]!;
    const s = Math.max(s0, b.start);
    const e = Math.min(e0, b.end);
    if (s < e) fn(k, s, e);
  }
}

function union(pieces: Piece[]): Piece[] {
  const sorted = [...pieces].sort((a, b) => a[0] - b[0]);
  const out: Piece[] = [];
  for (const [s, e] of sorted) {
    const last = out.at(-1);
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

function overlap(s: number, e: number, merged: Piece[]): number {
  let ms = 0;
  for (const [ps, pe] of merged) ms += Math.max(0, Math.min(e, pe) - Math.max(s, ps));
  return ms;
}

function accumulate(a: Acc, handling: Piece[], status: StatusPiece[]): void {
  const merged = union(handling);
  for (const [s, e] of merged) a.handling += e - s;
  for (const { start, end, span } of status) {
    a.loggedIn += end - start;
    const idle = end - start - overlap(start, end, merged);
    if (span.status === 'available') a.available += idle;
    else {
      const reason = span.reason ?? 'unknown';
      a.pauses.set(reason, (a.pauses.get(reason) ?? 0) + idle);
      if (span.productive) a.productive += idle;
    }
  }
}

const sec = (ms: number) => ms / 1000;

function finishAgent(a: Acc): AgentMetrics {
  const paused = [...a.pauses.values()].reduce((s, x) => s + x, 0);
  const work = a.handling + a.productive;
  return {
    loggedInSec: sec(a.loggedIn), availableSec: sec(a.available), handlingSec: sec(a.handling), talkSec: sec(a.talk), wrapUpSec: sec(a.wrap),
    pausedSec: sec(paused), pauseByReasonSec: Object.fromEntries([...a.pauses].map(([r, ms]) => [r, sec(ms)])), productivePauseSec: sec(a.productive),
    handled: a.handled, rona: a.rona,
    occupancy: work + a.available > 0 ? Math.round((work / (work + a.available)) * 10_000) / 10_000 : null,
  };
}

function addAcc(into: Acc, a: Acc): void {
  into.loggedIn += a.loggedIn; into.available += a.available; into.handling += a.handling; into.talk += a.talk; into.wrap += a.wrap;
  into.productive += a.productive; into.handled += a.handled; into.rona += a.rona;
  for (const [r, ms] of a.pauses) into.pauses.set(r, (into.pauses.get(r) ?? 0) + ms);
}

/** One agent's accumulated time per bucket (open spans and conversations run to `now`). */
function agentAccs(activity: AgentActivity, buckets: Bucket[], now: number): Acc[] {
  const accs = buckets.map(newAcc);
  const handling: Piece[][] = buckets.map(() => []);
  const status: StatusPiece[][] = buckets.map(() => []);
  for (const span of activity.spans) split(buckets, span.start, Math.min(span.end ?? now, now), (k, s, e) => status[k]!.push({ start: s, end: e, span }));
  for (const v of activity.visits) {
    if (v.answeredAt === null) continue;
    const k = bucketIndex(buckets, v.answeredAt);
    if (k >= 0) accs[k]!.handled++;
    split(buckets, v.answeredAt, v.endedAt ?? Math.min(now, v.answeredAt + OPEN_TALK_CAP_MS), (k, s, e) => {
      accs[k]!.talk += e - s;
      handling[k]!.push([s, e]);
    });
    if (v.wrapStart === null || v.wrapEnd === null) continue;
    split(buckets, v.wrapStart, v.wrapFinal ? v.wrapEnd : Math.min(v.wrapEnd, now), (k, s, e) => {
      accs[k]!.wrap += e - s;
      handling[k]!.push([s, e]);
    });
  }
  for (const m of activity.misses) {
    const k = bucketIndex(buckets, m.at);
    if (k >= 0) accs[k]!.rona++;
  }
  accs.forEach((a, k) => accumulate(a, handling[k]!, status[k]!));
  return accs;
}

export interface AgentSeries {
  summary: AgentMetrics;
  intervals: (AgentMetrics & Bucket)[];
}

const seriesOf = (accs: Acc[], buckets: Bucket[]): AgentSeries => {
  const total = newAcc();
  for (const a of accs) addAcc(total, a);
  return { summary: finishAgent(total), intervals: accs.map((a, k) => Object.assign({ start: buckets[k]!.start, end: buckets[k]!.end }, finishAgent(a))) };
};

/** The range's metrics and each bucket's for one agent. */
export function agentMetrics(activity: AgentActivity, buckets: Bucket[], now: number): AgentSeries {
  return seriesOf(agentAccs(activity, buckets, now), buckets);
}

/** Each agent's metrics, and the total: their times summed, occupancy over the sums. */
export function agentsMetrics(byAgent: Map<string, AgentActivity>, buckets: Bucket[], now: number): { agents: Map<string, AgentSeries>; total: AgentSeries } {
  const totals = buckets.map(newAcc);
  const agents = new Map<string, AgentSeries>();
  for (const [agentId, activity] of byAgent) {
    const accs = agentAccs(activity, buckets, now);
    accs.forEach((a, k) => addAcc(totals[k]!, a));
    agents.set(agentId, seriesOf(accs, buckets));
  }
  return { agents, total: seriesOf(totals, buckets) };
}
