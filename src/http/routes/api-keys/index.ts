import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ApiKeyRecord } from '../../../ports/api-key-store.js';
import type { ApiKeyService } from '../../../services/api-key-service.js';
import { bearerSecurity } from '../../plugins/auth.js';
import { notFound } from '../../plugins/error-handler.js';
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
});

const toApi = (k: ApiKeyRecord) => ({
  ...k,
  createdAt: new Date(k.createdAt).toISOString(),
  lastUsedAt: k.lastUsedAt === null ? null : new Date(k.lastUsedAt).toISOString(),
  revokedAt: k.revokedAt === null ? null : new Date(k.revokedAt).toISOString(),
});

export const apiKeyRoutes = (keys: ApiKeyService, now: () => number): FastifyPluginAsyncTypebox => async (app) => {
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
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }), role: RoleSchema }, { additionalProperties: false }),
        response: { 201: Type.Object({ key: Type.String(), apiKey: ApiKeySchema }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const created = keys.create(request.body.name, request.body.role, now());
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
