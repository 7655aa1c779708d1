import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AgentView } from '../../../core/acd/acd-types.js';
import type { AcdControl } from '../../../services/acd-control.js';
import { bearerSecurity } from '../../plugins/auth.js';
import { errorResponses, ErrorSchema } from '../../schemas.js';
import { AgentViewSchema, IdParams } from '../acd/schemas.js';
import { agentViewToApi } from '../acd/views.js';
import { actorOf, assertActsFor } from './access.js';
import { ExtendBody, PauseBody } from './schemas.js';

// Agent self-service and supervision. The ACD decides whether the change is allowed now
// (AcdError: unknown agent 404, unknown reason 400, wrong state 409).
export const agentActionRoutes = (control: AcdControl): FastifyPluginAsyncTypebox => async (app) => {
  const common = { config: { role: 'agent' as const } };
  const response = { 200: AgentViewSchema, 404: ErrorSchema, 409: ErrorSchema, ...errorResponses };
  const schema = (summary: string) => ({ tags: ['acd'], summary, description: 'Supervisors act on any agent; an agent key only on the agent it is tied to.', security: bearerSecurity, params: IdParams, response });

  const simple: [string, string, (id: string, by: string) => AgentView][] = [
    ['login', 'Log the agent in: available for offers', (id, by) => control.login(id, by)],
    ['logout', 'Log the agent out', (id, by) => control.logout(id, by)],
    ['unpause', 'End the agent’s pause', (id, by) => control.unpause(id, by)],
    ['wrapup/end', 'End the agent’s wrap-up now', (id, by) => control.endWrapUp(id, by)],
  ];
  for (const [path, summary, act] of simple) {
    app.post(`/agents/:id/${path}`, { ...common, schema: schema(summary) }, async (request) => {
      assertActsFor(request, request.params.id);
      return agentViewToApi(act(request.params.id, actorOf(request)));
    });
  }

  app.post('/agents/:id/pause', { ...common, schema: { ...schema('Pause the agent with a reason'), body: PauseBody } }, async (request) => {
    assertActsFor(request, request.params.id);
    return agentViewToApi(control.pause(request.params.id, request.body.reason, actorOf(request)));
  });

  app.post('/agents/:id/wrapup/extend', { ...common, schema: { ...schema('Give the agent more wrap-up time'), body: ExtendBody } }, async (request) => {
    assertActsFor(request, request.params.id);
    return agentViewToApi(control.extendWrapUp(request.params.id, request.body.seconds, actorOf(request)));
  });
};
