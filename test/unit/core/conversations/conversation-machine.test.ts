import { describe, expect, it } from 'vitest';
import { newConversation, transition, type Conversation, type ConversationEvent, type ConversationStatus } from '../../../../src/core/conversations/conversation-machine.js';

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);
const MIN = 60_000;

const inStatus = (status: ConversationStatus, extra: Partial<Conversation> = {}): Conversation => ({
  ...newConversation({ id: 'cv-1', contactId: 'ct-1', channel: 'chat', at: T0 }),
  status,
  ...extra,
});

describe('conversation transitions', () => {
  const allowed: [ConversationStatus, ConversationEvent, Partial<Conversation>][] = [
    ['open', { type: 'queued', at: T0 + 1, queueId: 'support' }, { status: 'waiting', queueId: 'support', agentId: null }],
    ['waiting', { type: 'assigned', at: T0 + 2, agentId: 'alice' }, { status: 'assigned', agentId: 'alice' }],
    ['assigned', { type: 'assigned', at: T0 + 3, agentId: 'bob' }, { status: 'assigned', agentId: 'bob' }],
    ['assigned', { type: 'queued', at: T0 + 3, queueId: 'sales' }, { status: 'waiting', queueId: 'sales', agentId: null }],
    ['assigned', { type: 'closed', at: T0 + 4 }, { status: 'closed', closedAt: T0 + 4 }],
    ['waiting', { type: 'closed', at: T0 + 4, reason: 'abandoned' }, { status: 'closed', closedAt: T0 + 4 }],
    ['open', { type: 'channel-changed', at: T0 + 5, channel: 'callback' }, { status: 'open', channel: 'callback' }],
  ];
  it.each(allowed.map(([from, e, to]) => [from, e.type, e, to] as const))('given %s, when %s, then the state changes and a journal entry is returned', (from, _type, e, to) => {
    const result = transition(inStatus(from, { agentId: from === 'assigned' ? 'alice' : null }), e);
    if (!result.ok) throw new Error(result.message);
    expect(result.conversation).toMatchObject({ ...to, updatedAt: e.at });
    expect(result.journal).toMatchObject({ type: `status.${e.type}`, at: e.at, data: { from } });
  });

  const refused: [ConversationStatus, ConversationEvent][] = [
    ['closed', { type: 'assigned', at: T0, agentId: 'alice' }],
    ['closed', { type: 'queued', at: T0, queueId: 'support' }],
    ['closed', { type: 'closed', at: T0 }],
    ['waiting', { type: 'queued', at: T0, queueId: 'support' }],
    ['open', { type: 'reopened', at: T0 }],
    ['closed', { type: 'channel-changed', at: T0, channel: 'email' }],
  ];
  it.each(refused.map(([from, e]) => [from, e.type, e] as const))('given %s, when %s, then it is refused as an invalid transition', (from, _type, e) => {
    const result = transition(inStatus(from), e);
    expect(result.ok ? null : result.code).toBe('invalid_transition');
  });

  it('given a conversation closed 10 minutes ago, when reopened within a 30-minute window, then it is open again and no longer closed', () => {
    const result = transition(inStatus('closed', { closedAt: T0 }), { type: 'reopened', at: T0 + 10 * MIN, windowMs: 30 * MIN });
    if (!result.ok) throw new Error(result.message);
    expect(result.conversation).toMatchObject({ status: 'open', closedAt: null });
    expect(result.journal.data).toEqual({ from: 'closed', closedAt: T0 });
  });

  it('given a conversation closed an hour ago, when reopened with a 30-minute window, then it is refused so a new one starts', () => {
    const result = transition(inStatus('closed', { closedAt: T0 }), { type: 'reopened', at: T0 + 60 * MIN, windowMs: 30 * MIN });
    expect(result.ok ? null : result.code).toBe('reopen_window_passed');
  });

  it('given an event stamped before the last update, when applied, then updatedAt never goes back', () => {
    const result = transition(inStatus('open', { updatedAt: T0 + 100 }), { type: 'queued', at: T0 + 50, queueId: 'support' });
    expect(result.ok && result.conversation.updatedAt).toBe(T0 + 100);
  });
});
