import websocket from '@fastify/websocket';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createChatGateway } from '../../../src/adapters/chat/chat-gateway.js';
import { visitorTokens } from '../../../src/adapters/chat/visitor-token.js';
import { migrate, openDatabase, type Db } from '../../../src/adapters/sqlite/database.js';
import { migrations } from '../../../src/adapters/sqlite/migrations.js';
import { createSqliteChatStore, UnknownConversationError } from '../../../src/adapters/sqlite/sqlite-chat-store.js';
import { createSqliteContactStore } from '../../../src/adapters/sqlite/sqlite-contact-store.js';
import type { ChatParticipant, NewChatEvent } from '../../../src/core/chat/chat-events.js';
import type { ChatStore } from '../../../src/ports/chat-store.js';
import { fakeClock, tempDir } from '../support/helpers.js';

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);
const visitor: ChatParticipant = { id: 'v1', role: 'customer' };
const agent: ChatParticipant = { id: 'a1', role: 'agent' };
const msg = (author: ChatParticipant | null, clientMsgId: string | null, body: string, at = T0): NewChatEvent => ({ type: 'message', author, clientMsgId, body, data: null, at });

const insertConversation = (db: Db, id: string) =>
  db.prepare("INSERT INTO conversations (id, channel, status, created_at, updated_at) VALUES (?, 'chat', 'open', ?, ?)").run(id, T0, T0);

