import { Type, type Static } from 'typebox';
import { AcdId, ID_PATTERN, SkillRequirementSchema } from '../acd/schemas.js';

const Strategy = Type.Union(
  [
    Type.Literal('longest-idle'),
    Type.Literal('round-robin'),
    Type.Literal('fewest-interactions'),
    Type.Literal('least-talk-time'),
    Type.Literal('ring-all'),
    Type.Literal('random'),
    Type.Literal('skill-weighted'),
  ],
  { default: 'longest-idle' },
);

// Not a union: with coerceTypes on, ajv's null branch of an anyOf turns 0 (and false) into null,
// so maxLength 0 would silently mean "no limit". One type with nullable (OpenAPI 3.0) coerces nothing.
const nullableInt = (minimum: number, maximum: number, dflt: number | null, description: string) =>
  Type.Unsafe<number | null>({ type: 'integer', nullable: true, minimum, maximum, default: dflt, description });

const StepSchema = Type.Object(
  {
    afterSec: Type.Integer({ minimum: 1, maximum: 86400, description: 'Seconds of waiting before this step applies; steps in ascending order' }),
    skills: Type.Optional(Type.Array(SkillRequirementSchema, { maxItems: 20, description: 'Replaces the queue’s skill requirements' })),
    relaxProficiencyBy: Type.Optional(Type.Integer({ minimum: 1, maximum: 4, description: 'Lower every minimum proficiency by this much (floor 1)' })),
    dropSkills: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 20, uniqueItems: true, description: "Flow-given skills no longer required; '*' drops them all" }),
    ),
    overflowQueue: Type.Optional(AcdId('Move the interaction to this queue (keeps its arrival time)')),
  },
  { additionalProperties: false },
);

const queueFields = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  skills: Type.Array(SkillRequirementSchema, { maxItems: 20, default: [] }),
  priority: Type.Integer({ minimum: 0, maximum: 100, default: 0, description: 'Head start in the global order' }),
  strategy: Strategy,
  ringTimeoutSec: Type.Integer({ minimum: 5, maximum: 120, default: 15 }),
  wrapUpSec: Type.Integer({ minimum: 0, maximum: 3600, default: 10 }),
  maxWaitSec: nullableInt(10, 86400, null, 'null: no limit (the flow’s own limit still applies)'),
  maxLength: nullableInt(1, 10000, null, 'Callers waiting at most; null: no limit'),
  joinWhenEmpty: Type.Boolean({ default: true }),
  leaveWhenEmpty: Type.Boolean({ default: false }),
  serviceLevelSec: Type.Integer({ minimum: 1, maximum: 3600, default: 20, description: 'Service level threshold (stats)' }),
  hold: Type.Object(
    {
      moh: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', default: 'default', description: 'Asterisk music-on-hold class' }),
      announceEverySec: nullableInt(10, 3600, 60, 'null: no periodic announcement'),
      announcePosition: Type.Boolean({ default: true }),
      announceWait: Type.Boolean({ default: true }),
    },
    { additionalProperties: false, default: {} },
  ),
  overflowQueue: Type.Unsafe<string | null>({
    type: 'string',
    nullable: true,
    pattern: ID_PATTERN,
    default: null,
    description: 'Another queue, where max wait or full sends the caller; null: nowhere',
  }),
  steps: Type.Array(StepSchema, { maxItems: 20, default: [] }),
  ronaMaxMisses: Type.Integer({ minimum: 1, maximum: 10, default: 1, description: "Consecutive missed offers before the agent is paused with 'no-answer'" }),
  preferredAgentSec: Type.Integer({ minimum: 0, maximum: 600, default: 0, description: 'A returning caller’s last agent gets this long alone; 0: off' }),
  recording: Type.Object(
    {
      mode: Type.Union([Type.Literal('all'), Type.Literal('onDemand'), Type.Literal('never')], {
        default: 'never',
        description: 'all: every conversation from the agent’s answer; onDemand: started over the API; never. A flow’s queue node may override it',
      }),
      consentPrompt: Type.Unsafe<string | null>({
        type: 'string',
        nullable: true,
        pattern: '^(sound|file):[A-Za-z0-9_/-]{1,128}$',
        default: null,
        description: 'Played to both parties when recording starts (sound:NAME or file:NAME); null: none',
      }),
      retentionDays: nullableInt(1, 36500, null, 'Days before the daily purge deletes a recording (legal hold excepted); null: kept'),
    },
    { additionalProperties: false, default: {} },
  ),
};

export const QueueBody = Type.Object(queueFields, { additionalProperties: false });
export const NewQueueBody = Type.Object({ id: AcdId('Queue id'), ...queueFields }, { additionalProperties: false });
export type QueueFields = Static<typeof QueueBody>;

const Req = Type.Object({ skill: Type.String(), minProficiency: Type.Integer() });
export const QueueSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  skills: Type.Array(Req),
  priority: Type.Integer(),
  strategy: Type.String(),
  ringTimeoutSec: Type.Integer(),
  wrapUpSec: Type.Integer(),
  maxWaitSec: Type.Union([Type.Integer(), Type.Null()]),
  maxLength: Type.Union([Type.Integer(), Type.Null()]),
  joinWhenEmpty: Type.Boolean(),
  leaveWhenEmpty: Type.Boolean(),
  serviceLevelSec: Type.Integer(),
  hold: Type.Object({ moh: Type.String(), announceEverySec: Type.Union([Type.Integer(), Type.Null()]), announcePosition: Type.Boolean(), announceWait: Type.Boolean() }),
  overflowQueue: Type.Union([Type.String(), Type.Null()]),
  steps: Type.Array(
    Type.Object({
      afterSec: Type.Integer(),
      skills: Type.Optional(Type.Array(Req)),
      relaxProficiencyBy: Type.Optional(Type.Integer()),
      dropSkills: Type.Optional(Type.Array(Type.String())),
      overflowQueue: Type.Optional(Type.String()),
    }),
  ),
  ronaMaxMisses: Type.Integer(),
  preferredAgentSec: Type.Integer(),
  recording: Type.Optional(Type.Object({ mode: Type.String(), consentPrompt: Type.Union([Type.String(), Type.Null()]), retentionDays: Type.Union([Type.Integer(), Type.Null()]) })),
});
