import { Type } from 'typebox';

const Time = Type.String({ format: 'date-time' });
const NullableTime = Type.Union([Time, Type.Null()]);

/** Agents, queues and pause reasons: lower case, digits, '-' and '_' (they appear in URLs and journals). */
export const ID_PATTERN = '^[a-z0-9][a-z0-9_-]{0,63}$';
/** Skills may also hold ':' and '.', as flows write them ("lang:fr"). */
export const SKILL_PATTERN = '^[a-z0-9][a-z0-9_:.-]{0,63}$';

export const AcdId = (description: string) => Type.String({ pattern: ID_PATTERN, description });
export const SkillId = Type.String({ pattern: SKILL_PATTERN, description: 'A skill id from /api/v1/skills' });
export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

export const ChannelSchema = Type.Union([Type.Literal('voice'), Type.Literal('chat'), Type.Literal('email'), Type.Literal('callback')]);

export const AgentViewSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    status: Type.Union([Type.Literal('loggedOut'), Type.Literal('available'), Type.Literal('paused')], { description: 'What the agent intends' }),
    pauseReason: Type.Union([Type.String(), Type.Null()]),
    activity: Type.Union([Type.Literal('idle'), Type.Literal('reserved'), Type.Literal('ringing'), Type.Literal('onCall'), Type.Literal('wrapUp')], {
      description: 'What the agent is doing',
    }),
    registered: Type.Boolean({ description: 'At least one of the agent’s softphones is registered' }),
    statusSince: Time,
    activitySince: Time,
    idleSince: Type.String({ format: 'date-time', description: 'Became free (after wrap-up) at; longest-idle routing orders by it' }),
    wrapUpUntil: NullableTime,
    handled: Type.Integer({ description: 'Interactions handled since login' }),
    talkMs: Type.Integer({ description: 'Talk time since login' }),
    consecutiveMisses: Type.Integer(),
    interactions: Type.Array(Type.String(), { description: 'Interactions the agent holds: offered, connected or in wrap-up' }),
  },
  { description: 'The live state of an agent in the ACD' },
);

export const TodaySchema = Type.Object(
  {
    since: Type.String({ format: 'date-time', description: "Midnight in the call center's time zone (statsTimeZone)" }),
    offered: Type.Integer(),
    answered: Type.Integer(),
    abandoned: Type.Integer(),
    waiting: Type.Integer({ description: 'Offered today and not over yet' }),
    answeredInSl: Type.Integer(),
    serviceLevel: Type.Union([Type.Number(), Type.Null()], { description: "Answered within the queue's serviceLevelSec over answered; null before the first answer" }),
    slSec: Type.Number(),
  },
  { description: 'Today so far (docs/stats.md)' },
);

export const QueueSnapshotSchema = Type.Object({
  queueId: Type.String(),
  today: Type.Optional(TodaySchema),
  waiting: Type.Integer(),
  longestWaitSec: Type.Number(),
  agents: Type.Object({
    staffed: Type.Integer(),
    available: Type.Integer(),
    idle: Type.Integer(),
    reserved: Type.Integer(),
    ringing: Type.Integer(),
    onCall: Type.Integer(),
    wrapUp: Type.Integer(),
    paused: Type.Record(Type.String(), Type.Integer(), { description: 'Paused agents by pause reason' }),
  }),
  callers: Type.Array(
    Type.Object({
      interactionId: Type.String(),
      callId: Type.Union([Type.String(), Type.Null()]),
      waitedSec: Type.Number(),
      priority: Type.Integer(),
      step: Type.Integer(),
      phase: Type.Union([Type.Literal('waiting'), Type.Literal('offering'), Type.Literal('connected')]),
    }),
    { description: 'In routing order' },
  ),
});

export const SkillRequirementSchema = Type.Object(
  { skill: SkillId, minProficiency: Type.Integer({ minimum: 1, maximum: 5, default: 1 }) },
  { additionalProperties: false },
);

const StrategyOut = Type.String({ description: 'The queue’s routing strategy' });

export const RoutingExplanationSchema = Type.Object({
  interactionId: Type.String(),
  phase: Type.Union([Type.Literal('waiting'), Type.Literal('offering'), Type.Literal('connected'), Type.Literal('gone')]),
  queueId: Type.String(),
  strategy: StrategyOut,
  step: Type.Integer({ description: 'Routing step in force; -1: the queue’s base requirements' }),
  requirements: Type.Array(Type.Object({ skill: Type.String(), minProficiency: Type.Integer() })),
  decision: Type.Union([
    Type.Object({ at: Time, agentIds: Type.Array(Type.String()), strategy: StrategyOut, candidates: Type.Integer(), why: Type.String() }),
    Type.Null(),
  ]),
  candidates: Type.Array(Type.Object({ agentId: Type.String(), eligible: Type.Boolean(), reason: Type.String() })),
  waitingBecause: Type.Union([Type.String(), Type.Null()]),
});

export const JournalQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Events at or after this time' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Events before this time' })),
    agentId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    queueId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    interactionId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    type: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'One event type, e.g. acd.offer.answered' })),
    limit: Type.Integer({ minimum: 1, maximum: 5000, default: 200 }),
  },
  { additionalProperties: false },
);

export const JournalSchema = Type.Array(
  Type.Object({
    seq: Type.Integer(),
    at: Time,
    type: Type.String(),
    interactionId: Type.Union([Type.String(), Type.Null()]),
    agentId: Type.Union([Type.String(), Type.Null()]),
    queueId: Type.Union([Type.String(), Type.Null()]),
    callId: Type.Union([Type.String(), Type.Null()]),
    data: Type.Record(Type.String(), Type.Unknown()),
  }),
  { description: 'Newest first' },
);
