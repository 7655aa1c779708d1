import { describe, expect, it } from 'vitest';
import type { ClientFrame } from '../../../../src/core/chat/chat-envelope-schema.js';
import type { ChatParticipant, StoredChatEvent } from '../../../../src/core/chat/chat-events.js';
import { historyOf, type ReadMark } from '../../../../src/core/chat/chat-history.js';
import { DEFAULT_CHAT_LIMITS } from '../../../../src/core/chat/chat-limits.js';
import { afterAppend, step, type ChatEffect, type SessionContext } from '../../../../src/core/chat/chat-session.js';

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);
const visitor: ChatParticipant = { id: 'v1', role: 'customer' };
const agent: ChatParticipant = { id: 'a1', role: 'agent' };

const msg = (seq: number, author: ChatParticipant, clientMsgId: string | null, body: string): StoredChatEvent => ({
  conversationId: 'c1', seq, type: 'message', author, clientMsgId, body, data: null, at: T0 + seq * 1000,
});

const stored = [msg(1, visitor, 'm-1', 'hello'), msg(2, agent, null, 'hi, how can I help?'), msg(3, visitor, 'm-2', 'my order')];

function ctx(over: Partial<SessionContext> = {}): SessionContext {
  return { conversationId: 'c1', participant: visitor, status: 'open', now: T0 + 60_000, limits: DEFAULT_CHAT_LIMITS, ...over };
}

const greeted = { greeted: true };
const run = (frame: ClientFrame, opts: { events?: StoredChatEvent[]; marks?: ReadMark[]; ctx?: Partial<SessionContext>; greeted?: boolean } = {}): ChatEffect[] =>
  step({ greeted: opts.greeted ?? true }, ctx(opts.ctx), historyOf(opts.events ?? stored, opts.marks), frame).effects;

describe('chat session: messages', () => {
  it('given a new clientMsgId, when the visitor sends a message, then the cleaned body is appended with the author and time', () => {
    expect(run({ v: 1, type: 'message', clientMsgId: 'm-3', body: '  where is it?\u0007 ' })).toEqual([
      { type: 'append', event: { type: 'message', author: visitor, clientMsgId: 'm-3', body: 'where is it?', data: null, at: T0 + 60_000 } },
    ]);
  });

  it('given the append stored seq 4, then the sender gets the ack and the others get the event', () => {
    expect(afterAppend(msg(4, visitor, 'm-3', 'where is it?'), true)).toEqual([
      { type: 'send', frame: { v: 1, type: 'ack', clientMsgId: 'm-3', seq: 4, at: T0 + 4000, duplicate: false } },
      { type: 'broadcast', frame: { v: 1, type: 'event', seq: 4, kind: 'message', at: T0 + 4000, author: visitor, clientMsgId: 'm-3', body: 'where is it?', data: null } },
    ]);
  });

  it.each([
    ['the same body', 'my order'],
    ['another body (the key names the message, not its text)', 'my order!!'],
  ])('given m-2 is stored as seq 3, when it is resent with %s, then the original ack comes back and nothing is appended', (_, body) => {
    expect(run({ v: 1, type: 'message', clientMsgId: 'm-2', body })).toEqual([
      { type: 'send', frame: { v: 1, type: 'ack', clientMsgId: 'm-2', seq: 3, at: T0 + 3000, duplicate: true } },
    ]);
  });

  it('given the store found the key already there (a race), then the ack is the original and nothing is broadcast', () => {
    expect(afterAppend(msg(3, visitor, 'm-2', 'my order'), false)).toEqual([
      { type: 'send', frame: { v: 1, type: 'ack', clientMsgId: 'm-2', seq: 3, at: T0 + 3000, duplicate: true } },
    ]);
  });

  it('given another author used the same clientMsgId, when the visitor sends it, then it is a new message (keys are per author)', () => {
    const events = [msg(1, agent, 'm-9', 'from the agent')];
    expect(run({ v: 1, type: 'message', clientMsgId: 'm-9', body: 'from the visitor' }, { events })[0]?.type).toBe('append');
  });

  it.each<[string, ClientFrame, Partial<SessionContext>, string]>([
    ['an empty body after stripping', { v: 1, type: 'message', clientMsgId: 'x', body: ' \u0000\u001b ' }, {}, 'body_empty'],
    ['a body over the limit', { v: 1, type: 'message', clientMsgId: 'x', body: 'é'.repeat(11) }, { limits: { ...DEFAULT_CHAT_LIMITS, maxBodyChars: 10 } }, 'body_too_long'],
    ['a closed conversation', { v: 1, type: 'message', clientMsgId: 'x', body: 'hi' }, { status: 'closed' }, 'conversation_closed'],
  ])('given %s, when a message comes, then an error refers to its clientMsgId and nothing is stored', (_, frame, over, code) => {
    expect(run(frame, { ctx: over })).toEqual([{ type: 'send', frame: expect.objectContaining({ type: 'error', code, ref: 'x' }) }]);
  });

  it('given a closed conversation, when a message stored before the close is resent, then it is still acked', () => {
    expect(run({ v: 1, type: 'message', clientMsgId: 'm-1', body: 'hello' }, { ctx: { status: 'closed' } })).toEqual([
      { type: 'send', frame: expect.objectContaining({ type: 'ack', seq: 1, duplicate: true }) },
    ]);
  });

  it('given no hello yet, when a message comes, then hello_required and nothing is stored', () => {
    expect(run({ v: 1, type: 'message', clientMsgId: 'x', body: 'hi' }, { greeted: false })).toEqual([
      { type: 'send', frame: expect.objectContaining({ type: 'error', code: 'hello_required' }) },
    ]);
  });
});