describe('SQLite chat store', () => {
  let cleanup: () => void;
  let file: string;
  let db: Db;
  let store: ChatStore;
  beforeEach(() => {
    let dir: string;
    ({ dir, cleanup } = tempDir());
    file = join(dir, 'switchboard.db');
    db = openDatabase(file);
    store = createSqliteChatStore(db);
    insertConversation(db, 'c1');
    insertConversation(db, 'c2');
  });
  afterEach(() => {
    if (db.open) db.close();
    cleanup();
  });

  it('given an empty conversation, when events are appended, then they get seq 1, 2, 3 and round-trip every field', () => {
    expect(store.lastSeq('c1')).toBe(0);
    const a = store.append('c1', msg(visitor, 'm-1', 'hello'));
    const b = store.append('c1', { type: 'agent_joined', author: agent, clientMsgId: null, body: null, data: { name: 'Ann' }, at: T0 + 1 });
    const c = store.append('c1', { type: 'status', author: null, clientMsgId: null, body: null, data: { status: 'assigned' }, at: T0 + 2 });
    expect([a, b, c].map((r) => [r.event.seq, r.created])).toEqual([[1, true], [2, true], [3, true]]);
    expect(a.event).toEqual({ conversationId: 'c1', seq: 1, type: 'message', author: visitor, clientMsgId: 'm-1', body: 'hello', data: null, at: T0 });
    expect(c.event.author).toBeNull();
    expect(store.eventsAfter('c1', 0)).toEqual([a.event, b.event, c.event]);
    expect(store.lastSeq('c1')).toBe(3);
    expect(store.lastSeq('c2')).toBe(0);
    expect(store.lastSeq('nope')).toBe(0);
  });

  it('given a clientMsgId already stored for an author, when appended again, then the first event comes back, created false, nothing written; another author may reuse the id', () => {
    const first = store.append('c1', msg(visitor, 'm-1', 'hello'));
    const again = store.append('c1', msg(visitor, 'm-1', 'hello (retry)', T0 + 5));
    expect(again).toEqual({ event: first.event, created: false });
    const other = store.append('c1', msg(agent, 'm-1', 'same id, other author'));
    expect(other.created).toBe(true);
    expect(other.event.seq).toBe(2);
    expect(store.findByClientMsgId('c1', visitor, 'm-1')).toEqual(first.event);
    expect(store.findByClientMsgId('c1', agent, 'm-1')).toEqual(other.event);
    expect(store.findByClientMsgId('c1', { id: 'v2', role: 'customer' }, 'm-1')).toBeUndefined();
    expect(store.findByClientMsgId('c2', visitor, 'm-1')).toBeUndefined();
    // Same id in another conversation is another message.
    expect(store.append('c2', msg(visitor, 'm-1', 'hello')).event).toMatchObject({ conversationId: 'c2', seq: 1 });
    expect(store.lastSeq('c1')).toBe(2);
  });

  it('given events without a clientMsgId or author, when appended twice, then both are stored', () => {
    store.append('c1', msg(agent, null, 'x'));
    store.append('c1', msg(agent, null, 'x'));
    store.append('c1', msg(null, 'sys-1', 'y'));
    store.append('c1', msg(null, 'sys-1', 'y'));
    expect(store.eventsAfter('c1', 0).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  });

  it('given 5 events, when read after a seq with and without a limit, then ascending events above it, at most limit', () => {
    for (let i = 1; i <= 5; i++) store.append('c1', msg(visitor, `m-${i}`, `b${i}`));
    expect(store.eventsAfter('c1', 2).map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(store.eventsAfter('c1', 1, 2).map((e) => e.seq)).toEqual([2, 3]);
    expect(store.eventsAfter('c1', 5)).toEqual([]);
    expect(store.eventsAfter('c1', 0, 0)).toEqual([]);
    expect(store.eventsAfter('c2', 0)).toEqual([]);
  });

  it('given the conversation journal, when chat events and contact-store events interleave, then they share one seq space with no gaps', () => {
    const contacts = createSqliteContactStore(db);
    store.append('c1', msg(visitor, 'm-1', 'hello'));
    const status = contacts.appendEvent('c1', { at: T0 + 1, type: 'status', author: { kind: 'system', id: null }, data: { status: 'assigned' } });
    const reply = store.append('c1', msg(agent, null, 'hi'));
    expect([status.event.seq, reply.event.seq]).toEqual([2, 3]);
    expect(store.eventsAfter('c1', 0).map((e) => [e.seq, e.type])).toEqual([[1, 'message'], [2, 'status'], [3, 'message']]);
    expect(contacts.getConversation('c1')?.lastSeq).toBe(3);
    expect(store.lastSeq('c1')).toBe(3);
  });

  it('given two connections on the same file, when they append alternately, then seqs are unique and gapless and survive reopening', () => {
    const db2 = openDatabase(file);
    const store2 = createSqliteChatStore(db2);
    const seqs: number[] = [];
    for (let i = 0; i < 10; i++) seqs.push((i % 2 === 0 ? store : store2).append('c1', msg(visitor, `m-${i}`, `b${i}`)).event.seq);
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // A retry through the other connection still finds the first one.
    expect(store2.append('c1', msg(visitor, 'm-0', 'b0'))).toMatchObject({ created: false, event: { seq: 1 } });
    db2.close();
    db.close();
    db = openDatabase(file);
    store = createSqliteChatStore(db);
    expect(store.lastSeq('c1')).toBe(10);
    expect(store.eventsAfter('c1', 8).map((e) => e.body)).toEqual(['b8', 'b9']);
  });

  it('given a failed insert, when the transaction rolls back, then the seq is not consumed', () => {
    store.append('c1', msg(visitor, 'm-1', 'a'));
    expect(() => store.append('c1', { ...msg(visitor, 'm-2', 'b'), type: 'message', data: { bad: 1n } as unknown as Record<string, unknown> })).toThrow();
    expect(store.lastSeq('c1')).toBe(1);
    expect(store.append('c1', msg(visitor, 'm-2', 'b')).event.seq).toBe(2);
  });

  it('given an unknown conversation, when appended to or marked read, then UnknownConversationError and nothing stored', () => {
    expect(() => store.append('nope', msg(visitor, 'm-1', 'a'))).toThrow(UnknownConversationError);
    expect(() => store.markRead('nope', visitor, 1)).toThrow(UnknownConversationError);
    expect(store.eventsAfter('nope', 0)).toEqual([]);
    expect(store.readMarks('nope')).toEqual([]);
  });

  it('given read marks, when a lower mark comes, then the stored mark stays at the maximum, per participant', () => {
    expect(store.readMarks('c1')).toEqual([]);
    expect(store.markRead('c1', visitor, 2)).toBe(2);
    expect(store.markRead('c1', visitor, 1)).toBe(2);
    expect(store.markRead('c1', agent, 1)).toBe(1);
    expect(store.markRead('c1', visitor, 4)).toBe(4);
    expect(store.markRead('c1', { id: 'v2', role: 'customer' }, -3)).toBe(0);
    expect(store.readMarks('c1')).toEqual([
      { participant: agent, upToSeq: 1 },
      { participant: visitor, upToSeq: 4 },
      { participant: { id: 'v2', role: 'customer' }, upToSeq: 0 },
    ]);
    expect(store.readMarks('c2')).toEqual([]);
  });
});

describe('migration 8', () => {
  it('given a version 7 database with journal rows, when migrated, then the rows keep their seq and the new uniqueness is per author', () => {
    const { dir, cleanup } = tempDir();
    try {
      const raw = new Database(join(dir, 'v7.db'));
      raw.pragma('foreign_keys = ON');
      for (const m of migrations.filter((x) => x.version <= 7)) raw.exec(m.sql);
      raw.pragma('user_version = 7');
      raw.prepare("INSERT INTO conversations (id, channel, status, created_at, updated_at, last_seq) VALUES ('c1', 'chat', 'open', 1, 1, 2)").run();
      raw.prepare("INSERT INTO conversation_events (conversation_id, seq, at, type, author_kind, author_id, client_msg_id, data) VALUES ('c1', 1, 1, 'message', 'customer', 'v1', 'm-1', 'null')").run();
      raw.prepare("INSERT INTO conversation_events (conversation_id, seq, at, type, author_kind, author_id, client_msg_id, data) VALUES ('c1', 2, 2, 'status', 'system', NULL, NULL, '{\"status\":\"open\"}')").run();
      migrate(raw);
      expect(raw.pragma('user_version', { simple: true })).toBe(8);
      const store = createSqliteChatStore(raw);
      expect(store.eventsAfter('c1', 0).map((e) => [e.seq, e.type, e.body, e.data])).toEqual([[1, 'message', null, null], [2, 'status', null, { status: 'open' }]]);
      expect(store.append('c1', msg({ id: 'a1', role: 'agent' }, 'm-1', 'same id, other author')).event.seq).toBe(3);
      expect(() => raw.prepare('DELETE FROM conversation_events').run()).toThrow(/append-only/);
      expect(() => raw.prepare("UPDATE conversation_events SET body = 'x'").run()).toThrow(/append-only/);
      raw.close();
    } finally {
      cleanup();
    }
  });
});

describe('chat gateway on the SQLite store, loopback', () => {
  const ORIGIN = 'https://shop.example';
  const tokens = visitorTokens('a-test-secret-that-is-long-enough-0123456789');
  type Frame = Record<string, unknown> & { type: string };
  const clock = fakeClock();

  /** Opens a socket, sends hello, and waits for welcome; `next(type)` waits for the next frame of a type. */
  async function join_(base: string, after?: number): Promise<{ ws: WebSocket; frames: Frame[]; next: (type: string) => Promise<Frame> }> {
    const token = tokens.sign({ conversationId: 'c1', visitorId: 'v1', widgetId: 'w1', expiresAt: clock.now() + 3600_000 });
    const ws = new WebSocket(`${base}/api/v1/chat/ws?conversation=c1&token=${encodeURIComponent(token)}`, { origin: ORIGIN });
    const frames: Frame[] = [];
    const waiters: { type: string; resolve: (f: Frame) => void }[] = [];
    ws.on('message', (data) => {
      const f = JSON.parse(data.toString()) as Frame;
      frames.push(f);
      const i = waiters.findIndex((w) => w.type === f.type);
      if (i >= 0) waiters.splice(i, 1)[0]!.resolve(f);
    });
    const next = (type: string) =>
      new Promise<Frame>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${type}; got ${JSON.stringify(frames)}`)), 2000);
        waiters.push({ type, resolve: (f) => (clearTimeout(timer), resolve(f)) });
      });
    await new Promise<void>((resolve, reject) => (ws.once('open', () => resolve()), ws.once('error', reject)));
    const welcome = next('welcome');
    ws.send(JSON.stringify({ v: 1, type: 'hello', ...(after !== undefined ? { after } : {}) }));
    await welcome;
    return { ws, frames, next };
  }
  const close = (ws: WebSocket) => new Promise<void>((resolve) => (ws.once('close', () => resolve()), ws.close()));

  it('given a visitor who saw up to seq 2, when they reconnect with after=2 (even after a restart), then exactly the missed events come, in order, then welcome', async () => {
    const { dir, cleanup } = tempDir();
    const file = join(dir, 'switchboard.db');
    let db = openDatabase(file);
    insertConversation(db, 'c1');
    const start = async (store: ChatStore) => {
      const gateway = createChatGateway({
        store,
        tokens,
        allowedOrigins: (widget) => (widget === 'w1' ? [ORIGIN] : []),
        now: clock.now,
        limits: { maxFrameBytes: 2048, rateBurst: 30, ratePerSec: 10, rateStrikes: 3 },
        keepaliveMs: 1000,
      });
      const app = Fastify().withTypeProvider<TypeBoxTypeProvider>();
      await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
      await app.register(gateway.routes, { prefix: '/api/v1' });
      const base = (await app.listen({ port: 0, host: '127.0.0.1' })).replace(/^http/, 'ws');
      return { app, gateway, base };
    };
    try {
      let { app, gateway, base } = await start(createSqliteChatStore(db));
      const first = await join_(base);
      for (const [id, body] of [['m-1', 'hello'], ['m-2', 'my order']]) {
        const ack = first.next('ack');
        first.ws.send(JSON.stringify({ v: 1, type: 'message', clientMsgId: id, body }));
        await ack;
      }
      await close(first.ws);
      gateway.publish('c1', { type: 'agent_joined', author: agent, clientMsgId: null, body: null, data: { name: 'Ann' }, at: clock.now() });
      gateway.publish('c1', { type: 'message', author: agent, clientMsgId: null, body: 'Hi! Looking.', data: null, at: clock.now() });

      // Restart: a new process on the same file.
      await app.close();
      db.close();
      db = openDatabase(file);
      ({ app, gateway, base } = await start(createSqliteChatStore(db)));

      const back = await join_(base, 2);
      expect(back.frames.map((f) => [f.type, f.seq ?? f.lastSeq])).toEqual([['event', 3], ['event', 4], ['welcome', 4]]);
      expect(back.frames[0]).toMatchObject({ kind: 'agent_joined', data: { name: 'Ann' }, author: agent });
      expect(back.frames[1]).toMatchObject({ kind: 'message', body: 'Hi! Looking.', data: null });
      // The lost-ack retry of m-2 after the restart: same seq, duplicate, nothing new stored.
      const ack = back.next('ack');
      back.ws.send(JSON.stringify({ v: 1, type: 'message', clientMsgId: 'm-2', body: 'my order' }));
      expect(await ack).toMatchObject({ seq: 2, duplicate: true });
      await close(back.ws);
      await app.close();
      expect(createSqliteChatStore(db).lastSeq('c1')).toBe(4);
    } finally {
      if (db.open) db.close();
      cleanup();
    }
  });
});
