import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { createQueueLogWriter } from '../../../core/calls/queue-log.js';
import type { CallStore } from '../../../ports/call-store.js';
import { bearerSecurity } from '../../plugins/auth.js';
import { ApiError } from '../../plugins/error-handler.js';
import { errorResponses } from '../../schemas.js';
import { streamed } from '../calls/index.js';

const QueueLogQuery = Type.Object(
  {
    from: Type.String({ format: 'date-time', description: 'Journal rows at or after this time' }),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Journal rows before this time (default: up to now)' })),
  },
  { additionalProperties: false },
);

const PAGE = 1000;

function* queueLog(source: Pick<CallStore, 'queueLogRows'>, range: { from: number; to?: number }): Generator<string> {
  const writer = createQueueLogWriter();
  for (const rows of source.queueLogRows(range, PAGE)) {
    const lines = rows.flatMap((row) => writer.write(row));
    if (lines.length > 0) yield `${lines.join('\n')}\n`;
  }
}

/** Exports of the journals in other tools' formats. Registered under /api/v1. */
export const exportRoutes = (source: Pick<CallStore, 'queueLogRows'>): FastifyPluginAsyncTypebox => async (app) => {
  app.get(
    '/exports/queue_log',
    {
      config: { role: 'supervisor' },
      schema: {
        tags: ['calls'],
        summary: "The ACD journal in Asterisk's queue_log format, for QueueMetrics, qpanel and other queue_log readers",
        description: 'epoch|callid|queuename|agent|event|data1|...; one line per event, in journal order. Mapping in docs/call-logs.md.',
        security: bearerSecurity,
        querystring: QueueLogQuery,
        response: {
          200: { description: 'text/plain, one queue_log line per event, streamed', content: { 'text/plain': { schema: Type.String() } } },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const from = Date.parse(request.query.from);
      const to = request.query.to === undefined ? undefined : Date.parse(request.query.to);
      if (to !== undefined && from > to) throw new ApiError(400, 'bad_request', "'from' must not be after 'to'");
      return reply
        .type('text/plain; charset=utf-8')
        .send(streamed(Readable.from(queueLog(source, to === undefined ? { from } : { from, to }))));
    },
  );
};
