import type { FastifyRequest } from 'fastify';
import { roleAtLeast } from '../../../services/api-key-service.js';
import { ApiError } from '../../plugins/error-handler.js';

/** Supervisors act on anyone; an agent key only on the agent it is tied to. */
export function assertActsFor(request: FastifyRequest, agentId: string): void {
  const key = request.apiKey;
  if (!key) throw new ApiError(401, 'unauthorized', 'an API key is required');
  if (roleAtLeast(key.role, 'supervisor') || key.agentId === agentId) return;
  throw new ApiError(
    403,
    'forbidden',
    key.agentId === null ? 'this agent key is not tied to an agent; only supervisors act on other agents' : `this key acts only for agent '${key.agentId}'`,
  );
}

/** Who did it, for the journal: the key's name, as calendar overrides record it. */
export const actorOf = (request: FastifyRequest): string => request.apiKey?.name ?? 'unknown';
