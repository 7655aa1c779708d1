import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Role } from '../../../ports/api-key-store.js';
import type { Metrics } from '../../../services/metrics.js';
import { bearerSecurity } from '../../plugins/auth.js';
import { errorResponses } from '../../schemas.js';

export interface MetricsRouteDeps {
  metrics: Pick<Metrics, 'contentType' | 'render'>;
}

// Queue names, agent counts and call volumes are business data: a supervisor key, the same as the
// wallboard's, checked by the app's auth hook because the route declares a role. Prometheus sends
// it with `authorization: { credentials: <key> }` (docs/metrics.md).
const ROLE: Role = 'supervisor';

export const metricsRoutes = (deps: MetricsRouteDeps): FastifyPluginAsyncTypebox => async (app) => {
  app.get(
    '/metrics',
    {
      config: { role: ROLE },
      schema: {
        tags: ['metrics'],
        summary: 'Prometheus metrics (text format 0.0.4): calls, queues, agents, ARI, event-loop lag, process',
        security: bearerSecurity,
        response: { 200: Type.String({ description: 'text/plain; version=0.0.4' }), ...errorResponses },
      },
    },
    async (_request, reply) => reply.type(deps.metrics.contentType).send(await deps.metrics.render()),
  );
};
