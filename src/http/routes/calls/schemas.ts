import { Type } from 'typebox';
import { CALL_OUTCOMES } from '../../../core/calls/outcome.js';

const Time = Type.String({ format: 'date-time' });
const NullableTime = Type.Union([Time, Type.Null()]);
const NullableInt = Type.Union([Type.Integer(), Type.Null()]);

export const CallSchema = Type.Object(
  {
    id: Type.String(),
    channelId: Type.String(),
    direction: Type.String(),
    callerNumber: Type.String(),
    callerName: Type.String(),
    dialed: Type.String(),
    flowId: Type.Union([Type.String(), Type.Null()]),
    status: Type.Union([Type.Literal('active'), Type.Literal('ended')]),
    startedAt: Time,
    answeredAt: NullableTime,
    endedAt: NullableTime,
    durationMs: Type.Union([Type.Integer({ description: 'From arrival in Switchboard to the end' }), Type.Null()]),
    talkMs: Type.Union([Type.Integer({ description: 'From answer to the end' }), Type.Null()]),
    hangupCause: Type.Union([Type.Integer({ description: 'Q.850 cause code' }), Type.Null()]),
    hangupCauseText: Type.Union([Type.String(), Type.Null()]),
    endReason: Type.Union([
      Type.String({ description: 'caller_hangup, flow_hangup, fallback, error or lost (ended while Switchboard was not connected)' }),
      Type.Null(),
    ]),
    flowVersion: Type.Union([Type.String({ description: 'Content hash of the entry flow version the call ran' }), Type.Null()]),
    lastNode: Type.Union([Type.String({ description: 'The last node entered, in the form of a path entry' }), Type.Null()]),
    path: Type.Array(Type.String(), {
      description: "Nodes entered, in order: 'nodeId' in the entry flow, 'flowId/nodeId' inside a subflow; a node entered again appears again",
    }),
    tags: Type.Array(Type.String(), { description: 'Tags the flow added, unique, in the order first added' }),
  },
  { $id: 'Call' },
);

export const CallEventSchema = Type.Object({
  seq: Type.Integer(),
  at: Time,
  type: Type.String(),
  data: Type.Record(Type.String(), Type.Unknown()),
});

const OutcomeSchema = Type.Enum([...CALL_OUTCOMES], {
  description: 'How the call turned out (docs/call-logs.md): answered, abandoned, callback, timeout, noAgents, full, transferred, ivr, failed',
});

const CallFilterFields = {
  from: Type.Optional(Type.String({ format: 'date-time', description: 'Calls that started at or after this time' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'Calls that started before this time' })),
  number: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Part of the caller or dialed number' })),
  status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('ended')])),
  flowId: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'Calls whose entry flow is this one' })),
  tag: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'Calls the flow tagged with exactly this tag' })),
  direction: Type.Optional(Type.Union([Type.Literal('inbound'), Type.Literal('internal')])),
  queueId: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'Calls that visited this queue' })),
  agentId: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'Calls this agent talked on' })),
  outcome: Type.Optional(OutcomeSchema),
  hasRecording: Type.Optional(Type.Boolean({ description: 'With (true) or without (false) a recording that is neither failed nor deleted' })),
};

export const ListCallsQuery = Type.Object(
  {
    ...CallFilterFields,
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    offset: Type.Integer({ minimum: 0, default: 0 }),
  },
  { additionalProperties: false },
);

export const CallsCsvQuery = Type.Object(CallFilterFields, { additionalProperties: false });

const CallSummaryFields = {
  outcome: Type.Union([OutcomeSchema, Type.Null()], { description: 'Null while the call is active' }),
  queues: Type.Array(Type.String(), { description: 'Queues visited, in order of first visit' }),
  agents: Type.Array(Type.String(), { description: 'Agents who talked to the caller, in order' }),
  waitMs: Type.Integer({ description: 'Time waiting on the line in queues, summed over visits' }),
  agentTalkMs: Type.Integer({ description: 'Time agents talked to the caller, summed over segments' }),
  recordings: Type.Integer({ description: 'Recordings neither failed nor deleted' }),
};

export const CallLogItemSchema = Type.Object({ ...CallSchema.properties, ...CallSummaryFields }, { $id: 'CallLogItem' });

export const CallListSchema = Type.Object({
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
  items: Type.Array(CallLogItemSchema),
});

const NullableString = Type.Union([Type.String(), Type.Null()]);

const SegmentSchema = Type.Object({
  index: Type.Integer({ minimum: 1 }),
  kind: Type.Union([Type.Literal('queue'), Type.Literal('callback')]),
  interactionId: NullableString,
  queueId: NullableString,
  agentId: NullableString,
  enteredAt: Time,
  answeredAt: NullableTime,
  endedAt: NullableTime,
  result: Type.String({ description: 'waiting, talking, completed, transferred, abandoned, option, callback, timeout, full, noAgents, overflow or noAnswer' }),
  endedBy: NullableString,
  waitMs: Type.Integer(),
  talkMs: Type.Integer(),
  wrapUpMs: NullableInt,
  offers: Type.Array(
    Type.Object({
      offerId: NullableString,
      agentId: NullableString,
      offeredAt: Time,
      ringingAt: NullableTime,
      endedAt: NullableTime,
      result: Type.Union([Type.Literal('ringing'), Type.Literal('answered'), Type.Literal('missed'), Type.Literal('cancelled')]),
      reason: NullableString,
    }),
  ),
  transferredTo: Type.Union([Type.Object({ queue: Type.String() }), Type.Object({ number: Type.String() }), Type.Null()]),
  transferFailed: NullableString,
});

const TimelineEntrySchema = Type.Object({
  at: Time,
  offsetMs: Type.Integer({ description: 'From the start of the call' }),
  kind: Type.Enum(['call', 'ivr', 'queue', 'offer', 'agent', 'transfer', 'callback', 'recording']),
  event: Type.String(),
  queueId: NullableString,
  agentId: NullableString,
  nodeId: NullableString,
  data: Type.Record(Type.String(), Type.Unknown()),
});

export const CallTimelineSchema = Type.Object({
  call: CallSchema,
  ...CallSummaryFields,
  segments: Type.Array(SegmentSchema),
  timeline: Type.Array(TimelineEntrySchema),
});

export const CallDetailSchema = Type.Object({
  call: CallSchema,
  events: Type.Array(CallEventSchema),
});

export const CallParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
