import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AgentConfig } from '../../../core/acd/acd-types.js';
import { bearerSecurity } from '../../plugins/auth.js';
import { ApiError, notFound } from '../../plugins/error-handler.js';
import { errorResponses, ErrorSchema } from '../../schemas.js';
import type { AcdDeps } from '../acd/deps.js';
import { IdParams } from '../acd/schemas.js';
import { agentViewToApi } from '../acd/views.js';
import { assertActsFor } from './access.js';
import { agentActionRoutes } from './actions.js';
import { AgentBody, AgentSchema, NewAgentBody, type AgentFields } from './schemas.js';

export const agentRoutes = ({ control, config }: AcdDeps): FastifyPluginAsyncTypebox => async (app) => {
  const toApi = (a: AgentConfig) => {
    const live = control.agent(a.id);
    return { ...a, live: live ? agentViewToApi(live) : null };
  };

  // Checks the schema cannot make: skills must exist, and one softphone belongs to one agent
  // (registration is tracked per endpoint, so a shared one would mark both agents registered).
  const checkReferences = (id: string, fields: AgentFields) => {
    const known = new Set(config.listSkills().map((s) => s.id));
    const unknown = Object.keys(fields.skills).filter((s) => !known.has(s));
    if (unknown.length) {
      throw new ApiError(
        400,
        'bad_request',
        `skills: unknown skill${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (create them at /api/v1/skills first)`,
        unknown.map((s) => ({ path: `/skills/${s}`, message: 'unknown skill' })),
      );
    }
    const owners = new Map<string, string>();
    for (const other of config.listAgents()) if (other.id !== id) for (const e of other.endpoints) owners.set(e, other.id);
    const taken = fields.endpoints.filter((e) => owners.has(e));
    if (taken.length) {
      throw new ApiError(
        400,
        'bad_request',
        `endpoints: ${taken.map((e) => `${e} already belongs to agent '${owners.get(e) ?? ''}'`).join('; ')}`,
        taken.map((e) => ({ path: `/endpoints/${fields.endpoints.indexOf(e)}`, message: `belongs to agent '${owners.get(e) ?? ''}'` })),
      );
    }
  };
  const save = (id: string, fields: AgentFields): AgentConfig => {
    checkReferences(id, fields);
    const agent: AgentConfig = { id, ...fields };
    config.putAgent(agent);
    control.reloadConfig();
    return agent;
  };
  const admin = { config: { role: 'admin' as const } };
  const errors = { 404: ErrorSchema, ...errorResponses };

  app.get(
    '/agents',
    {
      config: { role: 'supervisor' },
      schema: { tags: ['acd'], summary: 'Agents: configuration and live state', security: bearerSecurity, response: { 200: Type.Array(AgentSchema), ...errorResponses } },
    },
    async () => config.listAgents().map(toApi),
  );

  app.post(
    '/agents',
    {
      ...admin,
      schema: {
        tags: ['acd'],
        summary: 'Create an agent; the ACD applies it at once',
        description: 'Only id and name are required; capacity and offerWhileBusy default per channel.',
        security: bearerSecurity,
        body: NewAgentBody,
        response: { 201: AgentSchema, 409: ErrorSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { id, ...fields } = request.body;
      if (config.getAgent(id)) throw new ApiError(409, 'agent_exists', `agent '${id}' already exists; PUT /api/v1/agents/${id} replaces it`);
      return reply.status(201).send(toApi(save(id, fields)));
    },
  );

  app.get(
    '/agents/:id',
    {
      config: { role: 'agent' },
      schema: {
        tags: ['acd'],
        summary: 'One agent: configuration and live state (supervisors, or the agent’s own key)',
        security: bearerSecurity,
        params: IdParams,
        response: { 200: AgentSchema, ...errors },
      },
    },
    async (request) => {
      assertActsFor(request, request.params.id);
      const agent = config.getAgent(request.params.id);
      if (!agent) throw notFound('agent');
      return toApi(agent);
    },
  );

  app.put(
    '/agents/:id',
    {
      ...admin,
      schema: {
        tags: ['acd'],
        summary: 'Replace an agent’s configuration (fields left out take their defaults)',
        security: bearerSecurity,
        params: IdParams,
        body: AgentBody,
        response: { 200: AgentSchema, ...errors },
      },
    },
    async (request) => {
      if (!config.getAgent(request.params.id)) throw notFound('agent');
      return toApi(save(request.params.id, request.body));
    },
  );

  app.delete(
    '/agents/:id',
    {
      ...admin,
      schema: {
        tags: ['acd'],
        summary: 'Delete an agent; keys tied to it are untied',
        security: bearerSecurity,
        params: IdParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      if (!config.deleteAgent(request.params.id)) throw notFound('agent');
      control.reloadConfig();
      return reply.status(204).send(null);
    },
  );

  await app.register(agentActionRoutes(control));
};
