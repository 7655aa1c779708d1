import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

export interface HealthDeps {
  ariConnected(): boolean;
  dbOk(): boolean;
  activeCalls(): number;
  version: string;
  startedAt: number;
  now(): number;
}

const HealthSchema = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  ari: Type.Object({ connected: Type.Boolean() }),
  db: Type.Object({ ok: Type.Boolean() }),
  activeCalls: Type.Integer(),
  version: Type.String(),
  uptimeSeconds: Type.Integer(),
});

// 503 when degraded so a load balancer or orchestrator can act on it without parsing the body.
export const healthRoutes = (deps: HealthDeps): FastifyPluginAsyncTypebox => async (app) => {
  app.get(
    '/health',
    {
      config: { public: true },
      schema: {
        tags: ['health'],
        summary: 'Liveness and dependencies: ARI connection and database',
        response: { 200: HealthSchema, 503: HealthSchema },
      },
    },
    async (_request, reply) => {
      const ari = deps.ariConnected();
      const db = deps.dbOk();
      const body = {
        status: ari && db ? ('ok' as const) : ('degraded' as const),
        ari: { connected: ari },
        db: { ok: db },
        activeCalls: deps.activeCalls(),
        version: deps.version,
        uptimeSeconds: Math.floor((deps.now() - deps.startedAt) / 1000),
      };
      return reply.status(body.status === 'ok' ? 200 : 503).send(body);
    },
  );
};
