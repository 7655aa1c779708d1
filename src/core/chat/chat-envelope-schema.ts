import { Type, type Static } from 'typebox';

// The chat wire protocol, version 1: one JSON object per WebSocket text frame, each with `v` and
// `type`. Objects are open (extra keys are ignored), so a newer client can add optional fields
// without breaking an older server; a change that an old peer would misread bumps `v`.
// The reference with examples is docs/chat-protocol.md.

export const PROTOCOL_VERSION = 1;

const v = Type.Literal(PROTOCOL_VERSION);
const Seq = Type.Integer({ minimum: 0 });

export const ParticipantSchema = Type.Object({
  id: Type.String(),
  role: Type.Union([Type.Literal('customer'), Type.Literal('agent'), Type.Literal('system')]),
});

// ── client → server ────────────────────────────────────────────────────────────────────────────

export const HelloFrame = Type.Object({
  v,
  type: Type.Literal('hello'),
  /** The highest seq the client already has (from events and acks); the server replays the rest. */
  after: Type.Optional(Seq),
});

export const MessageFrame = Type.Object({
  v,
  type: Type.Literal('message'),
  /** Chosen by the client once per message and reused on every retry of it. */
  clientMsgId: Type.String({ minLength: 1 }),
  body: Type.String(),
});

export const ClientTypingFrame = Type.Object({
  v,
  type: Type.Literal('typing'),
  /** false when the user cleared the input; absent means true. */
  active: Type.Optional(Type.Boolean()),
});

export const ClientReadFrame = Type.Object({ v, type: Type.Literal('read'), upToSeq: Seq });

export const PingFrame = Type.Object({ v, type: Type.Literal('ping'), id: Type.Optional(Type.String({ maxLength: 64 })) });

/** Per type, so a frame with a known type is checked against its own shape and errors name its fields. */
export const CLIENT_FRAME_SCHEMAS = {
  hello: HelloFrame,
  message: MessageFrame,
  typing: ClientTypingFrame,
  read: ClientReadFrame,
  ping: PingFrame,
} as const;

export type ClientFrameType = keyof typeof CLIENT_FRAME_SCHEMAS;
export const ClientFrameSchema = Type.Union([HelloFrame, MessageFrame, ClientTypingFrame, ClientReadFrame, PingFrame]);
export type ClientFrame = Static<typeof ClientFrameSchema>;

// ── server → client ────────────────────────────────────────────────────────────────────────────

export const EventFrame = Type.Object({
  v,
  type: Type.Literal('event'),
  seq: Seq,
  // Spelled out (not mapped from CHAT_EVENT_KINDS) so the type stays a literal union; toEventFrame
  // fails to compile when the two lists drift apart.
  kind: Type.Union([Type.Literal('message'), Type.Literal('agent_joined'), Type.Literal('transfer'), Type.Literal('status'), Type.Literal('closed')]),
  at: Type.Integer({ description: 'ms since the epoch' }),
  author: Type.Union([ParticipantSchema, Type.Null()]),
  /** Lets the sender's other tabs, and the sender after a reconnect, match a pending send. */
  clientMsgId: Type.Union([Type.String(), Type.Null()]),
  /** Plain text: display it as text (textContent), never as HTML. */
  body: Type.Union([Type.String(), Type.Null()]),
  data: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
});

export const ReadMarkSchema = Type.Object({ participant: ParticipantSchema, upToSeq: Seq });

export const WelcomeFrame = Type.Object({
  v,
  type: Type.Literal('welcome'),
  conversationId: Type.String(),
  you: ParticipantSchema,
  status: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
  /** The highest stored seq; after the replay the client has everything up to it. */
  lastSeq: Seq,
  readMarks: Type.Array(ReadMarkSchema),
});

export const AckFrame = Type.Object({
  v,
  type: Type.Literal('ack'),
  clientMsgId: Type.String(),
  seq: Seq,
  at: Type.Integer(),
  /** true when this clientMsgId was already stored: the original seq, nothing appended. */
  duplicate: Type.Boolean(),
});

export const ServerTypingFrame = Type.Object({ v, type: Type.Literal('typing'), participant: ParticipantSchema, active: Type.Boolean() });
export const ServerReadFrame = Type.Object({ v, type: Type.Literal('read'), participant: ParticipantSchema, upToSeq: Seq });
export const PongFrame = Type.Object({ v, type: Type.Literal('pong'), id: Type.Optional(Type.String()) });

export const ErrorFrame = Type.Object({
  v,
  type: Type.Literal('error'),
  code: Type.String(),
  message: Type.String(),
  /** The clientMsgId of the message refused, when there is one. */
  ref: Type.Optional(Type.String()),
  details: Type.Optional(Type.Unknown()),
});

export const ServerFrameSchema = Type.Union([WelcomeFrame, AckFrame, EventFrame, ServerTypingFrame, ServerReadFrame, PongFrame, ErrorFrame]);
export type ServerFrame = Static<typeof ServerFrameSchema>;
export type EventFrameT = Static<typeof EventFrame>;
export type ErrorFrameT = Static<typeof ErrorFrame>;
