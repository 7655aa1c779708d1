import { Type } from 'typebox';

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

export const ListCallsQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Calls that started at or after this time' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Calls that started before this time' })),
    number: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Part of the caller or dialed number' })),
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('ended')])),
    flowId: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'Calls whose entry flow is this one' })),
    tag: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'Calls the flow tagged with exactly this tag' })),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    offset: Type.Integer({ minimum: 0, default: 0 }),
  },
  { additionalProperties: false },
);

export const CallListSchema = Type.Object({
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
  items: Type.Array(CallSchema),
});

export const CallDetailSchema = Type.Object({
  call: CallSchema,
  events: Type.Array(CallEventSchema),
});

export const CallParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
