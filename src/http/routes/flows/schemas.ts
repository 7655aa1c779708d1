import { Type } from 'typebox';
import { Duration } from '../../../adapters/flows/flow-schema.js';
import { ScenarioSchema } from '../../../adapters/flows/flow-test-file.js';

const Time = Type.String({ format: 'date-time' });
const NullableTime = Type.Union([Time, Type.Null()]);

export const FlowParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) });

export const ProblemSchema = Type.Object({
  file: Type.String(),
  line: Type.Integer(),
  col: Type.Integer(),
  message: Type.String(),
  severity: Type.Union([Type.Literal('error'), Type.Literal('warning')]),
});

const FlowStatusSchema = Type.Union([Type.Literal('ok'), Type.Literal('stale'), Type.Literal('error')], {
  description: 'ok: serving its file; stale: the file is broken and the last good version serves; error: broken and nothing serves',
});

export const FlowListItemSchema = Type.Object({
  id: Type.String(),
  name: Type.Union([Type.String(), Type.Null()], { description: 'Of the serving version; null when nothing serves' }),
  file: Type.String(),
  status: FlowStatusSchema,
  version: Type.Union([Type.String({ description: 'Content hash of the serving version' }), Type.Null()]),
  loadedAt: NullableTime,
  errors: Type.Integer({ description: 'Errors in the file as it is now' }),
  warnings: Type.Integer(),
});

export const FlowListSchema = Type.Object({
  items: Type.Array(FlowListItemSchema),
  sharedProblems: Type.Array(ProblemSchema, { description: 'Problems of the prompt catalogs, calendars and routes files' }),
});

const VarSchema = Type.Object({
  name: Type.String(),
  type: Type.String(),
  sensitive: Type.Boolean(),
  default: Type.Optional(Type.Unknown({ description: 'Absent for sensitive variables' })),
});

const NodeSchema = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  exits: Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()]), {
    description: 'Outcome → target node; null: no node (the dialplan fallback, or the end of the flow for a single-exit node without next)',
  }),
  flow: Type.Optional(Type.String({ description: 'The flow a subflow node calls' })),
});

export const FlowDetailSchema = Type.Object({
  id: Type.String(),
  file: Type.String(),
  status: FlowStatusSchema,
  version: Type.Union([Type.String(), Type.Null()]),
  loadedAt: NullableTime,
  problems: Type.Array(ProblemSchema, { description: 'Of the file as it is now: why an edit was rejected while the last good version serves' }),
  fallbacks: Type.Array(
    Type.Object({
      nodeId: Type.String(),
      outcome: Type.String(),
      target: Type.Union([Type.String(), Type.Null()]),
      via: Type.String({ description: 'defaults (defaults.on), flow-error (the flow on.error) or none (the dialplan fallback)' }),
    }),
    { description: 'Outcomes the file does not wire and where they go instead' },
  ),
  serving: Type.Union([
    Type.Object({
      name: Type.String(),
      entry: Type.String(),
      locales: Type.Array(Type.String()),
      timezone: Type.String(),
      vars: Type.Array(VarSchema),
      nodes: Type.Array(NodeSchema),
    }, { description: 'The version calls run now (the last good one when stale)' }),
    Type.Null(),
  ]),
});

// Stricter than the test file's `mock.http` (any value there): a request body must not reach
// the simulator in a shape it cannot read.
const HttpMock = Type.Union([
  Type.Object({ timeout: Type.Literal(true) }, { additionalProperties: false }),
  Type.Object({ error: Type.String({ maxLength: 500 }) }, { additionalProperties: false }),
  Type.Object(
    { status: Type.Optional(Type.Integer({ minimum: 100, maximum: 599 })), body: Type.Optional(Type.Unknown()), delay: Type.Optional(Duration) },
    { additionalProperties: false },
  ),
]);
const ScenarioMock = ScenarioSchema.properties.mock;

export const SimulateBody = Type.Object(
  {
    given: ScenarioSchema.properties.given,
    mock: Type.Optional(
      Type.Object(
        { ...ScenarioMock.properties, http: Type.Optional(Type.Record(Type.String(), HttpMock, { description: 'http node id → response' })) },
        { additionalProperties: false },
      ),
    ),
    steps: ScenarioSchema.properties.steps,
  },
  { additionalProperties: false, description: 'A *.test.yaml scenario without name and expect' },
);

export const SimulationSchema = Type.Object({
  flowId: Type.String(),
  version: Type.String(),
  path: Type.Array(Type.String(), { description: "Nodes entered: 'nodeId', or 'flowId/nodeId' inside a subflow" }),
  heard: Type.Array(Type.String(), { description: 'Prompt keys played, in order' }),
  end: Type.Object({
    kind: Type.Union([Type.Literal('hangup'), Type.Literal('fallback'), Type.Literal('callerHangup'), Type.Literal('waiting'), Type.Literal('timeLimit')], {
      description: 'hangup (by the flow), fallback (sent to the dialplan fallback), callerHangup, waiting (for input when the steps ran out), timeLimit',
    }),
    nodeId: Type.Union([Type.String(), Type.Null()]),
    reason: Type.Optional(Type.String()),
  }),
  vars: Type.Record(Type.String(), Type.Unknown(), { description: "The entry flow's variables at the end; sensitive ones read '[masked]'" }),
  tags: Type.Array(Type.String()),
  locale: Type.String(),
  durationMs: Type.Integer({ description: 'Virtual time the call took' }),
  journal: Type.Array(
    Type.Object({ atMs: Type.Integer(), event: Type.String(), data: Type.Optional(Type.Record(Type.String(), Type.Unknown())) }),
  ),
});

export const GraphQuery = Type.Object(
  { format: Type.Union([Type.Literal('mermaid'), Type.Literal('svg')], { default: 'mermaid' }) },
  { additionalProperties: false },
);

export const StatsQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Journal events at or after this time' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Journal events before this time' })),
    version: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Only calls whose entry flow ran this version' })),
  },
  { additionalProperties: false },
);

export const StatsSchema = Type.Object({
  flowId: Type.String(),
  version: Type.Union([Type.String(), Type.Null()], { description: 'The version filter, if any' }),
  from: NullableTime,
  to: NullableTime,
  nodes: Type.Array(
    Type.Object({
      nodeId: Type.String(),
      kind: Type.Union([Type.String(), Type.Null()], { description: 'null: a node the serving version no longer has' }),
      visits: Type.Integer(),
      exits: Type.Record(Type.String(), Type.Integer(), { description: 'Outcome → count; every outcome of the serving node is listed, 0 included' }),
    }),
    { description: 'Every node of the serving version (entry first, in file order, zeros included), then journaled nodes it no longer has' },
  ),
});
