import websocket from '@fastify/websocket';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { createChatGateway, type ChatGateway } from '../../../src/adapters/chat/chat-gateway.js';
import { memoryChatStore } from '../../../src/adapters/chat/memory-chat-store.js';
import { visitorTokens } from '../../../src/adapters/chat/visitor-token.js';
import type { ChatStore } from '../../../src/ports/chat-store.js';
import { fakeClock } from '../support/helpers.js';

// The gateway on a real socket: Fastify listening on loopback port 0, the `ws` client a browser
// widget would be, the in-memory store.

const ORIGIN = 'https://shop.example';
const tokens = visitorTokens('a-test-secret-that-is-long-enough-0123456789');
type Frame = Record<string, unknown> & { type: string };

/** A ws client that keeps every frame it got, and waits for the next ones. */
class Client {
  readonly frames: Frame[] = [];
  private waiters: (() => void)[] = [];
  closed: Promise<{ code: number; reason: string }>;
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()) as Frame);
      for (const w of this.waiters.splice(0)) w();
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }
  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }
  /** Resolves with the frames received from index `from` up to and including the first matching one. */
  async until(match: (f: Frame) => boolean, from = 0): Promise<Frame[]> {
    for (;;) {
      const i = this.frames.findIndex((f, k) => k >= from && match(f));
      if (i >= 0) return this.frames.slice(from, i + 1);
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out; got ${JSON.stringify(this.frames)}`)), 2000);
        this.waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }
  /** Sends and waits for the reply frame of the given type that comes after it. */
  async request(frame: unknown, type: string): Promise<Frame> {
    const from = this.frames.length;
    this.send(frame);
    return (await this.until((f) => f.type === type, from)).at(-1)!;
  }
  close(): Promise<unknown> {
    this.ws.close();
    return this.closed;
  }
}

describe('chat gateway on loopback', () => {
  let app: FastifyInstance;
  let gateway: ChatGateway;
  let store: ChatStore;
  let base: string;
  const clock = fakeClock();

  beforeEach(async () => {
    store = memoryChatStore();
    gateway = createChatGateway({
      store,
      tokens,
      allowedOrigins: (widget) => (widget === 'w1' ? [ORIGIN] : []),
      now: clock.now,
      limits: { maxFrameBytes: 2048, rateBurst: 30, ratePerSec: 10, rateStrikes: 3 },
      keepaliveMs: 50,
    });
    app = Fastify().withTypeProvider<TypeBoxTypeProvider>();
    await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
    await app.register(gateway.routes, { prefix: '/api/v1' });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    base = address.replace(/^http/, 'ws');
  });

  afterEach(async () => {
    await app.close();
  });

  const tokenFor = (conversationId = 'c1', visitorId = 'v1', widgetId = 'w1') =>
    tokens.sign({ conversationId, visitorId, widgetId, expiresAt: clock.now() + 3600_000 });

  function connect(opts: { conversation?: string; token?: string; origin?: string | null } = {}): Promise<Client> {
    const url = `${base}/api/v1/chat/ws?conversation=${opts.conversation ?? 'c1'}&token=${encodeURIComponent(opts.token ?? tokenFor())}`;
    const ws = new WebSocket(url, opts.origin === null ? {} : { origin: opts.origin ?? ORIGIN });
    const client = new Client(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { statusCode: res.statusCode })));
    });
  }

  async function joined(after?: number, opts: Parameters<typeof connect>[0] = {}): Promise<{ client: Client; replay: Frame[] }> {
    const client = await connect(opts);
    client.send({ v: 1, type: 'hello', ...(after !== undefined ? { after } : {}) });
    const replay = await client.until((f) => f.type === 'welcome');
    return { client, replay };
  }

  const say = (client: Client, clientMsgId: string, body: string) => client.request({ v: 1, type: 'message', clientMsgId, body }, 'ack');

  it('given a visitor who saw up to seq 2, when they reconnect with after=2, then exactly the events they missed come, in order, then welcome', async () => {
    const { client } = await joined();
    expect((await say(client, 'm-1', 'hello')).seq).toBe(1);
    expect((await say(client, 'm-2', 'my order')).seq).toBe(2);
    await client.close();

    // While away: the agent answers, and the visitor's other tab sends one.
    gateway.publish('c1', { type: 'agent_joined', author: { id: 'a1', role: 'agent' }, clientMsgId: null, body: null, data: { name: 'Ann' }, at: clock.now() });
    gateway.publish('c1', { type: 'message', author: { id: 'a1', role: 'agent' }, clientMsgId: null, body: 'Hi! Looking.', data: null, at: clock.now() });
    const { client: tab } = await joined(2);
    await say(tab, 'm-3', 'thanks');
    await tab.close();

    const { client: back, replay } = await joined(2);
    expect(replay.map((f) => [f.type, f.seq ?? f.lastSeq])).toEqual([['event', 3], ['event', 4], ['event', 5], ['welcome', 5]]);
    expect(replay[0]).toMatchObject({ kind: 'agent_joined', data: { name: 'Ann' } });
    expect(replay[2]).toMatchObject({ kind: 'message', clientMsgId: 'm-3', body: 'thanks', author: { id: 'v1', role: 'customer' } });
    await back.close();
  });

  it('given a message was stored but its ack lost, when it is resent with the same clientMsgId (same socket and after a reconnect), then the same seq and one stored message', async () => {
    const { client } = await joined();
    const first = await say(client, 'm-1', 'hello');
    const again = await say(client, 'm-1', 'hello');
    await client.close();
    const { client: back } = await joined(0);
    const afterReconnect = await say(back, 'm-1', 'hello');
    expect([first, again, afterReconnect].map((a) => [a.seq, a.duplicate])).toEqual([[1, false], [1, true], [1, true]]);
    expect(store.eventsAfter('c1', 0)).toHaveLength(1);
    await back.close();
  });

  it('given two tabs, when one sends a message and types, then the other gets the event and the typing, and typing is not stored', async () => {
    const { client: a } = await joined();
    const { client: b } = await joined();
    a.send({ v: 1, type: 'typing' });
    expect((await b.until((f) => f.type === 'typing')).at(-1)).toEqual({ v: 1, type: 'typing', participant: { id: 'v1', role: 'customer' }, active: true });
    await say(a, 'm-1', 'hi');
    expect((await b.until((f) => f.type === 'event')).at(-1)).toMatchObject({ seq: 1, clientMsgId: 'm-1', body: 'hi' });
    expect(a.frames.filter((f) => f.type === 'event' || f.type === 'typing')).toEqual([]);
    expect(store.lastSeq('c1')).toBe(1);
    await Promise.all([a.close(), b.close()]);
  });

  it('given a read mark at 2, when a stale read of 1 comes, then the mark stays at 2 and the next welcome shows it', async () => {
    const { client } = await joined();
    await say(client, 'm-1', 'a');
    await say(client, 'm-2', 'b');
    client.send({ v: 1, type: 'read', upToSeq: 2 });
    client.send({ v: 1, type: 'read', upToSeq: 1 });
    await client.request({ v: 1, type: 'ping', id: 'sync' }, 'pong');
    expect(store.readMarks('c1')).toEqual([{ participant: { id: 'v1', role: 'customer' }, upToSeq: 2 }]);
    await client.close();
    const { client: back, replay } = await joined(2);
    expect(replay.at(-1)).toMatchObject({ type: 'welcome', lastSeq: 2, readMarks: [{ participant: { id: 'v1', role: 'customer' }, upToSeq: 2 }] });
    await back.close();
  });

  it('given a peer that stops answering pings, when two keepalive pings go unanswered, then the server terminates the socket', async () => {
    const client = await new Promise<Client>((resolve, reject) => {
      const ws = new WebSocket(`${base}/api/v1/chat/ws?conversation=c1&token=${encodeURIComponent(tokenFor())}`, { origin: ORIGIN, autoPong: false });
      ws.once('open', () => resolve(new Client(ws)));
      ws.once('error', reject);
    });
    expect((await client.closed).code).toBe(1006);
    // The client sees the TCP end first; the server's close handler runs a moment later.
    await vi.waitFor(() => expect(gateway.connectionCount('c1')).toBe(0));
  });

  it.each([
    ['another origin', { origin: 'https://evil.example' }, 403],
    ['no Origin header', { origin: null }, 403],
    ['a token for another conversation', { conversation: 'c2' }, 403],
    ['a forged token', { token: tokenFor().slice(0, -2) + 'xx' }, 401],
    ['an expired token', { token: tokens.sign({ conversationId: 'c1', visitorId: 'v1', widgetId: 'w1', expiresAt: clock.now() - 1 }) }, 401],
  ])('given %s, when the socket opens, then the upgrade is refused with HTTP %i', async (_, opts, status) => {
    await expect(connect(opts)).rejects.toMatchObject({ statusCode: status });
  });

  it.each([
    ['over the chat limit', 4000, 1009],
    ['over the server maxPayload', 100_000, 1009],
  ])('given a frame %s, when it is sent, then the socket is closed with %i and nothing is stored', async (_, size, code) => {
    const { client } = await joined();
    client.send({ v: 1, type: 'message', clientMsgId: 'big', body: 'x'.repeat(size) });
    expect((await client.closed).code).toBe(code);
    expect(store.lastSeq('c1')).toBe(0);
  });

  it('given a flood of frames, when the bucket is empty, then rate_limited errors, then close 1008', async () => {
    const { client } = await joined();
    for (let i = 0; i < 40; i++) client.send({ v: 1, type: 'ping' });
    expect((await client.closed).code).toBe(1008);
    expect(client.frames.filter((f) => f.code === 'rate_limited').length).toBeGreaterThanOrEqual(2);
  });

  it('given bad frames, when sent, then typed error frames and the socket stays open', async () => {
    const { client } = await joined();
    expect(await client.request('not json', 'error')).toMatchObject({ code: 'bad_json' });
    expect(await client.request({ v: 7, type: 'hello' }, 'error')).toMatchObject({ code: 'bad_version' });
    expect(await client.request({ v: 1, type: 'shout' }, 'error')).toMatchObject({ code: 'unknown_type' });
    expect(await client.request({ v: 1, type: 'message', body: 'x' }, 'error')).toMatchObject({ code: 'invalid_frame' });
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    await client.close();
  });

  it('given a conversation with history, when REST is asked with after=1, then it returns the same frames the replay sends', async () => {
    const { client } = await joined();
    await say(client, 'm-1', 'one');
    await say(client, 'm-2', 'two');
    gateway.publish('c1', { type: 'message', author: { id: 'a1', role: 'agent' }, clientMsgId: null, body: '<b>three</b>', data: null, at: clock.now() });
    await client.close();
    const { client: back, replay } = await joined(1);
    await back.close();

    const http = base.replace(/^ws/, 'http');
    const res = await fetch(`${http}/api/v1/chat/conversations/c1/messages?after=1`, { headers: { authorization: `Bearer ${tokenFor()}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { events: Frame[]; lastSeq: number; hasMore: boolean };
    expect(body.events).toEqual(replay.filter((f) => f.type === 'event'));
    expect(body).toMatchObject({ conversationId: 'c1', lastSeq: 3, hasMore: false });

    const paged = await fetch(`${http}/api/v1/chat/conversations/c1/messages?after=0&limit=2&token=${encodeURIComponent(tokenFor())}`);
    expect(await paged.json()).toMatchObject({ hasMore: true, events: [{ seq: 1 }, { seq: 2 }] });

    const other = await fetch(`${http}/api/v1/chat/conversations/c2/messages`, { headers: { authorization: `Bearer ${tokenFor()}` } });
    expect(other.status).toBe(403);
    const foreign = await fetch(`${http}/api/v1/chat/conversations/c1/messages`, { headers: { authorization: `Bearer ${tokenFor()}`, origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
  });
});
