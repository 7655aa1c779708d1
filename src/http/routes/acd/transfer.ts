import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { roleAtLeast } from '../../../services/api-key-service.js';
import type { AcdControl } from '../../../services/acd-control.js';
import { bearerSecurity } from '../../plugins/auth.js';
import { ApiError } from '../../plugins/error-handler.js';
import { errorResponses, ErrorSchema } from '../../schemas.js';
import { actorOf } from '../agents/access.js';

const TransferBody = Type.Union(
  [
    Type.Object({ queue: Type.String({ minLength: 1, maxLength: 64, description: 'Another queue: the caller waits there with their first arrival time' }) }, { additionalProperties: false }),
    Type.Object({ number: Type.String({ pattern: '^\\+?[0-9*#]{2,20}$', description: 'A phone number, dialled through the trunk' }) }, { additionalProperties: false }),
  ],
  { description: 'Exactly one of queue or number' },
);

// Blind transfer by the agent on the call (or a supervisor): the agent goes to wrap-up at once and
// the caller goes on, to another queue or a number. The call's journal links the two segments.
export const transferRoutes = (control: AcdControl): FastifyPluginAsyncTypebox => async (app) => {
  app.post(
    '/interactions/:id/transfer',
    {
      config: { role: 'agent' },
      schema: {
        tags: ['acd'],
        summary: 'Blind-transfer a connected caller to another queue or a phone number',
        description: 'An agent key may transfer only a caller it is talking to; supervisors any. 409 when the interaction is not connected to an agent.',
        security: bearerSecurity,
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) }),
        body: TransferBody,
        response: { 202: Type.Object({ interactionId: Type.String({ description: 'The interaction the caller continues as' }) }), 404: ErrorSchema, 409: ErrorSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const key = request.apiKey!;
      if (!roleAtLeast(key.role, 'supervisor')) {
        const mine = key.agentId ? control.agent(key.agentId)?.interactions ?? [] : [];
        if (!mine.includes(request.params.id)) throw new ApiError(403, 'forbidden', 'an agent key may transfer only a caller it is talking to');
      }
      const result = control.transfer(request.params.id, request.body, actorOf(request));
      return reply.code(202).send(result);
    },
  );
};
