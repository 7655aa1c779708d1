import { Type, type TSchema } from 'typebox';

// The flow file format v1 as TypeBox: pass one of validation, and the JSON Schema editors use
// (`npm run flows:schema` writes ivr-flows/schema/flow.v1.json). Semantics live in flow-compiler.

const Id = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_-]*$', description: 'letters, digits, _ and -; starts with a letter' });
const VarName = Type.String({ pattern: '^(vars\\.)?[A-Za-z_][A-Za-z0-9_]*$' });
export const Duration = Type.Union([Type.Number({ minimum: 0 }), Type.String({ pattern: '^[0-9]+(\\.[0-9]+)?(ms|s|m|h)$' })], {
  description: 'seconds as a number, or a string like 1500ms, 5s, 2m',
});
const PromptKey = Type.String({ minLength: 1, description: 'a prompt key from ivr-flows/prompts/<locale>.yaml, or media: sound:NAME, file:NAME, digits:N, number:N, tone:NAME' });
const Prompts = Type.Union([PromptKey, Type.Array(PromptKey, { minItems: 1 })]);
const Escalating = Type.Union([PromptKey, Type.Array(Type.Union([PromptKey, Type.Array(PromptKey, { minItems: 1 })]), { minItems: 1 })], {
  description: 'one prompt (or list) per attempt; the last repeats',
});
const Template = Type.String({ description: 'text with {{ expression }} parts' });
const Expression = Type.String({ minLength: 1, description: 'a CEL expression' });
const Outcomes = Type.Record(Type.String(), Id, { description: 'outcome → node id' });
const Templated = Type.Record(Type.String(), Type.Unknown());

const common = {
  type: Type.String(),
  description: Type.Optional(Type.String()),
  maxVisits: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, description: 'entering more often takes loopExceeded; 0 = unlimited' })),
  on: Type.Optional(Outcomes),
};
const single = { ...common, next: Type.Optional(Id) };
const inputKeys = {
  timeout: Type.Optional(Duration),
  interDigit: Type.Optional(Duration),
  bargein: Type.Optional(Type.Boolean()),
  typeAhead: Type.Optional(Type.Boolean()),
};

const node = (kind: string, props: Record<string, TSchema>, description: string) =>
  Type.Object({ ...props, type: Type.Literal(kind) }, { additionalProperties: false, description });

const MenuOption = Type.Union([
  Id,
  Type.Object(
    { next: Id, set: Type.Optional(Templated), locale: Type.Optional(Type.String()), description: Type.Optional(Type.String()) },
    { additionalProperties: false },
  ),
]);

