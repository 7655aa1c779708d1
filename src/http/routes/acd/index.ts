import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { bearerSecurity } from '../../plugins/auth.js';
import { ApiError, notFound } from '../../plugins/error-handler.js';
import { errorResponses, ErrorSchema } from '../../schemas.js';
import type { AcdDeps } from './deps.js';
import { acdEventStream } from './event-stream.js';
import { IdParams, JournalQuery, JournalSchema, QueueSnapshotSchema, RoutingExplanationSchema } from './schemas.js';
import { explanationToApi, journalRowToApi, withToday } from './views.js';

export const acdRoutes = ({ control, journal, heartbeatMs, today }: AcdDeps): FastifyPluginAsyncTypebox => async (app) => {
  const errors = { 404: ErrorSchema, ...errorResponses };

  app.get(
    '/queues/live',
    {
      config: { role: 'agent' },
      schema: { tags: ['acd'], summary: 'Every queue now: waiting callers and agent counts', security: bearerSecurity, response: { 200: Type.Array(QueueSnapshotSchema), ...errorResponses } },
    },
    async () => withToday(control.snapshots(), today?.current(null) ?? null),
  );

  app.get(
    '/queues/:id/live',
    {
      config: { role: 'agent' },
      schema: { tags: ['acd'], summary: 'One queue now: waiting callers in routing order and agent counts', security: bearerSecurity, params: IdParams, response: { 200: QueueSnapshotSchema, ...errors } },
    },
    async (request) => {
      const snapshot = control.snapshot(request.params.id);
      if (!snapshot) throw notFound('queue');
      return withToday([snapshot], today?.current(snapshot.queueId) ?? null)[0]!;
    },
  );

  app.get(
    '/interactions/:id/routing',
    {
      config: { role: 'supervisor' },
      schema: {
        tags: ['acd'],
        summary: 'Why an interaction went (or has not yet gone) to an agent: requirements, decision and every candidate’s verdict',
        security: bearerSecurity,
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) }),
        response: { 200: RoutingExplanationSchema, ...errors },
      },
    },
    async (request) => {
      const explanation = control.explain(request.params.id);
      if (!explanation) throw notFound('interaction');
      return explanationToApi(explanation);
    },
  );

  app.get(
    '/acd/journal',
    {
      config: { role: 'supervisor' },
      schema: {
        tags: ['acd'],
        summary: 'The ACD journal (offers, answers, misses, pauses, wrap-ups), newest first',
        security: bearerSecurity,
        querystring: JournalQuery,
        response: { 200: JournalSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { from, to, limit, ...filters } = request.query;
      const fromMs = from === undefined ? undefined : Date.parse(from);
      const toMs = to === undefined ? undefined : Date.parse(to);
      if (fromMs !== undefined && toMs !== undefined && fromMs > toMs) throw new ApiError(400, 'bad_request', "'from' must not be after 'to'");
      return journal.events({ ...filters, from: fromMs, to: toMs, limit }).map(journalRowToApi);
    },
  );

  await app.register(acdEventStream(control, heartbeatMs, today));
};
