import type { FastifyError, FastifyInstance } from 'fastify';
import { AcdError, type AcdErrorCode } from '../../services/acd-control.js';

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} not found`);

// The ACD refuses live actions with its own codes; routes let them through and they keep their code.
const ACD_STATUS: Record<AcdErrorCode, number> = {
  agent_not_found: 404,
  queue_not_found: 404,
  interaction_not_found: 404,
  unknown_reason: 400,
  invalid_state: 409,
};

// One error shape for every endpoint: {code, message, details}. A 5xx says only that something
// failed and carries the request id to find it in the logs, never a stack or a SQL message.
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    if (error instanceof ApiError) {
      return reply.status(error.statusCode).send({ code: error.code, message: error.message, details: error.details });
    }
    if (error instanceof AcdError) {
      return reply.status(ACD_STATUS[error.code]).send({ code: error.code, message: error.message });
    }
    if (error.validation) {
      return reply.status(400).send({
        code: 'bad_request',
        message: `invalid ${error.validationContext ?? 'request'}: ${error.message}`,
        details: error.validation.map((v) => ({ path: v.instancePath, message: v.message, params: v.params })),
      });
    }
    const status = error.statusCode ?? 500;
    if (status < 500) {
      return reply.status(status).send({ code: error.code?.toLowerCase() ?? 'bad_request', message: error.message });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.status(status).send({ code: 'internal', message: 'internal error', details: { requestId: request.id } });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` }),
  );
}
