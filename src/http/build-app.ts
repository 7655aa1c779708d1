import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { CallStore } from '../ports/call-store.js';
import type { ApiKeyService } from '../services/api-key-service.js';
import type { CalendarOverrideService } from '../services/calendar-override-service.js';
import type { Metrics } from '../services/metrics.js';
import type { SoftphoneService } from '../services/softphone-service.js';
import { registerAuth } from './plugins/auth.js';
import { registerErrorHandler } from './plugins/error-handler.js';
import { acdRoutes } from './routes/acd/index.js';
import { transferRoutes } from './routes/acd/transfer.js';
import type { AcdDeps } from './routes/acd/deps.js';
import { agentRoutes } from './routes/agents/index.js';
import { apiKeyRoutes } from './routes/api-keys/index.js';
import { calendarRoutes } from './routes/calendars/index.js';
import { callRoutes } from './routes/calls/index.js';
import { exportRoutes } from './routes/exports/index.js';
import { flowRoutes, type FlowsDeps } from './routes/flows/index.js';
import { healthRoutes, type HealthDeps } from './routes/health/index.js';
import { pauseReasonRoutes } from './routes/pause-reasons/index.js';
import { queueRoutes } from './routes/queues/index.js';
import { erlangCRoutes } from './routes/erlang-c/index.js';
import { metricsRoutes } from './routes/metrics/index.js';
import { contactRoutes, type ContactRoutesService } from './routes/contacts/index.js';
import { statsRoutes, type StatsRoutesDeps } from './routes/stats/index.js';
import { recordingRoutes, type RecordingDeps } from './routes/recordings/index.js';
import { skillRoutes } from './routes/skills/index.js';
import { softphoneRoutes } from './routes/softphones/index.js';
import { ErrorSchema } from './schemas.js';

export type { AcdDeps } from './routes/acd/deps.js';

export interface AppDeps {
  logger: Logger;
  calls: CallStore;
  keys: ApiKeyService;
  health: HealthDeps;
  now: () => number;
  /** The flow catalog (also the calendars' source) and the reload SIGHUP does. */
  flows: FlowsDeps;
  /** Calendar overrides: SQLite behind an in-memory map the call runtime reads. */
  calendarOverrides: CalendarOverrideService;
  /** The ACD (skills, agents, queues, pause reasons, live state, journal); without it those routes are absent. */
  acd?: AcdDeps;
  /** Agents' softphones provisioned in Asterisk; without it /softphones is absent. */
  softphones?: SoftphoneService;
  /** Conversation recordings; without it /recordings and the calls' recording controls are absent. */
  recordings?: RecordingDeps;
  /** Historical and today's queue and agent statistics; without it the stats routes are absent. */
  stats?: StatsRoutesDeps['stats'];
  /** Contacts and their timeline across calls and conversations; without it /contacts is absent. */
  contacts?: ContactRoutesService;
  /** Behind GET /metrics (Prometheus); without it the route is absent. */
  metrics?: Pick<Metrics, 'contentType' | 'render'>;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  registerErrorHandler(app);
  app.addSchema(ErrorSchema);
  await app.register(swagger, {
    openapi: {
      info: { title: 'Switchboard API', version: deps.health.version, description: 'Call center server on Asterisk 22 (ARI).' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An API key: Authorization: Bearer sbk_...' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  registerAuth(app, deps.keys, deps.now);

  await app.register(healthRoutes(deps.health), { prefix: '/api/v1' });
  await app.register(callRoutes(deps.calls, deps.now), { prefix: '/api/v1' });
  await app.register(exportRoutes(deps.calls), { prefix: '/api/v1' });
  await app.register(apiKeyRoutes(deps.keys, deps.now, deps.acd?.config), { prefix: '/api/v1' });
  await app.register(flowRoutes(deps.flows, deps.calls), { prefix: '/api/v1' });
  await app.register(calendarRoutes(deps.flows.catalog, deps.calendarOverrides, deps.now), { prefix: '/api/v1' });
  if (deps.acd) {
    await app.register(skillRoutes(deps.acd.config), { prefix: '/api/v1' });
    await app.register(agentRoutes(deps.acd), { prefix: '/api/v1' });
    await app.register(queueRoutes(deps.acd), { prefix: '/api/v1' });
    await app.register(pauseReasonRoutes(deps.acd.config, deps.acd.control), { prefix: '/api/v1' });
    await app.register(acdRoutes(deps.acd), { prefix: '/api/v1' });
    await app.register(transferRoutes(deps.acd.control), { prefix: '/api/v1' });
  }
  if (deps.softphones) await app.register(softphoneRoutes(deps.softphones), { prefix: '/api/v1' });
  if (deps.recordings) await app.register(recordingRoutes(deps.recordings), { prefix: '/api/v1' });
  await app.register(erlangCRoutes, { prefix: '/api/v1' });
  if (deps.stats) await app.register(statsRoutes({ stats: deps.stats }), { prefix: '/api/v1' });
  if (deps.contacts) await app.register(contactRoutes(deps.contacts), { prefix: '/api/v1' });
  if (deps.metrics) await app.register(metricsRoutes({ metrics: deps.metrics }));
  return app;
}
