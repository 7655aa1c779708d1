import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { evaluateAgents, staffFor, trafficErlangs } from '../../../core/stats/erlang-c.js';
import { bearerSecurity } from '../../plugins/auth.js';
import { ApiError } from '../../plugins/error-handler.js';
import { errorResponses } from '../../schemas.js';
import { ErlangCQuery, ErlangCResultSchema } from './schemas.js';

// The staffing search walks N upwards from 1, so traffic bounds the work of one request.
const MAX_TRAFFIC_ERLANGS = 100_000;

const bad = (message: string) => new ApiError(400, 'bad_request', message);

/** A planning calculator: no state, any authenticated role. */
export const erlangCRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/erlang-c',
    {
      schema: {
        tags: ['stats'],
        summary: 'Erlang C: service level, P(wait), ASA and occupancy for some agents, or the fewest agents for a target',
        description:
          'Give `agents` to evaluate a staffing, or `targetSl` (with optional `targetAsaSec`, `maxOccupancy`) to find the fewest agents. ' +
          'With agents <= traffic the row is `stable: false`, pWait 1 and asaSec null. Assumes no abandonment: a planning figure.',
        security: bearerSecurity,
        querystring: ErlangCQuery,
        response: { 200: ErlangCResultSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { agents, targetSl, targetAsaSec, maxOccupancy, ...load } = request.query;
      const traffic = trafficErlangs(load);
      if (traffic > MAX_TRAFFIC_ERLANGS) {
        throw bad(`traffic of ${traffic} Erlangs is over the ${MAX_TRAFFIC_ERLANGS} this calculator accepts`);
      }
      if (agents !== undefined) {
        if (targetSl !== undefined || targetAsaSec !== undefined || maxOccupancy !== undefined) {
          throw bad('agents evaluates a staffing, targetSl (with targetAsaSec, maxOccupancy) searches for one: give one or the other');
        }
        return evaluateAgents(load, agents);
      }
      if (targetSl === undefined) throw bad('give agents (to evaluate a staffing) or targetSl (to find the fewest agents)');
      return staffFor(load, { serviceLevel: targetSl, maxAsaSec: targetAsaSec, maxOccupancy });
    },
  );
};
