import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { summarizeCall } from '../../../core/calls/call-summary.js';
import { buildTimeline } from '../../../core/calls/timeline.js';
import type { CallFilter, CallRecord, CallStore } from '../../../ports/call-store.js';
import { bearerSecurity } from '../../plugins/auth.js';
import { ApiError, notFound } from '../../plugins/error-handler.js';
import { errorResponses, ErrorSchema } from '../../schemas.js';
import { callsVisibleTo } from './access.js';
import { callLines } from './call-log.js';
import { callsCsv } from './calls-csv.js';
import { CallDetailSchema, CallListSchema, CallParams, CallsCsvQuery, CallTimelineSchema, ListCallsQuery } from './schemas.js';

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

function toApi<T extends CallRecord>(call: T) {
  return { ...call, startedAt: iso(call.startedAt), answeredAt: isoOrNull(call.answeredAt), endedAt: isoOrNull(call.endedAt) };
}

// Fastify pipes a stream as it is; the type provider only knows the schema's string.
export const streamed = (body: Readable) => body as unknown as string;

type FilterQuery = Omit<CallFilter, 'from' | 'to'> & { from?: string; to?: string };

/** The query's filter, narrowed to the agent's own calls for an agent key. */
function filterOf(q: FilterQuery, onlyAgent: string | undefined): CallFilter {
  const from = q.from === undefined ? undefined : Date.parse(q.from);
  const to = q.to === undefined ? undefined : Date.parse(q.to);
  if (from !== undefined && to !== undefined && from > to) {
    throw new ApiError(400, 'bad_request', "'from' must not be after 'to'");
  }
  // An agent asking for another agent's calls gets none, the same as asking for calls nobody took.
  if (onlyAgent !== undefined && q.agentId !== undefined && q.agentId !== onlyAgent) {
    throw new ApiError(403, 'forbidden', `this key reads only the calls of agent '${onlyAgent}'`);
  }
  const { from: _from, to: _to, ...rest } = q;
  return { ...rest, from, to, ...(onlyAgent !== undefined ? { agentId: onlyAgent } : {}) };
}

// Agent keys pass the role check and are narrowed to their agent's calls in the handler.
export const callRoutes = (store: CallStore, now: () => number = Date.now): FastifyPluginAsyncTypebox => async (app) => {
  app.get(
    '/calls',
    {
      config: { role: 'agent' },
      schema: {
        tags: ['calls'],
        summary: 'The call log, newest first',
        description: 'Supervisors see every call; an agent key sees the calls its agent talked on.',
        security: bearerSecurity,
        querystring: ListCallsQuery,
        response: { 200: CallListSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { limit, offset, ...q } = request.query;
      const result = store.list({ ...filterOf(q, callsVisibleTo(request)), limit, offset });
      return { total: result.total, limit, offset, items: callLines(store, result.items, now()).map(toApi) };
    },
  );

  app.get(
    '/calls.csv',
    {
      config: { role: 'agent' },
      schema: {
        tags: ['calls'],
        summary: 'The call log as CSV (RFC 4180), with the filters of GET /calls, every matching call',
        description: 'Columns and quoting in docs/call-logs.md. Cells that a spreadsheet would run as a formula start with an apostrophe.',
        security: bearerSecurity,
        querystring: CallsCsvQuery,
        response: {
          200: { description: 'text/csv, header row first, streamed', content: { 'text/csv': { schema: Type.String() } } },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const filter = filterOf(request.query, callsVisibleTo(request));
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="calls.csv"')
        .send(streamed(Readable.from(callsCsv(store, filter, now()))));
    },
  );

  app.get(
    '/calls/:id',
    {
      config: { role: 'supervisor' },
      schema: {
        tags: ['calls'],
        summary: 'One call with its event timeline',
        security: bearerSecurity,
        params: CallParams,
        response: { 200: CallDetailSchema, 404: ErrorSchema, ...errorResponses },
      },
    },
    async (request) => {
      const call = store.get(request.params.id);
      if (!call) throw notFound('call');
      const events = store.events(call.id).map((e) => ({ seq: e.seq, at: iso(e.at), type: e.type, data: e.data }));
      return { call: toApi(call), events };
    },
  );

  app.get(
    '/calls/:id/timeline',
    {
      config: { role: 'agent' },
      schema: {
        tags: ['calls'],
        summary: "One call's story: outcome, segments (queue visits and agent conversations) and the ordered timeline",
        description: 'An agent key gets 404 for a call its agent did not talk on.',
        security: bearerSecurity,
        params: CallParams,
        response: { 200: CallTimelineSchema, 404: ErrorSchema, ...errorResponses },
      },
    },
    async (request) => {
      const onlyAgent = callsVisibleTo(request);
      const call = store.get(request.params.id);
      if (!call) throw notFound('call');
      const journal = store.journals([call.id], 'full').get(call.id) ?? { events: [], acd: [], recordings: 0 };
      const summary = summarizeCall(call, journal, now());
      if (onlyAgent !== undefined && !summary.agents.includes(onlyAgent)) throw notFound('call');
      return {
        call: toApi(call),
        ...summary,
        recordings: journal.recordings,
        segments: summary.segments.map((s) => ({
          ...s,
          enteredAt: iso(s.enteredAt),
          answeredAt: isoOrNull(s.answeredAt),
          endedAt: isoOrNull(s.endedAt),
          offers: s.offers.map((o) => ({ ...o, offeredAt: iso(o.offeredAt), ringingAt: isoOrNull(o.ringingAt), endedAt: isoOrNull(o.endedAt) })),
        })),
        timeline: buildTimeline(call.startedAt, journal).map((e) => ({ ...e, at: iso(e.at) })),
      };
    },
  );
};
