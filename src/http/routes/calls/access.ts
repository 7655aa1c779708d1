import type { FastifyRequest } from 'fastify';
import { roleAtLeast } from '../../../services/api-key-service.js';
import { ApiError } from '../../plugins/error-handler.js';

/**
 * Whose calls the key may read: every call for a supervisor (undefined), only the calls their
 * agent talked on for an agent key. An agent key tied to no agent reads nothing.
 */
export function callsVisibleTo(request: FastifyRequest): string | undefined {
  const key = request.apiKey;
  if (!key) throw new ApiError(401, 'unauthorized', 'an API key is required');
  if (roleAtLeast(key.role, 'supervisor')) return undefined;
  if (key.agentId !== null) return key.agentId;
  throw new ApiError(403, 'forbidden', 'the call log needs the supervisor role, or an agent key tied to an agent (it then shows that agent\'s calls)');
}
