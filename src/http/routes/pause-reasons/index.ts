import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { NO_ANSWER_REASON } from '../../../core/acd/acd-types.js';
import type { AcdControl } from '../../../services/acd-control.js';
import type { AcdConfigStore } from '../../../ports/acd-store.js';
import { bearerSecurity } from '../../plugins/auth.js';
import { ApiError, notFound } from '../../plugins/error-handler.js';
import { errorResponses, ErrorSchema } from '../../schemas.js';
import { AcdId } from '../acd/schemas.js';

const PauseReasonSchema = Type.Object({
  code: Type.String(),
  label: Type.String(),
  productive: Type.Boolean({ description: 'Counted as working time in occupancy (training, back office) rather than away' }),
});
const CodeParams = Type.Object({ code: AcdId('Pause reason code') });
const PauseReasonBody = Type.Object(
  { label: Type.String({ minLength: 1, maxLength: 100 }), productive: Type.Boolean({ default: false }) },
  { additionalProperties: false },
);

export const pauseReasonRoutes = (config: AcdConfigStore, control: AcdControl): FastifyPluginAsyncTypebox => async (app) => {
  app.get(
    '/pause-reasons',
    {
      config: { role: 'agent' },
      schema: { tags: ['acd'], summary: 'Reasons an agent may pause with', security: bearerSecurity, response: { 200: Type.Array(PauseReasonSchema), ...errorResponses } },
    },
    async () => config.listPauseReasons(),
  );

  app.put(
    '/pause-reasons/:code',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['acd'],
        summary: 'Create or update a pause reason',
        security: bearerSecurity,
        params: CodeParams,
        body: PauseReasonBody,
        response: { 200: PauseReasonSchema, ...errorResponses },
      },
    },
    async (request) => {
      const reason = { code: request.params.code, label: request.body.label, productive: request.body.productive };
      config.putPauseReason(reason);
      control.reloadConfig();
      return reason;
    },
  );

  app.delete(
    '/pause-reasons/:code',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['acd'],
        summary: `Delete a pause reason (not '${NO_ANSWER_REASON}', which the ACD sets itself)`,
        security: bearerSecurity,
        params: CodeParams,
        response: { 204: Type.Null(), 404: ErrorSchema, 409: ErrorSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { code } = request.params;
      // The ACD pauses an agent who misses offers with this reason; without it that pause would fail.
      if (code === NO_ANSWER_REASON) throw new ApiError(409, 'reason_protected', `'${NO_ANSWER_REASON}' is set by the ACD itself and cannot be deleted`);
      if (!config.deletePauseReason(code)) throw notFound('pause reason');
      control.reloadConfig();
      return reply.status(204).send(null);
    },
  );
};
