import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AcdConfigStore } from '../../../ports/acd-store.js';
import { bearerSecurity } from '../../plugins/auth.js';
import { ApiError, notFound } from '../../plugins/error-handler.js';
import { errorResponses, ErrorSchema } from '../../schemas.js';
import { SkillId } from '../acd/schemas.js';

const SkillSchema = Type.Object({ id: Type.String(), description: Type.String() });
const SkillParams = Type.Object({ id: SkillId });
const SkillBody = Type.Object({ description: Type.String({ maxLength: 200, default: '' }) }, { additionalProperties: false });

/** Agents and queues that name the skill (queue requirements and routing steps alike). */
function usersOf(config: AcdConfigStore, skill: string) {
  const agents = config.listAgents().filter((a) => skill in a.skills).map((a) => a.id);
  const queues = config
    .listQueues()
    .filter((q) => q.skills.some((r) => r.skill === skill) || q.steps.some((s) => s.skills?.some((r) => r.skill === skill)))
    .map((q) => q.id);
  return { agents, queues };
}

// Skills are not part of the engine's configuration (agents and queues carry them), so a change
// here needs no ACD reload.
export const skillRoutes = (config: AcdConfigStore): FastifyPluginAsyncTypebox => async (app) => {
  app.get(
    '/skills',
    {
      config: { role: 'agent' },
      schema: { tags: ['acd'], summary: 'Skills agents and queues may name', security: bearerSecurity, response: { 200: Type.Array(SkillSchema), ...errorResponses } },
    },
    async () => config.listSkills(),
  );

  app.put(
    '/skills/:id',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['acd'],
        summary: 'Create or update a skill',
        security: bearerSecurity,
        params: SkillParams,
        body: SkillBody,
        response: { 200: SkillSchema, ...errorResponses },
      },
    },
    async (request) => {
      const skill = { id: request.params.id, description: request.body.description };
      config.putSkill(skill);
      return skill;
    },
  );

  app.delete(
    '/skills/:id',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['acd'],
        summary: 'Delete a skill no agent or queue uses',
        security: bearerSecurity,
        params: SkillParams,
        response: { 204: Type.Null(), 404: ErrorSchema, 409: ErrorSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      if (!config.listSkills().some((s) => s.id === id)) throw notFound('skill');
      const users = usersOf(config, id);
      if (users.agents.length || users.queues.length) {
        const named = [...users.agents.map((a) => `agent ${a}`), ...users.queues.map((q) => `queue ${q}`)];
        throw new ApiError(409, 'skill_in_use', `skill '${id}' is used by ${named.join(', ')}`, users);
      }
      config.deleteSkill(id);
      return reply.status(204).send(null);
    },
  );
};
