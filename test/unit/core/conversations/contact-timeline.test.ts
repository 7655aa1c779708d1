import { describe, expect, it } from 'vitest';
import { buildTimeline, type TimelineCall } from '../../../../src/core/conversations/contact-timeline.js';
import { newConversation } from '../../../../src/core/conversations/conversation-machine.js';

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);
const call = (id: string, startedAt: number): TimelineCall => ({
  id, direction: 'inbound', callerNumber: '030123456', dialed: '100', status: 'ended', startedAt, answeredAt: null, endedAt: startedAt + 1000, durationMs: 1000, endReason: 'hangup', recordings: 0,
});

describe('contact timeline', () => {
  it('given chats, emails and calls, when built, then they interleave newest first and a call named by a voice conversation shows only inside it', () => {
    const voice = newConversation({ id: 'cv-voice', contactId: 'ct', channel: 'voice', callId: 'call-2', at: T0 + 2000 });
    const chat = newConversation({ id: 'cv-chat', contactId: 'ct', channel: 'chat', at: T0 + 3000 });
    const email = newConversation({ id: 'cv-mail', contactId: 'ct', channel: 'email', at: T0 });
    const entries = buildTimeline([voice, chat, email], [call('call-1', T0 + 1000), call('call-2', T0 + 2000)], 10);
    expect(entries.map((e) => (e.kind === 'call' ? e.call.id : e.conversation.id))).toEqual(['cv-chat', 'cv-voice', 'call-1', 'cv-mail']);
    const voiceEntry = entries[1];
    expect(voiceEntry?.kind === 'conversation' && voiceEntry.call?.id).toBe('call-2');
  });

  it('given more entries than the limit, when built, then only the newest are kept', () => {
    const entries = buildTimeline([], [call('a', T0), call('b', T0 + 1), call('c', T0 + 2)], 2);
    expect(entries.map((e) => e.at)).toEqual([T0 + 2, T0 + 1]);
  });
});
