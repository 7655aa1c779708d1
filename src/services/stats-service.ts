import { agentMetrics, agentsMetrics, OPEN_TALK_CAP_MS, type AgentActivity, type AgentMetrics } from '../core/stats/agent-metrics.js';
import { agentTimeline as buildAgentTimeline, type TimelineEntry } from '../core/stats/agent-timeline.js';
import { bucketsOf, startOfDay } from '../core/stats/buckets.js';
import { queueMetrics, queueMetricsByQueue, type QueueMetricParams, type QueueMetrics } from '../core/stats/queue-metrics.js';
import type { QueueFact } from '../core/stats/queue-fact.js';
import type { QueueRollup } from '../core/stats/queue-rollup.js';
import { planRead, rollupsAnswer } from '../core/stats/rollup-plan.js';
import { checkQuery, DEFAULT_SHORT_ABANDON_SEC, DEFAULT_SL_SEC, type StatsQuery } from '../core/stats/stats-query.js';
import type { Bucket, SlVariant } from '../core/stats/stats-types.js';
import type { StatsStore } from '../ports/stats-store.js';

export interface StatsServiceDeps {
  store: StatsStore;
  /** Configured queues (their serviceLevelSec is the default T) and agents. */
  queues: () => { id: string; serviceLevelSec: number }[];
  agents: () => { id: string }[];
  now: () => number;
  /** The zone "today" is counted in for real-time counters. */
  timeZone: string;
  /** The SL formula of real-time counters (default: answered within T over answered). */
  slVariant?: SlVariant;
  /** false: read every visit of the range, never the 15-minute rollups (the reference they are tested against). */
  useRollups?: boolean;
}

export type StatsErrorCode = 'invalid_query' | 'queue_not_found' | 'agent_not_found';
export class StatsError extends Error {
  constructor(readonly code: StatsErrorCode, message: string) {
    super(message);
    this.name = 'StatsError';
  }
}

export interface Series<M> {
  summary: M;
  intervals: (M & Bucket)[];
}
export interface QueueStats extends Series<QueueMetrics> {
  queueId: string;
  /** The threshold T used, in seconds. */
  slSec: number;
}
export interface AgentStats extends Series<AgentMetrics> {
  agentId: string;
}

export interface TodayCounters {
  queueId: string;
  since: number;
  offered: number;
  answered: number;
  abandoned: number;
  waiting: number;
  answeredInSl: number;
  serviceLevel: number | null;
  slSec: number;
}

const NO_ACTIVITY = (): AgentActivity => ({ spans: [], visits: [], misses: [] });

// Historical stats computed at query time from the projection of the journal (core does the
// math), and the "today so far" counters the live stream pushes.
const TIMELINE_MAX_MS = 7 * 86_400_000;