describe('chat session: hello and replay', () => {
  const framesOf = (effects: ChatEffect[]) => effects.map((e) => (e.type === 'send' ? e.frame : e));

  it('given three stored events, when hello comes with after=1, then events 2 and 3 are sent in order, then welcome', () => {
    const result = step({ greeted: false }, ctx(), historyOf(stored, [{ participant: agent, upToSeq: 3 }]), { v: 1, type: 'hello', after: 1 });
    expect(result.session).toEqual(greeted);
    expect(framesOf(result.effects)).toEqual([
      expect.objectContaining({ type: 'event', seq: 2, kind: 'message', author: agent, body: 'hi, how can I help?' }),
      expect.objectContaining({ type: 'event', seq: 3, clientMsgId: 'm-2' }),
      { v: 1, type: 'welcome', conversationId: 'c1', you: visitor, status: 'open', lastSeq: 3, readMarks: [{ participant: agent, upToSeq: 3 }] },
    ]);
  });

  it.each([
    ['no after (first connection)', undefined, [1, 2, 3]],
    ['after=3 (nothing missed)', 3, []],
  ])('given %s, when hello comes, then exactly the missing events are replayed', (_, after, seqs) => {
    const effects = run({ v: 1, type: 'hello', ...(after !== undefined ? { after } : {}) }, { greeted: false });
    expect(framesOf(effects).filter((f) => f.type === 'event').map((f) => (f as { seq: number }).seq)).toEqual(seqs);
    expect(framesOf(effects).at(-1)).toMatchObject({ type: 'welcome', lastSeq: 3 });
  });

  it('given after beyond the last seq, when hello comes, then invalid_seq, the whole history, then welcome', () => {
    const frames = framesOf(run({ v: 1, type: 'hello', after: 9 }, { greeted: false }));
    expect(frames.map((f) => f.type)).toEqual(['error', 'event', 'event', 'event', 'welcome']);
    expect(frames[0]).toMatchObject({ code: 'invalid_seq', details: { lastSeq: 3 } });
  });
});

describe('chat session: typing, read marks, ping', () => {
  it('given an open conversation, when the visitor types, then it is broadcast and nothing is stored', () => {
    expect(run({ v: 1, type: 'typing' })).toEqual([{ type: 'broadcast', frame: { v: 1, type: 'typing', participant: visitor, active: true } }]);
    expect(run({ v: 1, type: 'typing', active: false })).toEqual([{ type: 'broadcast', frame: { v: 1, type: 'typing', participant: visitor, active: false } }]);
  });

  it('given a closed conversation, when the visitor types, then nothing happens', () => {
    expect(run({ v: 1, type: 'typing' }, { ctx: { status: 'closed' } })).toEqual([]);
  });

  it.each<[string, ReadMark[], number, ChatEffect[]]>([
    ['no mark yet', [], 2, [
      { type: 'markRead', participant: visitor, upToSeq: 2 },
      { type: 'broadcast', frame: { v: 1, type: 'read', participant: visitor, upToSeq: 2 } },
    ]],
    ['a mark at 2, read up to 3', [{ participant: visitor, upToSeq: 2 }], 3, [
      { type: 'markRead', participant: visitor, upToSeq: 3 },
      { type: 'broadcast', frame: { v: 1, type: 'read', participant: visitor, upToSeq: 3 } },
    ]],
    ['a mark at 3, a late read of 2 (never moves back)', [{ participant: visitor, upToSeq: 3 }], 2, []],
    ['a mark at 3, read of 3 again', [{ participant: visitor, upToSeq: 3 }], 3, []],
    ["the agent's mark at 3 only (marks are per participant)", [{ participant: agent, upToSeq: 3 }], 1, [
      { type: 'markRead', participant: visitor, upToSeq: 1 },
      { type: 'broadcast', frame: { v: 1, type: 'read', participant: visitor, upToSeq: 1 } },
    ]],
  ])('given %s, when read comes, then the mark only moves forward', (_, marks, upToSeq, effects) => {
    expect(run({ v: 1, type: 'read', upToSeq }, { marks })).toEqual(effects);
  });

  it('given last seq 3, when read comes for seq 4, then invalid_seq', () => {
    expect(run({ v: 1, type: 'read', upToSeq: 4 })).toEqual([{ type: 'send', frame: expect.objectContaining({ code: 'invalid_seq' }) }]);
  });

  it('given no hello yet, when ping comes, then pong echoes its id', () => {
    expect(run({ v: 1, type: 'ping', id: 'p7' }, { greeted: false })).toEqual([{ type: 'send', frame: { v: 1, type: 'pong', id: 'p7' } }]);
  });
});
