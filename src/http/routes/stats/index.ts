import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import { toIso } from '../../../core/stats/buckets.js';
import type { StatsQuery } from '../../../core/stats/stats-query.js';
import type { Bucket } from '../../../core/stats/stats-types.js';
import { roleAtLeast } from '../../../services/api-key-service.js';
import { StatsError, type Series, type StatsService } from '../../../services/stats-service.js';
import { bearerSecurity } from '../../plugins/auth.js';
import { ApiError } from '../../plugins/error-handler.js';
import { errorResponses, ErrorSchema } from '../../schemas.js';
import { assertActsFor } from '../agents/access.js';
import { AgentStatsSchema, AllAgentStatsSchema, AllQueueStatsSchema, QueueStatsSchema, StatsIdParams, StatsQuerySchema, TimelineQuerySchema, TimelineSchema } from './schemas.js';

export interface StatsRoutesDeps {
  stats: Pick<StatsService, 'queueStats' | 'allQueueStats' | 'agentStats' | 'allAgentStats' | 'agentTimeline'>;
}

const STATUS = { invalid_query: 400, queue_not_found: 404, agent_not_found: 404 } as const;

function run<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof StatsError) throw new ApiError(STATUS[err.code], err.code === 'invalid_query' ? 'bad_request' : 'not_found', err.message);
    throw err;
  }
}

const toQuery = (q: Static<typeof StatsQuerySchema>): StatsQuery => ({
  from: Date.parse(q.from),
  to: Date.parse(q.to),
  interval: q.interval,
  tz: q.tz,
  shortAbandonSec: q.shortAbandonSec,
  slVariant: q.slVariant,
  ...(q.slSec !== undefined ? { slSec: q.slSec } : {}),
});

// Times go out in the query's zone (ISO 8601 with its offset): a day bucket reads as local midnight.
const echo = (q: StatsQuery) => ({ from: toIso(q.from, q.tz), to: toIso(q.to, q.tz), interval: q.interval, tz: q.tz });
const out = <M>(s: Series<M>, tz: string) => ({
  summary: s.summary,
  intervals: s.intervals.map((i: M & Bucket) => Object.assign({}, i, { start: toIso(i.start, tz), end: toIso(i.end, tz) })),
});

/** An agent key reads its own agent's stats only; supervisors and admins read everyone's. */
const ownAgentOnly = (request: FastifyRequest): string | null => {
  const key = request.apiKey;
  if (!key || roleAtLeast(key.role, 'supervisor')) return null;
  if (key.agentId === null) throw new ApiError(403, 'forbidden', 'this agent key is not tied to an agent; only supervisors read other agents’ stats');
  return key.agentId;
};

export const statsRoutes = ({ stats }: StatsRoutesDeps): FastifyPluginAsyncTypebox => async (app) => {
  const errors = { 404: ErrorSchema, ...errorResponses };
  const description = 'Computed at query time from the ACD journal; definitions in docs/stats.md. Validation errors (range, time zone) are 400.';

  app.get(
    '/queues/:id/stats',
    {
      config: { role: 'supervisor' },
      schema: { tags: ['stats'], summary: 'Historical stats of one queue, per interval', description, security: bearerSecurity, params: StatsIdParams, querystring: StatsQuerySchema, response: { 200: QueueStatsSchema, ...errors } },
    },
    async (request) => {
      const q = toQuery(request.query);
      const r = run(() => stats.queueStats(request.params.id, q));
      return { queueId: r.queueId, slSec: r.slSec, shortAbandonSec: q.shortAbandonSec, slVariant: q.slVariant, ...echo(q), ...out(r, q.tz) };
    },
  );

  app.get(
    '/stats/queues',
    {
      config: { role: 'supervisor' },
      schema: { tags: ['stats'], summary: 'Historical stats of every queue, and the total', description, security: bearerSecurity, querystring: StatsQuerySchema, response: { 200: AllQueueStatsSchema, ...errorResponses } },
    },
    async (request) => {
      const q = toQuery(request.query);
      const r = run(() => stats.allQueueStats(q));
      const common = { shortAbandonSec: q.shortAbandonSec, slVariant: q.slVariant };
      return {
        ...echo(q),
        ...common,
        queues: r.queues.map((s) => ({ queueId: s.queueId, slSec: s.slSec, ...common, ...echo(q), ...out(s, q.tz) })),
        total: out(r.total, q.tz),
      };
    },
  );

  app.get(
    '/agents/:id/stats',
    {
      config: { role: 'agent' },
      schema: { tags: ['stats'], summary: 'Historical stats of one agent (an agent key: its own only)', description, security: bearerSecurity, params: StatsIdParams, querystring: StatsQuerySchema, response: { 200: AgentStatsSchema, ...errors } },
    },
    async (request) => {
      assertActsFor(request, request.params.id);
      const q = toQuery(request.query);
      const r = run(() => stats.agentStats(request.params.id, q));
      return { agentId: r.agentId, ...echo(q), ...out(r, q.tz) };
    },
  );

  app.get(
    '/agents/:id/timeline',
    {
      config: { role: 'agent' },
      schema: {
        tags: ['stats'],
        summary: "An agent's timeline from the journal: status spans, conversations with wrap-up, missed offers (an agent key: its own only)",
        security: bearerSecurity,
        params: StatsIdParams,
        querystring: TimelineQuerySchema,
        response: { 200: TimelineSchema, ...errors },
      },
    },
    async (request) => {
      assertActsFor(request, request.params.id);
      const from = Date.parse(request.query.from);
      const to = Date.parse(request.query.to);
      const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
      const entries = run(() => stats.agentTimeline(request.params.id, from, to)).map((e) => {
        if (e.kind === 'missed') return { ...e, start: iso(e.start)! };
        if (e.kind === 'status') return { ...e, start: iso(e.start)!, end: iso(e.end) };
        return { ...e, start: iso(e.start)!, end: iso(e.end), wrapUpEnd: iso(e.wrapUpEnd) };
      });
      return { agentId: request.params.id, from: iso(from)!, to: iso(to)!, entries };
    },
  );

  app.get(
    '/stats/agents',
    {
      config: { role: 'agent' },
      schema: { tags: ['stats'], summary: 'Historical stats of every agent and the total (an agent key: its own only)', description, security: bearerSecurity, querystring: StatsQuerySchema, response: { 200: AllAgentStatsSchema, ...errorResponses } },
    },
    async (request) => {
      const own = ownAgentOnly(request);
      const q = toQuery(request.query);
      if (own !== null) {
        const r = run(() => stats.agentStats(own, q));
        return { ...echo(q), agents: [{ agentId: r.agentId, ...echo(q), ...out(r, q.tz) }], total: out(r, q.tz) };
      }
      const r = run(() => stats.allAgentStats(q));
      return { ...echo(q), agents: r.agents.map((s) => ({ agentId: s.agentId, ...echo(q), ...out(s, q.tz) })), total: out(r.total, q.tz) };
    },
  );
};
