import { cleanBody } from './chat-body.js';
import { PROTOCOL_VERSION, type ClientFrame, type EventFrameT, type ServerFrame } from './chat-envelope-schema.js';
import type { ChatParticipant, NewChatEvent, StoredChatEvent } from './chat-events.js';
import { sameParticipant, type ConversationHistory } from './chat-history.js';
import type { ChatLimits } from './chat-limits.js';

// One socket's side of a conversation, pure: (socket session, what is stored, a client frame) →
// (socket session, effects). The gateway runs the effects: it appends through the store, sends on
// this socket, and broadcasts to the conversation's other sockets.

export type ChatEffect =
  /** Store the event with the next seq, then run afterAppend() on what the store returns. */
  | { type: 'append'; event: NewChatEvent }
  /** Store the participant's read mark (the store keeps the maximum). */
  | { type: 'markRead'; participant: ChatParticipant; upToSeq: number }
  /** To this socket. */
  | { type: 'send'; frame: ServerFrame }
  /** To every other socket of the conversation (the author's other tabs included). */
  | { type: 'broadcast'; frame: ServerFrame };

export interface SocketSession {
  /** hello seen: before it only ping is accepted, so every socket starts with a replay. */
  greeted: boolean;
}

export interface SessionContext {
  conversationId: string;
  participant: ChatParticipant;
  status: 'open' | 'closed';
  now: number;
  limits: Pick<ChatLimits, 'maxBodyChars' | 'maxClientMsgIdChars'>;
}

export interface StepResult {
  session: SocketSession;
  effects: ChatEffect[];
}

export const newSocketSession = (): SocketSession => ({ greeted: false });

export function toEventFrame(e: StoredChatEvent): EventFrameT {
  return { v: PROTOCOL_VERSION, type: 'event', seq: e.seq, kind: e.type, at: e.at, author: e.author, clientMsgId: e.clientMsgId, body: e.body, data: e.data };
}

export const errorFrame = (code: string, message: string, extra: { ref?: string; details?: unknown } = {}): ServerFrame => ({
  v: PROTOCOL_VERSION,
  type: 'error',
  code,
  message,
  ...extra,
});

const send = (frame: ServerFrame): ChatEffect => ({ type: 'send', frame });

export function step(session: SocketSession, ctx: SessionContext, history: ConversationHistory, frame: ClientFrame): StepResult {
  const same = (effects: ChatEffect[]): StepResult => ({ session, effects });
  switch (frame.type) {
    case 'ping':
      return same([send({ v: PROTOCOL_VERSION, type: 'pong', ...(frame.id !== undefined ? { id: frame.id } : {}) })]);
    case 'hello':
      return { session: { greeted: true }, effects: hello(ctx, history, frame.after ?? 0) };
  }
  if (!session.greeted) return same([send(errorFrame('hello_required', `send hello before ${frame.type}`))]);
  switch (frame.type) {
    case 'message':
      return same(message(ctx, history, frame.clientMsgId, frame.body));
    case 'typing':
      // Ephemeral: never stored, no seq; the receiving display expires it on its own (5 s).
      if (ctx.status === 'closed') return same([]);
      return same([{ type: 'broadcast', frame: { v: PROTOCOL_VERSION, type: 'typing', participant: ctx.participant, active: frame.active ?? true } }]);
    case 'read':
      return same(read(ctx, history, frame.upToSeq));
  }
}

// The replay comes first and welcome last: welcome tells the client it is caught up, and its
// lastSeq is the seq the client will hold once it has applied the replay.
function hello(ctx: SessionContext, history: ConversationHistory, after: number): ChatEffect[] {
  const lastSeq = history.lastSeq();
  const effects: ChatEffect[] = [];
  let from = after;
  if (after > lastSeq) {
    // The client holds seqs this conversation never had (another conversation's cache, a restored
    // database): it must drop its copy, and gets the whole history instead of a silent gap.
    effects.push(send(errorFrame('invalid_seq', `after=${after} is beyond the last seq ${lastSeq}; replaying the whole conversation`, { details: { lastSeq } })));
    from = 0;
  }
  for (const event of history.after(from)) effects.push(send(toEventFrame(event)));
  effects.push(
    send({ v: PROTOCOL_VERSION, type: 'welcome', conversationId: ctx.conversationId, you: ctx.participant, status: ctx.status, lastSeq, readMarks: history.readMarks() }),
  );
  return effects;
}

function message(ctx: SessionContext, history: ConversationHistory, clientMsgId: string, rawBody: string): ChatEffect[] {
  if (clientMsgId.length > ctx.limits.maxClientMsgIdChars) {
    return [send(errorFrame('invalid_frame', `clientMsgId is longer than ${ctx.limits.maxClientMsgIdChars} characters`))];
  }
  // A retry (the ack was lost with the connection, or the user pressed send twice) gets the first
  // ack again, seq included, even if the body differs: the key names the message, not its text.
  // Checked before the closed status, so a message stored just before the close is still acked.
  const prior = history.byClientMsgId(ctx.participant, clientMsgId);
  if (prior) return [send(ackFrame(prior, true))];
  if (ctx.status === 'closed') return [send(errorFrame('conversation_closed', 'the conversation is closed', { ref: clientMsgId }))];
  const body = cleanBody(rawBody, ctx.limits.maxBodyChars);
  if (!body.ok) return [send(errorFrame(body.code, body.message, { ref: clientMsgId }))];
  return [{ type: 'append', event: { type: 'message', author: ctx.participant, clientMsgId, body: body.body, data: null, at: ctx.now } }];
}

function read(ctx: SessionContext, history: ConversationHistory, upToSeq: number): ChatEffect[] {
  const lastSeq = history.lastSeq();
  if (upToSeq > lastSeq) return [send(errorFrame('invalid_seq', `upToSeq=${upToSeq} is beyond the last seq ${lastSeq}`, { details: { lastSeq } }))];
  const current = history.readMarks().find((m) => sameParticipant(m.participant, ctx.participant))?.upToSeq ?? 0;
  // Monotonic: a late or reordered read (an older tab) never moves the mark back.
  if (upToSeq <= current) return [];
  return [
    { type: 'markRead', participant: ctx.participant, upToSeq },
    { type: 'broadcast', frame: { v: PROTOCOL_VERSION, type: 'read', participant: ctx.participant, upToSeq } },
  ];
}

const ackFrame = (e: StoredChatEvent, duplicate: boolean): ServerFrame => ({
  v: PROTOCOL_VERSION,
  type: 'ack',
  clientMsgId: e.clientMsgId ?? '',
  seq: e.seq,
  at: e.at,
  duplicate,
});

/**
 * After the store ran an append from this socket: ack the sender, and show the new event to the
 * others. `created` false means the store found the clientMsgId already there (a race the
 * session's own check could not see): the sender gets the original ack and nobody sees it twice.
 */
export function afterAppend(stored: StoredChatEvent, created: boolean): ChatEffect[] {
  const effects: ChatEffect[] = [];
  if (stored.clientMsgId !== null) effects.push(send(ackFrame(stored, !created)));
  if (created) effects.push({ type: 'broadcast', frame: toEventFrame(stored) });
  return effects;
}