export const NODE_SCHEMAS = {
  play: node('play', { ...single, prompt: Prompts, bargein: Type.Optional(Type.Boolean()), typeAhead: Type.Optional(Type.Boolean()) }, 'play prompts; outcomes next, error'),
  pause: node('pause', { ...single, duration: Duration }, 'silence; outcome next'),
  hangup: node('hangup', { ...common, reason: Type.Optional(Type.Union(['normal', 'busy', 'congestion', 'no_answer'].map((r) => Type.Literal(r)))) }, 'end the call'),
  menu: node(
    'menu',
    {
      ...common,
      greeting: Prompts,
      reprompt: Type.Optional(Prompts),
      invalid: Type.Optional(Escalating),
      noInput: Type.Optional(Escalating),
      exitPrompt: Type.Optional(Prompts),
      maxInvalid: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
      maxNoInput: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
      maxDigits: Type.Optional(Type.Integer({ minimum: 1, maximum: 32 })),
      options: Type.Record(Type.String(), MenuOption, { minProperties: 1 }),
      ...inputKeys,
    },
    'a menu with retries; outcomes: each option, exhausted, error, loopExceeded',
  ),
  collect: node(
    'collect',
    {
      ...common,
      prompt: Prompts,
      invalid: Type.Optional(Escalating),
      noInput: Type.Optional(Escalating),
      digits: Type.Optional(
        Type.Object(
          {
            min: Type.Optional(Type.Integer({ minimum: 1, maximum: 64 })),
            max: Type.Optional(Type.Integer({ minimum: 1, maximum: 64 })),
            terminators: Type.Optional(Type.String({ pattern: '^[#*]*$' })),
          },
          { additionalProperties: false },
        ),
      ),
      validate: Type.Optional(Expression),
      retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
      store: Type.Optional(VarName),
      mask: Type.Optional(Type.Boolean()),
      ...inputKeys,
    },
    'multi-digit input; outcomes ok, exhausted, error, loopExceeded',
  ),
  switch: node(
    'switch',
    {
      ...common,
      cases: Type.Array(Type.Object({ when: Expression, next: Id }, { additionalProperties: false }), { minItems: 1 }),
      default: Type.Optional(Id),
    },
    'first true case wins; outcomes each case, default, error',
  ),
  set: node('set', { ...single, vars: Type.Optional(Templated), locale: Type.Optional(Template) }, 'set vars and/or the locale; outcomes next, error'),
  hours: node('hours', { ...common, calendar: Id }, 'business hours; outcomes open, closed, holiday, the calendar exception names, error'),
  http: node(
    'http',
    {
      ...common,
      method: Type.Optional(Type.Union(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m) => Type.Literal(m)))),
      url: Template,
      headers: Type.Optional(Type.Record(Type.String(), Template)),
      body: Type.Optional(Type.Unknown()),
      timeout: Type.Optional(Duration),
      retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 3 })),
      hold: Type.Optional(Type.Object({ after: Duration, prompt: Prompts }, { additionalProperties: false })),
      map: Type.Optional(Type.Record(VarName, Expression)),
    },
    'data dip; outcomes ok, error, timeout',
  ),
  subflow: node('subflow', { ...single, flow: Id, params: Type.Optional(Templated), store: Type.Optional(VarName) }, 'call another flow; outcomes next, error'),
  return: node('return', { ...common, value: Type.Optional(Type.Unknown()) }, 'return from a subflow with a value'),
  queue: node(
    'queue',
    {
      ...common,
      queue: Id,
      skills: Type.Optional(Type.Array(Template)),
      priority: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
      recording: Type.Optional(
        Type.Union([Type.Literal('all'), Type.Literal('onDemand'), Type.Literal('never')], {
          description: "Record the conversation with the agent: overrides the queue's recording mode",
        }),
      ),
      wait: Type.Optional(
        Type.Object(
          {
            moh: Type.Optional(Type.String()),
            announce: Type.Optional(Type.Object({ every: Duration, prompt: Prompts }, { additionalProperties: false })),
            maxWait: Type.Optional(Duration),
            options: Type.Optional(Type.Record(Type.String({ pattern: '^[0-9*#]$' }), Id)),
            callback: Type.Optional(Type.String({ pattern: '^[0-9*#]$', description: 'Key that turns the wait into a callback keeping the place in line; outcome callback' })),
          },
          { additionalProperties: false },
        ),
      ),
    },
    'hand the call to the ACD; outcomes answered, timeout, full, noAgents, callback, error, option:<digit>',
  ),
  transfer: node(
    'transfer',
    {
      ...common,
      to: Type.Union([
        Type.Object({ endpoint: Template }, { additionalProperties: false }),
        Type.Object({ number: Template }, { additionalProperties: false }),
      ]),
      timeout: Type.Optional(Duration),
      callerId: Type.Optional(Template),
    },
    'dial and bridge; outcomes answered, busy, noanswer, failed',
  ),
  voicemail: node(
    'voicemail',
    {
      ...common,
      prompt: Type.Optional(Prompts),
      mailbox: Type.String({ minLength: 1, description: 'mailbox id (letters, digits, _ -), or a template like {{vars.mailbox}}' }),
      maxDuration: Type.Optional(Duration),
      maxSilence: Type.Optional(Duration),
      minDuration: Type.Optional(Duration),
      beep: Type.Optional(Type.Boolean()),
      terminator: Type.Optional(Type.Union(['none', 'any', '#', '*'].map((t) => Type.Literal(t)))),
    },
    'record a message; outcomes saved, noAudio, error',
  ),
  sendDtmf: node('sendDtmf', { ...single, digits: Template, between: Type.Optional(Duration) }, 'send DTMF to the far end; outcomes next, error'),
  tag: node('tag', { ...single, tags: Type.Union([Type.String(), Type.Array(Type.String(), { minItems: 1 })]) }, 'business labels for stats; outcome next'),
} as const;

export type RawNodeKind = keyof typeof NODE_SCHEMAS;

const VarDecl = Type.Object(
  {
    type: Type.Union(['string', 'number', 'boolean', 'object', 'list'].map((t) => Type.Literal(t))),
    default: Type.Optional(Type.Unknown()),
    sensitive: Type.Optional(Type.Boolean()),
    description: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const FlowFileSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    id: Id,
    name: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
    entry: Id,
    locales: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$' }), { minItems: 1 })),
    timezone: Type.Optional(Type.String()),
    defaults: Type.Optional(
      Type.Object(
        {
          input: Type.Optional(Type.Object(inputKeys, { additionalProperties: false })),
          menu: Type.Optional(
            Type.Object({ maxInvalid: Type.Optional(Type.Integer({ minimum: 1 })), maxNoInput: Type.Optional(Type.Integer({ minimum: 1 })) }, { additionalProperties: false }),
          ),
          maxVisits: Type.Optional(Type.Integer({ minimum: 0 })),
          on: Type.Optional(Outcomes),
        },
        { additionalProperties: false },
      ),
    ),
    on: Type.Optional(Type.Object({ error: Type.Optional(Id) }, { additionalProperties: false })),
    vars: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }), VarDecl)),
    limits: Type.Optional(
      Type.Object({ maxSteps: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })), maxDurationSec: Type.Optional(Type.Number({ minimum: 1 })) }, { additionalProperties: false }),
    ),
    nodes: Type.Record(Type.String(), Type.Object({ type: Type.String() }, { additionalProperties: true }), { minProperties: 1 }),
  },
  { additionalProperties: false },
);

/** The JSON Schema for editors: the flow shape with every node kind spelled out. */
export function editorSchema(): Record<string, unknown> {
  const nodes = Type.Record(Type.String(), Type.Union(Object.values(NODE_SCHEMAS)));
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://switchboard.dev/schema/flow.v1.json',
    title: 'Switchboard IVR flow v1',
    ...JSON.parse(JSON.stringify(Type.Object({ ...FlowFileSchema.properties, nodes }, { additionalProperties: false }))),
  };
}
