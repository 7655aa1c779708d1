import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { QueueConfig } from '../../../core/acd/acd-types.js';
import { bearerSecurity } from '../../plugins/auth.js';
import { ApiError, notFound } from '../../plugins/error-handler.js';
import { errorResponses, ErrorSchema } from '../../schemas.js';
import type { AcdDeps } from '../acd/deps.js';
import { IdParams } from '../acd/schemas.js';
import { NewQueueBody, QueueBody, QueueSchema, type QueueFields } from './schemas.js';
import { checkQueue, queuesReferring } from './validate.js';

export const queueRoutes = ({ control, config }: AcdDeps): FastifyPluginAsyncTypebox => async (app) => {
  const save = (id: string, fields: QueueFields): QueueConfig => {
    checkQueue(id, fields, config);
    const queue: QueueConfig = { id, ...fields };
    config.putQueue(queue);
    control.reloadConfig();
    return queue;
  };
  const admin = { config: { role: 'admin' as const } };
  const errors = { 404: ErrorSchema, ...errorResponses };
  const defaults = 'Only id and name are required on creation; every other field takes its default (see the schema).';

  app.get(
    '/queues',
    {
      config: { role: 'agent' },
      schema: { tags: ['acd'], summary: 'Queues and their configuration', security: bearerSecurity, response: { 200: Type.Array(QueueSchema), ...errorResponses } },
    },
    async () => config.listQueues(),
  );

  app.get(
    '/queues/:id',
    {
      config: { role: 'agent' },
      schema: { tags: ['acd'], summary: 'One queue’s configuration', security: bearerSecurity, params: IdParams, response: { 200: QueueSchema, ...errors } },
    },
    async (request) => {
      const queue = config.getQueue(request.params.id);
      if (!queue) throw notFound('queue');
      return queue;
    },
  );

  app.post(
    '/queues',
    {
      ...admin,
      schema: {
        tags: ['acd'],
        summary: 'Create a queue; the ACD applies it at once',
        description: defaults,
        security: bearerSecurity,
        body: NewQueueBody,
        response: { 201: QueueSchema, 409: ErrorSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { id, ...fields } = request.body;
      if (config.getQueue(id)) throw new ApiError(409, 'queue_exists', `queue '${id}' already exists; PUT /api/v1/queues/${id} replaces it`);
      return reply.status(201).send(save(id, fields));
    },
  );

  app.put(
    '/queues/:id',
    {
      ...admin,
      schema: {
        tags: ['acd'],
        summary: 'Replace a queue’s configuration (fields left out take their defaults)',
        security: bearerSecurity,
        params: IdParams,
        body: QueueBody,
        response: { 200: QueueSchema, ...errors },
      },
    },
    async (request) => {
      if (!config.getQueue(request.params.id)) throw notFound('queue');
      return save(request.params.id, request.body);
    },
  );

  app.delete(
    '/queues/:id',
    {
      ...admin,
      schema: {
        tags: ['acd'],
        summary: 'Delete a queue no other queue overflows into',
        security: bearerSecurity,
        params: IdParams,
        response: { 204: Type.Null(), 409: ErrorSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      if (!config.getQueue(id)) throw notFound('queue');
      const referring = queuesReferring(id, config);
      if (referring.length) throw new ApiError(409, 'queue_in_use', `queue '${id}' is the overflow of ${referring.map((q) => `queue ${q}`).join(', ')}`, { queues: referring });
      config.deleteQueue(id);
      control.reloadConfig();
      return reply.status(204).send(null);
    },
  );
};
