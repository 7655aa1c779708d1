import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { SOFTPHONE_ID_PATTERN } from '../../../ports/softphone-store.js';
import { SoftphoneError, type SoftphoneErrorCode, type SoftphoneService, type SoftphoneView } from '../../../services/softphone-service.js';
import { bearerSecurity } from '../../plugins/auth.js';
import { ApiError } from '../../plugins/error-handler.js';
import { errorResponses, ErrorSchema } from '../../schemas.js';

const iso = (ms: number) => new Date(ms).toISOString();

const SoftphoneParams = Type.Object({
  id: Type.String({ pattern: SOFTPHONE_ID_PATTERN, description: 'PJSIP endpoint id and SIP username, e.g. 2101; dial string PJSIP/<id>' }),
});

// No control characters: the caller id goes into Asterisk's configuration and SIP headers.
const PRINTABLE = '^[^\\u0000-\\u001f\\u007f]*$';
const SoftphoneBody = Type.Object(
  {
    password: Type.String({ minLength: 8, maxLength: 64, pattern: PRINTABLE, description: 'The SIP password; write-only, never returned or stored in clear' }),
    callerId: Type.Optional(Type.String({ minLength: 1, maxLength: 128, pattern: PRINTABLE, description: 'Caller id of the phone, e.g. "Agent 2101" <2101>; default "<id>" <<id>>' })),
  },
  { additionalProperties: false },
);

const SoftphoneSchema = Type.Object({
  id: Type.String(),
  callerId: Type.String(),
  realm: Type.String({ description: 'The SIP realm Asterisk challenges the phone with' }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  provisioned: Type.Boolean({ description: 'Asterisk accepted the last push (it is pushed again on every ARI connect)' }),
  provisionError: Type.Union([Type.String(), Type.Null()], { description: 'Why the last push failed' }),
  registered: Type.Union([Type.Boolean(), Type.Null()], { description: 'A reachable phone is registered; null when Asterisk could not be asked' }),
});
const PutResponse = Type.Object({
  ...SoftphoneSchema.properties,
  warning: Type.Optional(Type.String({ description: 'Saved but not provisioned yet (Asterisk unreachable); it is pushed later' })),
});

const toApi = (s: SoftphoneView) => ({ ...s, createdAt: iso(s.createdAt), updatedAt: iso(s.updatedAt) });

const STATUS: Record<SoftphoneErrorCode, [number, string]> = {
  not_found: [404, 'not_found'],
  read_only: [409, 'softphone_conflict'],
  invalid: [400, 'rejected_by_asterisk'],
  unavailable: [503, 'telephony_unavailable'],
};
const toApiError = (err: unknown) => {
  if (!(err instanceof SoftphoneError)) return err;
  const [status, code] = STATUS[err.code];
  return new ApiError(status, code, err.message);
};

// Agents' softphones as PJSIP endpoints in Asterisk (services/softphone-service). Passwords go in
// and never come out: responses, logs and the database only know a digest (and never show it).
export const softphoneRoutes = (softphones: SoftphoneService): FastifyPluginAsyncTypebox => async (app) => {
  const admin = { config: { role: 'admin' as const } };

  app.get(
    '/softphones',
    {
      ...admin,
      schema: {
        tags: ['acd'],
        summary: 'Softphones provisioned in Asterisk, with their registration state',
        security: bearerSecurity,
        response: { 200: Type.Array(SoftphoneSchema), ...errorResponses },
      },
    },
    async () => (await softphones.list()).map(toApi),
  );

  app.get(
    '/softphones/:id',
    {
      ...admin,
      schema: { tags: ['acd'], summary: 'One softphone', security: bearerSecurity, params: SoftphoneParams, response: { 200: SoftphoneSchema, 404: ErrorSchema, ...errorResponses } },
    },
    async (request) => {
      const s = await softphones.get(request.params.id);
      if (!s) throw new ApiError(404, 'not_found', `softphone '${request.params.id}' not found`);
      return toApi(s);
    },
  );

  app.put(
    '/softphones/:id',
    {
      ...admin,
      schema: {
        tags: ['acd'],
        summary: 'Create or replace a softphone: Asterisk gets a PJSIP endpoint, AOR and auth the phone registers to',
        description:
          'Give an agent the endpoint as PJSIP/<id>. 201 when created, 200 when replaced (a callerId left out takes its default). ' +
          'When Asterisk cannot be reached it is saved anyway, with provisioned false and a warning, and pushed later. ' +
          '409 when the id is an endpoint of pjsip.conf.',
        security: bearerSecurity,
        params: SoftphoneParams,
        body: SoftphoneBody,
        response: { 200: PutResponse, 201: PutResponse, 409: ErrorSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { password, callerId } = request.body;
      const result = await softphones.put(request.params.id, { password, ...(callerId !== undefined ? { callerId } : {}) }).catch((err: unknown) => {
        throw toApiError(err);
      });
      return reply.status(result.created ? 201 : 200).send({ ...toApi(result.softphone), ...(result.warning ? { warning: result.warning } : {}) });
    },
  );

  app.delete(
    '/softphones/:id',
    {
      ...admin,
      schema: {
        tags: ['acd'],
        summary: 'Remove a softphone from Asterisk and Switchboard; the phone can no longer register',
        description: '503 (and nothing removed) when Asterisk cannot be reached: the phone could still register.',
        security: bearerSecurity,
        params: SoftphoneParams,
        response: { 204: Type.Null(), 404: ErrorSchema, 503: ErrorSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      await softphones.remove(request.params.id).catch((err: unknown) => {
        throw toApiError(err);
      });
      return reply.status(204).send(null);
    },
  );
};
