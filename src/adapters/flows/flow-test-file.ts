import { basename } from 'node:path';
import { Type } from 'typebox';
import type { Scenario } from '../../services/flow-simulator.js';
import type { Expectation, FlowTestCase } from '../../services/flow-test-runner.js';
import { schemaProblems } from './flow-compiler.js';
import { Duration } from './flow-schema.js';
import { parseSource, type FlowProblem } from './yaml-source.js';

// *.test.yaml next to a flow: scenarios run by the simulator (no Asterisk), in npm test and with
// `switchboard flows test`. A file is a list of scenarios, or { flow, scenarios } when the flow
// id is not the file name without .test.yaml.

const Step = Type.Union([
  Type.Object({ dtmf: Type.Union([Type.String({ pattern: '^[0-9*#A-D]+$' }), Type.Integer({ minimum: 0 })]), bargein: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
  Type.Object({ silence: Type.Union([Type.Literal(true), Duration]) }, { additionalProperties: false }),
  Type.Object({ wait: Duration }, { additionalProperties: false }),
  Type.Object({ hangup: Type.Literal(true) }, { additionalProperties: false }),
]);
const Outcomes = Type.Record(Type.String(), Type.String());
export const ScenarioSchema = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    flow: Type.Optional(Type.String()),
    given: Type.Optional(
      Type.Object(
        {
          caller: Type.Optional(Type.Object({ number: Type.Optional(Type.String()), name: Type.Optional(Type.String()) }, { additionalProperties: false })),
          dialed: Type.Optional(Type.String()),
          time: Type.Optional(Type.String()),
          vars: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
          locale: Type.Optional(Type.String()),
        },
        { additionalProperties: false },
      ),
    ),
    mock: Type.Optional(
      Type.Object(
        {
          http: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
          queue: Type.Optional(Outcomes),
          transfer: Type.Optional(Type.Record(Type.String(), Type.Union(['answered', 'busy', 'noanswer', 'failed'].map((o) => Type.Literal(o))))),
          voicemail: Type.Optional(Type.Record(Type.String(), Type.Union([Type.Literal('saved'), Type.Literal('noAudio')]))),
          calendars: Type.Optional(Outcomes),
        },
        { additionalProperties: false },
      ),
    ),
    steps: Type.Optional(Type.Array(Step)),
    expect: Type.Object(
      {
        path: Type.Optional(Type.Array(Type.String())),
        reached: Type.Optional(Type.Array(Type.String())),
        notReached: Type.Optional(Type.Array(Type.String())),
        heard: Type.Optional(Type.Array(Type.String())),
        heardIncludes: Type.Optional(Type.Array(Type.String())),
        end: Type.Optional(Type.Union(['hangup', 'fallback', 'callerHangup', 'waiting', 'timeLimit'].map((k) => Type.Literal(k)))),
        endAt: Type.Optional(Type.String()),
        vars: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
        tags: Type.Optional(Type.Array(Type.String())),
        locale: Type.Optional(Type.String()),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export const FlowTestFileSchema = Type.Union([
  Type.Array(ScenarioSchema),
  Type.Object({ flow: Type.String(), scenarios: Type.Array(ScenarioSchema) }, { additionalProperties: false }),
]);

export function loadFlowTests(file: string, source: string): { cases: FlowTestCase[]; problems: FlowProblem[] } {
  const src = parseSource(file, source);
  const problems = [...src.problems];
  if (problems.length > 0) return { cases: [], problems };
  const raw = src.raw;
  const list = Array.isArray(raw) ? raw : (raw as { scenarios?: unknown })?.scenarios;
  const base: (string | number)[] = Array.isArray(raw) ? [] : ['scenarios'];
  const fileFlow = Array.isArray(raw) ? basename(file).replace(/\.test\.ya?ml$/, '') : String((raw as { flow?: unknown })?.flow ?? '');
  if (!Array.isArray(list)) return { cases: [], problems: [src.problem([], 'a flow test file is a list of scenarios, or { flow, scenarios }')] };
  const cases: FlowTestCase[] = [];
  list.forEach((item, index) => {
    const path = [...base, index];
    if (!schemaProblems(src, ScenarioSchema, item, path, problems, `scenario ${index + 1}: `)) return;
    const { expect, flow, ...scenario } = item as Scenario & { name: string; expect: Expectation; flow?: string };
    const steps = scenario.steps?.map((s) => ('dtmf' in s ? { ...s, dtmf: String(s.dtmf) } : s));
    cases.push({ file, ...src.at(path), name: scenario.name, flowId: flow ?? fileFlow, scenario: { ...scenario, ...(steps ? { steps } : {}) }, expect });
  });
  return { cases, problems };
}
