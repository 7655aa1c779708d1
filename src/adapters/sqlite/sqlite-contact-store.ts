import type { Contact, ContactIdentifier, IdentifierKind, IdentifierSource } from '../../core/conversations/contact-types.js';
import { planMerge, resolveMerged } from '../../core/conversations/contact-merge.js';
import { buildTimeline, type TimelineCall } from '../../core/conversations/contact-timeline.js';
import type { Conversation } from '../../core/conversations/conversation-machine.js';
import { normalizePhone, phoneVariants, type CountryCode } from '../../core/conversations/identifier-normalize.js';
import type { ContactMergeEntry, ContactStore, ConversationEventRow, ConversationPatch, NewIdentifier } from '../../ports/contact-store.js';
import type { Db } from './database.js';

interface ContactRow { id: string; name: string; created_at: number; updated_at: number; merged_into: string | null; merged_at: number | null }
interface IdentifierRow { contact_id: string; kind: IdentifierKind; value: string; trusted: number; source: IdentifierSource; added_at: number }
interface ConversationRow {
  id: string; contact_id: string | null; channel: Conversation['channel']; status: Conversation['status']; subject: string; queue_id: string | null;
  agent_id: string | null; call_id: string | null; refs: string; created_at: number; updated_at: number; closed_at: number | null; last_seq: number;
}
interface EventRow { conversation_id: string; seq: number; at: number; type: string; author_kind: ConversationEventRow['author']['kind']; author_id: string | null; client_msg_id: string | null; data: string }
interface MergeRow { seq: number; at: number; survivor_id: string; merged_id: string; actor: string; reason: string; data: string }
interface CallRow {
  id: string; direction: string; caller_number: string; dialed: string; status: string; started_at: number; answered_at: number | null;
  ended_at: number | null; duration_ms: number | null; end_reason: string | null; recordings: number;
}

const toContact = (r: ContactRow): Contact => ({ id: r.id, name: r.name, createdAt: r.created_at, updatedAt: r.updated_at, mergedInto: r.merged_into, mergedAt: r.merged_at });
const toIdentifier = (r: IdentifierRow): ContactIdentifier => ({ contactId: r.contact_id, kind: r.kind, value: r.value, trusted: r.trusted === 1, source: r.source, addedAt: r.added_at });
const toConversation = (r: ConversationRow): Conversation => ({
  id: r.id, contactId: r.contact_id, channel: r.channel, status: r.status, subject: r.subject, queueId: r.queue_id, agentId: r.agent_id, callId: r.call_id,
  refs: JSON.parse(r.refs) as Record<string, string>, createdAt: r.created_at, updatedAt: r.updated_at, closedAt: r.closed_at, lastSeq: r.last_seq,
});
const toEvent = (r: EventRow): ConversationEventRow => ({
  conversationId: r.conversation_id, seq: r.seq, at: r.at, type: r.type, author: { kind: r.author_kind, id: r.author_id }, clientMsgId: r.client_msg_id,
  // A chat message written by the chat store has null data.
  data: (JSON.parse(r.data) as Record<string, unknown> | null) ?? {},
});
const toMerge = (r: MergeRow): ContactMergeEntry => ({
  seq: r.seq, at: r.at, survivorId: r.survivor_id, mergedId: r.merged_id, actor: r.actor, reason: r.reason, data: JSON.parse(r.data) as Record<string, unknown>,
});
const toCall = (r: CallRow): TimelineCall => ({
  id: r.id, direction: r.direction, callerNumber: r.caller_number, dialed: r.dialed, status: r.status, startedAt: r.started_at, answeredAt: r.answered_at,
  endedAt: r.ended_at, durationMs: r.duration_ms, endReason: r.end_reason, recordings: r.recordings,
});

const CONVERSATION_COLUMNS: Record<keyof ConversationPatch, string> = {
  contactId: 'contact_id', channel: 'channel', status: 'status', subject: 'subject', queueId: 'queue_id', agentId: 'agent_id', callId: 'call_id',
  refs: 'refs', updatedAt: 'updated_at', closedAt: 'closed_at',
};