export function createStatsService(deps: StatsServiceDeps) {
  const { store, now } = deps;
  const slMsOf = (q: StatsQuery) => {
    const defaults = new Map(deps.queues().map((c) => [c.id, c.serviceLevelSec]));
    return (queueId: string) => (q.slSec ?? defaults.get(queueId) ?? DEFAULT_SL_SEC) * 1000;
  };
  const checked = (q: StatsQuery): Bucket[] => {
    const result = checkQuery(q);
    if ('error' in result) throw new StatsError('invalid_query', result.error);
    store.catchUp();
    return result.buckets;
  };
  // Same question, same projection, same second: the same answer. Wallboards polling the same
  // figures together then cost one computation, not one each (each takes the event loop that
  // also routes calls: bench/RESULTS.md "Stats API under call load").
  const answers = new Map<string, unknown>();
  const ANSWERS_KEPT = 64;
  function remembered<T>(name: string, args: unknown, compute: () => T): T {
    store.catchUp();
    const key = JSON.stringify([name, args, store.version(), Math.floor(now() / 1000), deps.queues().map((c) => [c.id, c.serviceLevelSec])]);
    if (answers.has(key)) return answers.get(key) as T;
    const value = compute();
    if (answers.size >= ANSWERS_KEPT) answers.delete(answers.keys().next().value!);
    answers.set(key, value);
    return value;
  }
  const params = (q: StatsQuery): QueueMetricParams => ({ slMs: slMsOf(q), shortAbandonMs: q.shortAbandonSec * 1000, slVariant: q.slVariant, now: now() });

  /** Whole 15-minute slots inside one bucket come as rollups, the rest visit by visit (rollup-plan.ts). */
  function read(q: StatsQuery, buckets: Bucket[], queueId?: string): { facts: QueueFact[]; rollups: QueueRollup[] } {
    const only = queueId === undefined ? {} : { queueId };
    const thresholds = [q.shortAbandonSec, ...(q.slSec !== undefined ? [q.slSec] : deps.queues().map((c) => c.serviceLevelSec))];
    if (deps.useRollups === false || !rollupsAnswer(thresholds)) return { facts: store.queueFacts({ from: q.from, to: q.to, ...only }), rollups: [] };
    const plan = planRead(buckets);
    return {
      facts: plan.facts.flatMap((r) => store.queueFacts({ ...r, ...only })),
      rollups: plan.rollups ? store.queueRollups({ ...plan.rollups, ...only }) : [],
    };
  }

  function queueStats(queueId: string, q: StatsQuery): QueueStats {
    const buckets = checked(q);
    const { facts, rollups } = read(q, buckets, queueId);
    if (facts.length === 0 && rollups.length === 0 && !deps.queues().some((c) => c.id === queueId)) throw new StatsError('queue_not_found', `queue '${queueId}' not found`);
    const p = params(q);
    return { queueId, slSec: p.slMs(queueId) / 1000, ...queueMetrics(facts, buckets, p, rollups) };
  }

  /** Every configured queue and any other queue with visits in the range, then the total over all. */
  function allQueueStats(q: StatsQuery): { queues: QueueStats[]; total: Series<QueueMetrics> } {
    const buckets = checked(q);
    const p = params(q);
    const { facts, rollups } = read(q, buckets);
    const r = queueMetricsByQueue(facts, buckets, p, deps.queues().map((c) => c.id), rollups);
    const queues = [...r.queues].sort(([a], [b]) => a.localeCompare(b)).map(([queueId, s]) => ({ queueId, slSec: p.slMs(queueId) / 1000, ...s }));
    return { queues, total: r.total };
  }

  function agentStats(agentId: string, q: StatsQuery): AgentStats {
    const buckets = checked(q);
    const activity = store.agentActivity({ from: q.from, to: q.to, agentId }).get(agentId);
    if (!activity && !deps.agents().some((a) => a.id === agentId)) throw new StatsError('agent_not_found', `agent '${agentId}' not found`);
    return { agentId, ...agentMetrics(activity ?? NO_ACTIVITY(), buckets, now()) };
  }

  /** Every configured agent and any other with activity in the range; the total sums their time. */
  function allAgentStats(q: StatsQuery): { agents: AgentStats[]; total: Series<AgentMetrics> } {
    const buckets = checked(q);
    const byAgent = store.agentActivity({ from: q.from, to: q.to });
    for (const a of deps.agents()) if (!byAgent.has(a.id)) byAgent.set(a.id, NO_ACTIVITY());
    const r = agentsMetrics(byAgent, buckets, now());
    const agents = [...r.agents].sort(([a], [b]) => a.localeCompare(b)).map(([agentId, s]) => ({ agentId, ...s }));
    return { agents, total: r.total };
  }

  /** Today so far (in the configured zone) per queue: one queue, or every queue with null. */
  function today(queueId: string | null, at: number = now()): TodayCounters[] {
    store.catchUp();
    const since = startOfDay(at, deps.timeZone);
    const q: StatsQuery = { from: since, to: at + 1, interval: 'day', tz: deps.timeZone, shortAbandonSec: DEFAULT_SHORT_ABANDON_SEC, slVariant: deps.slVariant ?? 'answered' };
    const buckets = bucketsOf(q.from, q.to, q.interval, q.tz);
    const visits = store.queueFacts({ from: q.from, to: q.to, ...(queueId === null ? {} : { queueId }) });
    const ids = queueId === null ? [...new Set([...deps.queues().map((c) => c.id), ...visits.map((v) => v.queueId)])].sort() : [queueId];
    const p = { ...params(q), now: at };
    return ids.map((id) => {
      const m = queueMetrics(visits.filter((v) => v.queueId === id), buckets, p).summary;
      return { queueId: id, since, offered: m.offered, answered: m.answered, abandoned: m.abandoned, waiting: m.waiting, answeredInSl: m.answeredInSl, serviceLevel: m.serviceLevel, slSec: p.slMs(id) / 1000 };
    });
  }

  /** What the agent did in [from, to): status spans, conversations with wrap-up, missed offers. At most 7 days. */
  function agentTimeline(agentId: string, from: number, to: number): TimelineEntry[] {
    if (!(to > from)) throw new StatsError('invalid_query', "'to' must be after 'from'");
    if (to - from > TIMELINE_MAX_MS) throw new StatsError('invalid_query', 'a timeline covers at most 7 days');
    store.catchUp();
    const activity = store.agentActivity({ from, to, agentId }).get(agentId);
    if (!activity && !deps.agents().some((a) => a.id === agentId)) throw new StatsError('agent_not_found', `agent '${agentId}' not found`);
    // Conversations are found by when the caller entered the queue, up to the longest a talk is believed.
    const visits = store.visits({ from: from - OPEN_TALK_CAP_MS, to }).filter((v) => v.agentId === agentId);
    return buildAgentTimeline(agentId, { spans: activity?.spans ?? [], visits, misses: activity?.misses ?? [] }, from, to, now());
  }

  return {
    queueStats: (queueId: string, q: StatsQuery) => remembered('queue', [queueId, q], () => queueStats(queueId, q)),
    allQueueStats: (q: StatsQuery) => remembered('queues', q, () => allQueueStats(q)),
    agentStats: (agentId: string, q: StatsQuery) => remembered('agent', [agentId, q], () => agentStats(agentId, q)),
    allAgentStats: (q: StatsQuery) => remembered('agents', q, () => allAgentStats(q)),
    today,
    agentTimeline,
  };
}

export type StatsService = ReturnType<typeof createStatsService>;
