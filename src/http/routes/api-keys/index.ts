import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AcdConfigStore } from '../../../ports/acd-store.js';
import type { ApiKeyRecord } from '../../../ports/api-key-store.js';
import type { ApiKeyService } from '../../../services/api-key-service.js';
import { bearerSecurity } from '../../plugins/auth.js';
import { ApiError, notFound } from '../../plugins/error-handler.js';
import { errorResponses, ErrorSchema } from '../../schemas.js';

const RoleSchema = Type.Union([Type.Literal('admin'), Type.Literal('supervisor'), Type.Literal('agent')]);
const ApiKeySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: RoleSchema,
  prefix: Type.String({ description: 'First characters of the key, to recognise it' }),
  createdAt: Type.String({ format: 'date-time' }),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  agentId: Type.Union([Type.String(), Type.Null()], { description: 'The agent an agent key acts for (its own login, pause, wrap-up)' }),
});

const toApi = (k: ApiKeyRecord) => ({
  ...k,
  createdAt: new Date(k.createdAt).toISOString(),
  lastUsedAt: k.lastUsedAt === null ? null : new Date(k.lastUsedAt).toISOString(),
  revokedAt: k.revokedAt === null ? null : new Date(k.revokedAt).toISOString(),
});

/** agents: where an agent key's agentId must exist; without the ACD no key can be tied to an agent. */
export const apiKeyRoutes = (keys: ApiKeyService, now: () => number, agents?: Pick<AcdConfigStore, 'getAgent'>): FastifyPluginAsyncTypebox => async (app) => {
  const common = { config: { role: 'admin' as const } };
  app.get(
    '/api-keys',
    { ...common, schema: { tags: ['api-keys'], summary: 'List API keys (never the secrets)', security: bearerSecurity, response: { 200: Type.Array(ApiKeySchema), ...errorResponses } } },
    async () => keys.list().map(toApi),
  );
  app.post(
    '/api-keys',
    {
      ...common,
      schema: {
        tags: ['api-keys'],
        summary: 'Create an API key; the secret is shown only in this response',
        security: bearerSecurity,
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100 }),
            role: RoleSchema,
            agentId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Role agent only: the agent this key acts for; must exist' })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ key: Type.String(), apiKey: ApiKeySchema }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { name, role, agentId } = request.body;
      if (agentId !== undefined) {
        if (role !== 'agent') throw new ApiError(400, 'bad_request', `agentId: only an agent key can be tied to an agent (role is ${role})`);
        if (!agents?.getAgent(agentId)) throw new ApiError(400, 'bad_request', `agentId: unknown agent '${agentId}'`);
      }
      const created = keys.create(name, role, now(), agentId ?? null);
      return reply.status(201).send({ key: created.key, apiKey: toApi(created.record) });
    },
  );
  app.delete(
    '/api-keys/:id',
    {
      ...common,
      schema: {
        tags: ['api-keys'],
        summary: 'Revoke an API key',
        security: bearerSecurity,
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 204: Type.Null(), 404: ErrorSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      if (!keys.revoke(request.params.id, now())) throw notFound('API key');
      return reply.status(204).send(null);
    },
  );
};
