import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { CallRecord, CallStore } from '../../../ports/call-store.js';
import { bearerSecurity } from '../../plugins/auth.js';
import { ApiError, notFound } from '../../plugins/error-handler.js';
import { errorResponses, ErrorSchema } from '../../schemas.js';
import { CallDetailSchema, CallListSchema, CallParams, ListCallsQuery } from './schemas.js';

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

function toApi(call: CallRecord) {
  return { ...call, startedAt: iso(call.startedAt), answeredAt: isoOrNull(call.answeredAt), endedAt: isoOrNull(call.endedAt) };
}

export const callRoutes = (store: CallStore): FastifyPluginAsyncTypebox => async (app) => {
  app.get(
    '/calls',
    {
      config: { role: 'supervisor' },
      schema: {
        tags: ['calls'],
        summary: 'The call log, newest first',
        security: bearerSecurity,
        querystring: ListCallsQuery,
        response: { 200: CallListSchema, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const from = q.from === undefined ? undefined : Date.parse(q.from);
      const to = q.to === undefined ? undefined : Date.parse(q.to);
      if (from !== undefined && to !== undefined && from > to) {
        throw new ApiError(400, 'bad_request', "'from' must not be after 'to'");
      }
      const result = store.list({ from, to, number: q.number, status: q.status, flowId: q.flowId, tag: q.tag, limit: q.limit, offset: q.offset });
      return { total: result.total, limit: q.limit, offset: q.offset, items: result.items.map(toApi) };
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
};
