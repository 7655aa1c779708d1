import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { FlowCatalog, FlowStatus } from '../../../adapters/flows/flow-catalog.js';
import type { FlowProblem } from '../../../adapters/flows/yaml-source.js';
import type { Flow } from '../../../core/ivr/flow-types.js';
import type { CallStore } from '../../../ports/call-store.js';
import { flowToMermaid, flowToSvg } from '../../../services/flow-graph.js';
import { ScenarioError, simulate, type Scenario } from '../../../services/flow-simulator.js';
import { bearerSecurity } from '../../plugins/auth.js';
import { ApiError, notFound } from '../../plugins/error-handler.js';
import { errorResponses, ErrorSchema } from '../../schemas.js';
import {
  FlowDetailSchema,
  FlowListSchema,
  FlowParams,
  GraphQuery,
  SimulateBody,
  SimulationSchema,
  StatsQuery,
  StatsSchema,
} from './schemas.js';

export interface FlowsDeps {
  catalog: FlowCatalog;
  /** Reloads the catalog now, as SIGHUP does (main logs what it found). */
  reload(): void;
}

const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const problemToApi = (p: FlowProblem) => ({ file: p.file, line: p.line, col: p.col, message: p.message, severity: p.severity ?? ('error' as const) });
const countOf = (problems: FlowProblem[], severity: 'error' | 'warning') => problems.filter((p) => (p.severity ?? 'error') === severity).length;

function listView(catalog: FlowCatalog) {
  return {
    items: catalog.list().map((s) => ({
      id: s.id,
      name: catalog.get(s.id)?.name ?? null,
      file: s.file,
      status: s.status,
      version: s.version,
      loadedAt: isoOrNull(s.loadedAt),
      errors: countOf(s.problems, 'error'),
      warnings: countOf(s.problems, 'warning'),
    })),
    sharedProblems: catalog.sharedProblems().map(problemToApi),
  };
}

/** Nodes as calls meet them: the entry first, then in file order. */
const orderedNodes = (flow: Flow) => [...(flow.nodes[flow.entry] ? [flow.entry] : []), ...Object.keys(flow.nodes).filter((id) => id !== flow.entry)];

function servingView(flow: Flow) {
  return {
    name: flow.name,
    entry: flow.entry,
    locales: flow.locales,
    timezone: flow.timezone,
    // A sensitive variable's default could be a secret: never shown.
    vars: Object.entries(flow.vars).map(([name, v]) => ({ name, type: v.type, sensitive: v.sensitive, ...(v.sensitive ? {} : { default: v.default }) })),
    nodes: orderedNodes(flow).map((id) => {
      const node = flow.nodes[id];
      if (!node) throw new Error(`node '${id}' vanished`);
      const exits = Object.fromEntries(Object.entries(node.exits).map(([outcome, exit]) => [outcome, exit.target]));
      return { id, kind: node.kind, exits, ...(node.kind === 'subflow' ? { flow: node.flow } : {}) };
    }),
  };
}

function detailView(status: FlowStatus, flow: Flow | undefined) {
  return {
    id: status.id,
    file: status.file,
    status: status.status,
    version: status.version,
    loadedAt: isoOrNull(status.loadedAt),
    problems: status.problems.map(problemToApi),
    fallbacks: status.fallbacks.map((f) => ({ nodeId: f.nodeId, outcome: f.outcome, target: f.target, via: f.via })),
    serving: flow ? servingView(flow) : null,
  };
}