const CALL_SELECT = `SELECT c.id, c.direction, c.caller_number, c.dialed, c.status, c.started_at, c.answered_at, c.ended_at, c.duration_ms, c.end_reason,
  (SELECT COUNT(*) FROM recordings r WHERE r.call_id = c.id AND r.deleted_at IS NULL) AS recordings FROM calls c`;

export interface SqliteContactStoreOptions {
  /** The region national numbers in calls.caller_number belong to (the trunk's country). */
  defaultRegion?: CountryCode;
}

export function createSqliteContactStore(db: Db, options: SqliteContactStoreOptions = {}): ContactStore {
  const contact = db.prepare('SELECT * FROM contacts WHERE id = ?');
  const mergedInto = db.prepare('SELECT merged_into FROM contacts WHERE id = ?');
  const insertContact = db.prepare('INSERT INTO contacts (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)');
  const touchContact = db.prepare('UPDATE contacts SET updated_at = MAX(updated_at, ?) WHERE id = ?');
  const ownersOf = db.prepare('SELECT * FROM contact_identifiers WHERE kind = ? AND value = ? ORDER BY trusted DESC, id');
  const identifiersOf = db.prepare('SELECT * FROM contact_identifiers WHERE contact_id = ? ORDER BY id');
  const oneIdentifier = db.prepare('SELECT * FROM contact_identifiers WHERE contact_id = ? AND kind = ? AND value = ?');
  const trustedOwner = db.prepare('SELECT contact_id FROM contact_identifiers WHERE kind = ? AND value = ? AND trusted = 1');
  const insertIdentifier = db.prepare('INSERT INTO contact_identifiers (contact_id, kind, value, trusted, source, added_at) VALUES (?, ?, ?, ?, ?, ?)');
  const upgradeIdentifier = db.prepare('UPDATE contact_identifiers SET trusted = 1, source = ? WHERE contact_id = ? AND kind = ? AND value = ?');
  const deleteIdentifier = db.prepare('DELETE FROM contact_identifiers WHERE contact_id = ? AND kind = ? AND value = ?');
  const moveIdentifier = db.prepare('UPDATE contact_identifiers SET contact_id = ? WHERE contact_id = ? AND kind = ? AND value = ?');
  const conversationIdsOf = db.prepare('SELECT id FROM conversations WHERE contact_id = ? ORDER BY created_at, id');
  const moveConversations = db.prepare('UPDATE conversations SET contact_id = ? WHERE contact_id = ?');
  const markMerged = db.prepare('UPDATE contacts SET merged_into = ?, merged_at = ?, updated_at = ? WHERE id = ?');
  const insertMerge = db.prepare('INSERT INTO contact_merges (at, survivor_id, merged_id, actor, reason, data) VALUES (?, ?, ?, ?, ?, ?)');
  const mergeBySeq = db.prepare('SELECT * FROM contact_merges WHERE seq = ?');
  const mergesOf = db.prepare('SELECT * FROM contact_merges WHERE survivor_id = ? OR merged_id = ? ORDER BY seq');
  const insertConversation = db.prepare(`INSERT INTO conversations (id, contact_id, channel, status, subject, queue_id, agent_id, call_id, refs, created_at, updated_at, closed_at, last_seq)
    VALUES (@id, @contactId, @channel, @status, @subject, @queueId, @agentId, @callId, @refs, @createdAt, @updatedAt, @closedAt, @lastSeq)`);
  const conversation = db.prepare('SELECT * FROM conversations WHERE id = ?');
  const conversationsPage = db.prepare('SELECT * FROM conversations WHERE contact_id = ? AND created_at < ? ORDER BY created_at DESC, id DESC LIMIT ?');
  const reserveSeq = db.prepare('UPDATE conversations SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq');
  const insertEvent = db.prepare(`INSERT INTO conversation_events (conversation_id, seq, at, type, author_kind, author_id, client_msg_id, data)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  // A client message id is unique per author (migration 8): two participants may use the same one.
  const eventByClientId = db.prepare('SELECT * FROM conversation_events WHERE conversation_id = ? AND client_msg_id = ? AND author_kind = ? AND author_id IS ?');
  const eventBySeq = db.prepare('SELECT * FROM conversation_events WHERE conversation_id = ? AND seq = ?');
  const eventsAfter = db.prepare('SELECT * FROM conversation_events WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?');

  const resolve = (id: string) => resolveMerged(id, (c) => (mergedInto.get(c) as { merged_into: string | null } | undefined)?.merged_into);
  const identifiers = (contactId: string) => (identifiersOf.all(contactId) as IdentifierRow[]).map(toIdentifier);

  // Adds or upgrades; 'conflict' when someone else holds it trusted. Runs inside callers' transactions.
  const add = (contactId: string, i: NewIdentifier, at: number): 'added' | 'exists' | 'conflict' => {
    if (i.trusted) {
      const owner = trustedOwner.get(i.kind, i.value) as { contact_id: string } | undefined;
      if (owner) return owner.contact_id === contactId ? 'exists' : 'conflict';
    }
    const existing = oneIdentifier.get(contactId, i.kind, i.value) as IdentifierRow | undefined;
    if (existing) {
      if (i.trusted && existing.trusted === 0) upgradeIdentifier.run(i.source, contactId, i.kind, i.value);
      return 'exists';
    }
    insertIdentifier.run(contactId, i.kind, i.value, i.trusted ? 1 : 0, i.source, at);
    touchContact.run(at, contactId);
    return 'added';
  };

  // Calls from any of the contact's numbers, in whatever form the trunk sent them: candidates by
  // the indexed caller_number, kept only when they normalize to one of the contact's numbers.
  const callsFrom = (phones: string[], before: number, limit: number): CallRow[] => {
    if (phones.length === 0) return [];
    const wanted = new Set(phones);
    const variants = [...new Set(phones.flatMap(phoneVariants))];
    const rows = db
      .prepare(`${CALL_SELECT} WHERE c.caller_number IN (${variants.map(() => '?').join(', ')}) AND c.started_at < ? ORDER BY c.started_at DESC LIMIT ?`)
      .all(...variants, before, limit * 2) as CallRow[];
    return rows.filter((r) => wanted.has(normalizePhone(r.caller_number, options.defaultRegion) ?? '')).slice(0, limit);
  };

  return {
    getContact: (id) => {
      const row = contact.get(id) as ContactRow | undefined;
      return row && toContact(row);
    },
    resolveContactId: resolve,
    findByIdentifier: ({ kind, value }) => {
      const seen = new Map<string, boolean>();
      for (const r of ownersOf.all(kind, value) as IdentifierRow[]) {
        const id = resolve(r.contact_id);
        if (id !== undefined && !seen.has(id)) seen.set(id, r.trusted === 1);
      }
      return [...seen].map(([contactId, trusted]) => ({ contactId, trusted }));
    },
    identifiers,
    createContact: db.transaction((input: { id: string; name?: string; at: number; identifiers: NewIdentifier[] }) => {
      for (const i of input.identifiers.filter((x) => x.trusted)) {
        const owner = trustedOwner.get(i.kind, i.value) as { contact_id: string } | undefined;
        if (owner) return { created: false as const, contactId: resolve(owner.contact_id) ?? owner.contact_id };
      }
      insertContact.run(input.id, input.name ?? '', input.at, input.at);
      for (const i of input.identifiers) add(input.id, i, input.at);
      return { created: true as const, contact: toContact(contact.get(input.id) as ContactRow) };
    }),
    addIdentifier: (contactId, identifier, at) => db.transaction(() => add(contactId, identifier, at))(),
    merge: db.transaction((req: Parameters<ContactStore['merge']>[0]) => {
      const survivor = contact.get(req.survivorId) as ContactRow | undefined;
      const merged = contact.get(req.mergedId) as ContactRow | undefined;
      if (!survivor || !merged) return { ok: false as const, code: 'not_found' as const, message: `contact '${survivor ? req.mergedId : req.survivorId}' not found` };
      const conversationIds = (conversationIdsOf.all(req.mergedId) as { id: string }[]).map((r) => r.id);
      const planned = planMerge(toContact(survivor), toContact(merged), identifiers(req.survivorId), identifiers(req.mergedId), conversationIds);
      if (!planned.ok) return planned;
      const { plan } = planned;
      // Drops first: an upgrade makes the survivor's copy trusted, which the unique index allows
      // only once the merged contact's trusted copy is gone.
      for (const i of plan.drop) deleteIdentifier.run(plan.mergedId, i.kind, i.value);
      for (const i of plan.upgrade) upgradeIdentifier.run(i.source, plan.survivorId, i.kind, i.value);
      for (const i of plan.move) moveIdentifier.run(plan.survivorId, plan.mergedId, i.kind, i.value);
      moveConversations.run(plan.survivorId, plan.mergedId);
      markMerged.run(plan.survivorId, req.at, req.at, plan.mergedId);
      touchContact.run(req.at, plan.survivorId);
      const seq = insertMerge.run(req.at, plan.survivorId, plan.mergedId, req.actor, req.reason, JSON.stringify(plan.audit)).lastInsertRowid;
      return { ok: true as const, audit: toMerge(mergeBySeq.get(seq) as MergeRow) };
    }),
    merges: (contactId) => (mergesOf.all(contactId, contactId) as MergeRow[]).map(toMerge),

    createConversation: (c) => void insertConversation.run({ ...c, refs: JSON.stringify(c.refs) }),
    getConversation: (id) => {
      const row = conversation.get(id) as ConversationRow | undefined;
      return row && toConversation(row);
    },
    updateConversation: (id, patch) => {
      const sets: string[] = [];
      const params: Record<string, unknown> = { id };
      for (const [key, value] of Object.entries(patch) as [keyof ConversationPatch, unknown][]) {
        if (value === undefined) continue;
        sets.push(`${CONVERSATION_COLUMNS[key]} = @${key}`);
        params[key] = key === 'refs' ? JSON.stringify(value) : value;
      }
      if (sets.length > 0) db.prepare(`UPDATE conversations SET ${sets.join(', ')} WHERE id = @id`).run(params);
    },
    conversationsOf: (contactId, { limit, before }) =>
      (conversationsPage.all(contactId, before ?? Number.MAX_SAFE_INTEGER, limit) as ConversationRow[]).map(toConversation),
    // The UPDATE ... RETURNING reserves the seq under SQLite's write lock, so two writers (even two
    // processes on one file) never get the same one, and a failed insert rolls the counter back.
    appendEvent: db.transaction((conversationId: string, e: Parameters<ContactStore['appendEvent']>[1]) => {
      if (e.clientMsgId !== undefined) {
        const first = eventByClientId.get(conversationId, e.clientMsgId, e.author.kind, e.author.id) as EventRow | undefined;
        if (first) return { event: toEvent(first), duplicate: true };
      }
      const reserved = reserveSeq.get(conversationId) as { last_seq: number } | undefined;
      if (!reserved) throw new Error(`conversation '${conversationId}' not found`);
      insertEvent.run(conversationId, reserved.last_seq, e.at, e.type, e.author.kind, e.author.id, e.clientMsgId ?? null, JSON.stringify(e.data ?? {}));
      return { event: toEvent(eventBySeq.get(conversationId, reserved.last_seq) as EventRow), duplicate: false };
    }),
    eventsAfter: (conversationId, afterSeq, limit) => (eventsAfter.all(conversationId, afterSeq, limit) as EventRow[]).map(toEvent),

    timeline: (contactId, { limit, before }) => {
      const until = before ?? Number.MAX_SAFE_INTEGER;
      const conversations = (conversationsPage.all(contactId, until, limit) as ConversationRow[]).map(toConversation);
      const phones = identifiers(contactId).filter((i) => i.kind === 'phone').map((i) => i.value);
      const calls = callsFrom(phones, until, limit);
      const have = new Set(calls.map((c) => c.id));
      const named = conversations.map((c) => c.callId).filter((id): id is string => id !== null && !have.has(id));
      const namedCalls = named.length === 0 ? [] : (db.prepare(`${CALL_SELECT} WHERE c.id IN (${named.map(() => '?').join(', ')})`).all(...named) as CallRow[]);
      return buildTimeline(conversations, [...calls, ...namedCalls].map(toCall), limit);
    },
  };
}
