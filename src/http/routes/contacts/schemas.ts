import { Type } from 'typebox';
import type { TimelineCall, TimelineEntry } from '../../../core/conversations/contact-timeline.js';
import type { Conversation } from '../../../core/conversations/conversation-machine.js';
import type { ContactMergeEntry } from '../../../ports/contact-store.js';
import type { ContactView } from '../../../services/contact-service.js';

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));
const NullableString = (options: Parameters<typeof Type.String>[0] = {}) => Type.Union([Type.String(options), Type.Null()]);
const Time = Type.String({ format: 'date-time' });
const NullableTime = Type.Union([Time, Type.Null()]);

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) });

export const IdentifierQuery = Type.Object({
  identifier: Type.String({ minLength: 1, maxLength: 320, description: "kind:value (phone:, email:, chat:, external:) or a bare email address or phone number" }),
});

export const TimelineQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  before: Type.Optional(Type.String({ format: 'date-time', description: 'Only entries that started before this (the last entry’s time, for the next page)' })),
});

export const MergeBody = Type.Object({
  mergedId: Type.String({ minLength: 1, maxLength: 128, description: 'The contact folded into this one; its id keeps resolving to this one' }),
  reason: Type.String({ minLength: 1, maxLength: 500 }),
});

const IdentifierSchema = Type.Object({
  kind: Type.String({ description: 'phone (E.164), email, chat (widget visitor id) or external (system:id)' }),
  value: Type.String(),
  trusted: Type.Boolean({ description: 'Only trusted identifiers link new conversations to this contact' }),
  source: Type.String(),
  addedAt: Time,
});

export const MergeSchema = Type.Object({
  seq: Type.Integer(),
  at: Time,
  survivorId: Type.String(),
  mergedId: Type.String(),
  actor: Type.String(),
  reason: Type.String(),
  data: Type.Record(Type.String(), Type.Unknown(), { description: 'What moved: identifiers with their outcome, conversation ids' }),
});

export const ContactDetail = Type.Object({
  id: Type.String({ description: 'The contact holding the history now (differs from the requested id after a merge)' }),
  name: Type.String(),
  createdAt: Time,
  updatedAt: Time,
  identifiers: Type.Array(IdentifierSchema),
  merges: Type.Array(MergeSchema),
});

export const ContactMatches = Type.Object({
  kind: Type.String(),
  value: Type.String({ description: 'The identifier as normalized and stored' }),
  items: Type.Array(Type.Object({ contactId: Type.String(), trusted: Type.Boolean() })),
});

const ConversationSchema = Type.Object({
  id: Type.String(),
  contactId: NullableString(),
  channel: Type.String({ description: 'voice, chat, email or callback' }),
  status: Type.String({ description: 'open, waiting, assigned or closed' }),
  subject: Type.String(),
  queueId: NullableString(),
  agentId: NullableString(),
  callId: NullableString(),
  createdAt: Time,
  updatedAt: Time,
  closedAt: NullableTime,
});

const CallSchema = Type.Object({
  id: Type.String(),
  direction: Type.String(),
  callerNumber: Type.String({ description: 'As the trunk sent it' }),
  dialed: Type.String(),
  status: Type.String(),
  startedAt: Time,
  answeredAt: NullableTime,
  endedAt: NullableTime,
  durationMs: Type.Union([Type.Integer(), Type.Null()]),
  endReason: NullableString(),
  recordings: Type.Integer({ description: 'Recorded segments not deleted' }),
});

export const Timeline = Type.Object({
  contactId: Type.String(),
  entries: Type.Array(
    Type.Object({
      kind: Type.String({ description: 'conversation or call (a call no conversation names)' }),
      at: Time,
      conversation: Type.Union([ConversationSchema, Type.Null()]),
      call: Type.Union([CallSchema, Type.Null()], { description: 'The call itself, or the call a voice conversation names' }),
    }),
  ),
});

const conversationToApi = (c: Conversation) => ({
  id: c.id, contactId: c.contactId, channel: c.channel, status: c.status, subject: c.subject, queueId: c.queueId, agentId: c.agentId, callId: c.callId,
  createdAt: iso(c.createdAt), updatedAt: iso(c.updatedAt), closedAt: isoOrNull(c.closedAt),
});
const callToApi = (c: TimelineCall) => ({ ...c, startedAt: iso(c.startedAt), answeredAt: isoOrNull(c.answeredAt), endedAt: isoOrNull(c.endedAt) });

export const timelineEntryToApi = (e: TimelineEntry) =>
  e.kind === 'call'
    ? { kind: e.kind, at: iso(e.at), conversation: null, call: callToApi(e.call) }
    : { kind: e.kind, at: iso(e.at), conversation: conversationToApi(e.conversation), call: e.call && callToApi(e.call) };

export const mergeToApi = (m: ContactMergeEntry) => ({ ...m, at: iso(m.at) });

export const contactToApi = (v: ContactView) => ({
  id: v.contact.id,
  name: v.contact.name,
  createdAt: iso(v.contact.createdAt),
  updatedAt: iso(v.contact.updatedAt),
  identifiers: v.identifiers.map((i) => ({ kind: i.kind, value: i.value, trusted: i.trusted, source: i.source, addedAt: iso(i.addedAt) })),
  merges: v.merges.map(mergeToApi),
});