export const flowRoutes = (deps: FlowsDeps, calls: CallStore): FastifyPluginAsyncTypebox => async (app) => {
  const { catalog } = deps;
  /** The serving version of a known flow: 404 when the id is unknown, 409 when its file never loaded. */
  const servingFlow = (id: string): Flow => {
    const status = catalog.status(id);
    if (!status) throw notFound('flow');
    const flow = catalog.get(id);
    if (!flow) throw new ApiError(409, 'flow_not_loaded', `flow '${id}' has no good version to serve; see its problems at GET /api/v1/flows/${id}`);
    return flow;
  };
  const flowErrors = { 404: ErrorSchema, ...errorResponses };

  app.get(
    '/flows',
    {
      config: { role: 'supervisor' },
      schema: {
        tags: ['flows'],
        summary: 'Every flow file with its load status, and the problems of the shared files',
        security: bearerSecurity,
        response: { 200: FlowListSchema, ...errorResponses },
      },
    },
    async () => listView(catalog),
  );

  app.post(
    '/flows/reload',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['flows'],
        summary: 'Reload the flow directory now (as SIGHUP does); broken files keep their last good version',
        security: bearerSecurity,
        response: { 200: FlowListSchema, ...errorResponses },
      },
    },
    async () => {
      deps.reload();
      return listView(catalog);
    },
  );

  app.get(
    '/flows/:id',
    {
      config: { role: 'supervisor' },
      schema: {
        tags: ['flows'],
        summary: 'One flow: status, problems at file:line:col, fallbacks and the serving version',
        security: bearerSecurity,
        params: FlowParams,
        response: { 200: FlowDetailSchema, ...flowErrors },
      },
    },
    async (request) => {
      const status = catalog.status(request.params.id);
      if (!status) throw notFound('flow');
      return detailView(status, catalog.get(status.id));
    },
  );

  app.post(
    '/flows/:id/simulate',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['flows'],
        summary: 'Run a scenario through the serving version without Asterisk (virtual clock, mocked HTTP, queues, transfers)',
        security: bearerSecurity,
        params: FlowParams,
        body: SimulateBody,
        response: { 200: SimulationSchema, 409: ErrorSchema, ...flowErrors },
      },
    },
    async (request) => {
      const flow = servingFlow(request.params.id);
      const { steps, ...rest } = request.body;
      const scenario: Scenario = {
        ...(rest as Omit<Scenario, 'steps'>),
        ...(steps ? { steps: steps.map((s) => ('dtmf' in s ? { ...s, dtmf: String(s.dtmf) } : s)) } : {}),
      };
      let result;
      try {
        result = simulate(catalog.library(), flow.id, scenario);
      } catch (err) {
        if (err instanceof ScenarioError) throw new ApiError(400, 'bad_request', err.message);
        throw err;
      }
      // result.vars are the entry flow's, the one simulated.
      const vars = Object.fromEntries(Object.entries(result.vars).map(([name, value]) => [name, flow.vars[name]?.sensitive ? '[masked]' : value]));
      return { ...result, vars };
    },
  );

  app.get(
    '/flows/:id/graph',
    {
      config: { role: 'supervisor' },
      schema: {
        tags: ['flows'],
        summary: 'The serving version as a diagram: Mermaid text (renders in GitHub, GitLab, VS Code) or a simple layered SVG',
        description:
          'format=mermaid (default) answers text/plain with a `flowchart TD`; format=svg answers image/svg+xml. ' +
          'Solid edges are wired outcomes, dotted ones fallback routes (defaults.on, the flow on.error) or none (the dialplan fallback).',
        security: bearerSecurity,
        params: FlowParams,
        querystring: GraphQuery,
        produces: ['text/plain', 'image/svg+xml'],
        response: { 200: Type.String(), 409: ErrorSchema, ...flowErrors },
      },
    },
    async (request, reply) => {
      const flow = servingFlow(request.params.id);
      if (request.query.format === 'svg') return reply.type('image/svg+xml; charset=utf-8').send(flowToSvg(flow));
      return reply.type('text/plain; charset=utf-8').send(flowToMermaid(flow));
    },
  );

  app.get(
    '/flows/:id/stats',
    {
      config: { role: 'supervisor' },
      schema: {
        tags: ['flows'],
        summary: 'Per-node visits and exits by outcome, from the call journal; nodes without traffic count zero',
        security: bearerSecurity,
        params: FlowParams,
        querystring: StatsQuery,
        response: { 200: StatsSchema, ...flowErrors },
      },
    },
    async (request) => {
      const id = request.params.id;
      if (!catalog.status(id)) throw notFound('flow');
      const q = request.query;
      const from = q.from === undefined ? undefined : Date.parse(q.from);
      const to = q.to === undefined ? undefined : Date.parse(q.to);
      if (from !== undefined && to !== undefined && from > to) throw new ApiError(400, 'bad_request', "'from' must not be after 'to'");
      const rows = new Map(calls.nodeStats(id, { from, to, version: q.version }).map((r) => [r.nodeId, r]));
      const flow = catalog.get(id);
      const nodes = (flow ? orderedNodes(flow) : []).map((nodeId) => {
        const node = flow?.nodes[nodeId];
        const row = rows.get(nodeId);
        rows.delete(nodeId);
        const zeros = Object.fromEntries(Object.keys(node?.exits ?? {}).map((outcome) => [outcome, 0]));
        return { nodeId, kind: node?.kind ?? null, visits: row?.visits ?? 0, exits: { ...zeros, ...row?.exits } };
      });
      // Nodes the journal has but the serving version no longer does (edited since), by id.
      for (const row of rows.values()) nodes.push({ nodeId: row.nodeId, kind: null, visits: row.visits, exits: row.exits });
      return { flowId: id, version: q.version ?? null, from: isoOrNull(from ?? null), to: isoOrNull(to ?? null), nodes };
    },
  );
};
