import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiKeyRecord, Role } from '../../ports/api-key-store.js';
import { roleAtLeast, type ApiKeyService } from '../../services/api-key-service.js';
import { ApiError } from './error-handler.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Least role allowed; absent means any valid key. */
    role?: Role;
    /** No key needed (health). */
    public?: boolean;
  }
  interface FastifyRequest {
    apiKey?: ApiKeyRecord;
  }
}

export const bearerSecurity: { [name: string]: string[] }[] = [{ bearer: [] }, { apiKey: [] }];

function presentedKey(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header?.toLowerCase().startsWith('bearer ')) return header.slice(7).trim();
  const apiKey = request.headers['x-api-key'];
  return typeof apiKey === 'string' ? apiKey.trim() : undefined;
}

function decodedPath(url: string): string {
  const path = url.split('?')[0] ?? '';
  try {
    return decodeURIComponent(path);
  } catch {
    return '/api/'; // undecodable: treat as protected
  }
}

// Secure by default: every /api route needs a key unless it is marked public, and so does any
// other route that declares a role (/metrics). Decided on the matched route, never on the raw URL:
// the router decodes the path, so /%61pi/... is /api/...
export function registerAuth(app: FastifyInstance, keys: ApiKeyService, now: () => number): void {
  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config;
    // An unmatched /api path needs a key too, so the route table is not revealed without one.
    const route = request.routeOptions.url ?? decodedPath(request.url);
    if ((!route.startsWith('/api/') && !config.role) || config.public) return;
    const presented = presentedKey(request);
    if (!presented) throw new ApiError(401, 'unauthorized', 'an API key is required (Authorization: Bearer <key> or X-API-Key)');
    const key = keys.verify(presented, now());
    if (!key) throw new ApiError(401, 'unauthorized', 'unknown or revoked API key');
    if (config.role && !roleAtLeast(key.role, config.role)) {
      throw new ApiError(403, 'forbidden', `this needs the ${config.role} role; the key has ${key.role}`);
    }
    request.apiKey = key;
  });
}
