import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TodayCounters } from '../../../src/services/stats-service.js';
import { emptySnapshot } from '../support/fake-acd-control.js';
import { bearer, buildTestApp, T0, type TestApp } from './support.js';

interface SseEvent { event: string; data: unknown; comment?: string }

/** Reads SSE frames (blank-line separated) off a fetch body. */
function sseReader(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    async next(): Promise<SseEvent> {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = frame.split('\n');
          const event = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? 'message';
          const data = lines.find((l) => l.startsWith('data: '))?.slice(6);
          const comment = lines.find((l) => l.startsWith(':'));
          return { event, data: data === undefined ? undefined : (JSON.parse(data) as unknown), ...(comment ? { comment } : {}) };
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += decoder.decode(value, { stream: true });
      }
    },
    cancel: () => reader.cancel(),
  };
}

const agentConfig = (id: string) => ({ id, name: id, endpoints: [], skills: {}, capacity: { voice: 1, chat: 3, email: 1, callback: 1 }, offerWhileBusy: { voice: [], chat: [], email: [], callback: [] } });

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
};

describe('the ACD live event stream (SSE)', () => {
  let t: TestApp;
  let base: string;
  let agentKey: string;

  beforeEach(async () => {
    t = await buildTestApp({ heartbeatMs: 50 });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    t.acd.config.putAgent(agentConfig('alice'));
    t.acd.control.queueSnapshots.set('support', emptySnapshot('support'));
    agentKey = t.keys.create('alice desk', 'agent', T0, 'alice').key;
  });
  afterEach(async () => {
    // After an aborted stream undici opens a spare connection that never sends a request;
    // server.close() would wait for it until undici's 4 s keep-alive timeout.
    const closing = t.close();
    t.app.server.closeAllConnections();
    await closing;
  });

  it('given an agent key, when it opens the stream, then a snapshot comes first, then pushed events, heartbeats, and closing unsubscribes', async () => {
    const controller = new AbortController();
    const res = await fetch(`${base}/api/v1/acd/events`, { headers: bearer(agentKey), signal: controller.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const stream = sseReader(res.body as ReadableStream<Uint8Array>);

    const first = await stream.next();
    expect(first.event).toBe('snapshot');
    expect(first.data).toMatchObject({ agents: [{ id: 'alice', status: 'loggedOut' }], queues: [{ queueId: 'support', waiting: 0 }] });
    await until(() => t.acd.control.listenerCount === 1);

    const view = t.acd.control.login('alice', 'test');
    t.acd.control.emit({ type: 'agent', at: T0 + 1000, agent: view });
    t.acd.control.emit({ type: 'journal', at: T0 + 2000, event: 'acd.login', agentId: 'alice', data: { by: 'test' } });
    let next = await stream.next();
    while (next.comment) next = await stream.next();
    expect(next).toEqual({ event: 'agent', data: { type: 'agent', at: new Date(T0 + 1000).toISOString(), agent: expect.objectContaining({ id: 'alice', status: 'available' }) as unknown } });
    next = await stream.next();
    while (next.comment) next = await stream.next();
    expect(next).toEqual({ event: 'journal', data: { type: 'journal', at: new Date(T0 + 2000).toISOString(), event: 'acd.login', agentId: 'alice', data: { by: 'test' } } });

    let heartbeat = await stream.next();
    while (!heartbeat.comment) heartbeat = await stream.next();
    expect(heartbeat.comment).toBe(': heartbeat');
    controller.abort();
    await until(() => t.acd.control.listenerCount === 0);
  });

  it('given no key, when the stream is opened, then it is 401 in the error shape', async () => {
    const res = await fetch(`${base}/api/v1/acd/events`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 'unauthorized' });
    expect(t.acd.control.listenerCount).toBe(0);
  });

  it('given an open stream, when the server closes, then the stream ends and the listener is removed', async () => {
    const res = await fetch(`${base}/api/v1/acd/events`, { headers: bearer(agentKey) });
    const stream = sseReader(res.body as ReadableStream<Uint8Array>);
    await stream.next();
    await t.app.close();
    expect(t.acd.control.listenerCount).toBe(0);
    await expect(async () => {
      for (;;) await stream.next();
    }).rejects.toThrow();
  });
});

describe('the OpenAPI document', () => {
  it('lists every ACD route under the acd tag, the event stream as text/event-stream with its description', async () => {
    const t = await buildTestApp();
    try {
      const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json<{
        paths: Record<string, Record<string, { tags?: string[]; description?: string; responses: Record<string, { content?: Record<string, unknown> }> }>>;
      }>();
      const acdPaths = [
        '/api/v1/skills', '/api/v1/skills/{id}', '/api/v1/agents', '/api/v1/agents/{id}', '/api/v1/agents/{id}/login', '/api/v1/agents/{id}/logout',
        '/api/v1/agents/{id}/pause', '/api/v1/agents/{id}/unpause', '/api/v1/agents/{id}/wrapup/end', '/api/v1/agents/{id}/wrapup/extend',
        '/api/v1/queues', '/api/v1/queues/{id}', '/api/v1/queues/live', '/api/v1/queues/{id}/live', '/api/v1/pause-reasons', '/api/v1/pause-reasons/{code}',
        '/api/v1/interactions/{id}/routing', '/api/v1/acd/events', '/api/v1/acd/journal',
      ];
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(acdPaths));
      for (const path of acdPaths) for (const op of Object.values(doc.paths[path] ?? {})) expect(op.tags, path).toEqual(['acd']);
      const events = doc.paths['/api/v1/acd/events']?.get;
      expect(events?.description).toMatch(/Server-Sent Events/);
      expect(Object.keys(events?.responses['200']?.content ?? {})).toEqual(['text/event-stream']);
    } finally {
      await t.close();
    }
  });

  it("given today's counters feed, when a queue's counters change, then the snapshot carries them and a today event follows", async () => {
    const listeners = new Set<(c: TodayCounters) => void>();
    const counters = (offered: number): TodayCounters => ({ queueId: 'support', since: T0, offered, answered: 0, abandoned: 0, waiting: offered, answeredInSl: 0, serviceLevel: null, slSec: 20 });
    const feed = { current: () => [counters(1)], subscribe: (l: (c: TodayCounters) => void) => (listeners.add(l), () => void listeners.delete(l)) };
    const withFeed = await buildTestApp({ heartbeatMs: 60_000, today: feed });
    await withFeed.app.listen({ port: 0, host: '127.0.0.1' });
    withFeed.acd.control.queueSnapshots.set('support', emptySnapshot('support'));
    const key = withFeed.keys.create('wall', 'supervisor', T0).key;
    const controller = new AbortController();
    try {
      const res = await fetch(`http://127.0.0.1:${(withFeed.app.server.address() as AddressInfo).port}/api/v1/acd/events`, { headers: bearer(key), signal: controller.signal });
      const stream = sseReader(res.body as ReadableStream<Uint8Array>);
      expect((await stream.next()).data).toMatchObject({ queues: [{ queueId: 'support', today: { offered: 1, since: new Date(T0).toISOString() } }] });
      await until(() => listeners.size === 1);
      for (const l of listeners) l(counters(2));
      expect(await stream.next()).toEqual({ event: 'today', data: { type: 'today', queueId: 'support', today: { since: new Date(T0).toISOString(), offered: 2, answered: 0, abandoned: 0, waiting: 2, answeredInSl: 0, serviceLevel: null, slSec: 20 } } });
      controller.abort();
      await until(() => listeners.size === 0);
    } finally {
      const closing = withFeed.close();
      withFeed.app.server.closeAllConnections();
      await closing;
    }
  });
});
