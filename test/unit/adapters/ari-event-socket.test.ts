import { afterEach, describe, expect, it } from 'vitest';
import { startAriEventSocket, type AriEventSocketOptions } from '../../../src/adapters/ari/ari-event-socket.js';
import type { AriEvent } from '../../../src/adapters/ari/ari-types.generated.js';
import { json, startFakeAri, waitFor, type FakeAriServer } from '../support/fake-ari-server.js';
import { silentLogger } from '../support/helpers.js';

const stasisEnd = (id: string) =>
  JSON.stringify({
    type: 'StasisEnd',
    application: 'switchboard',
    timestamp: '2026-11-23T02:57:26.626+0000',
    channel: { id, name: 'PJSIP/trunk-1', state: 'Up', caller: { name: '', number: '1001' }, connected: { name: '', number: '' }, accountcode: '', dialplan: { context: 'c', exten: 's', priority: 1, app_name: '', app_data: '' }, creationtime: '2026-11-23T02:57:20.000+0000', language: 'en', protocol_id: '' },
  });

/** Records everything the socket reports. */
function recorder() {
  const r = {
    events: [] as AriEvent[],
    connected: [] as { reconnect: boolean; downtimeMs: number }[],
    disconnected: [] as string[],
    throwOnEvent: false,
    handlers: {
      onEvent: (e: AriEvent) => {
        r.events.push(e);
        if (r.throwOnEvent) throw new Error('handler bug');
      },
      onConnected: (info: { reconnect: boolean; downtimeMs: number }) => void r.connected.push(info),
      onDisconnected: (reason: string) => void r.disconnected.push(reason),
    },
  };
  return r;
}

describe('ARI event socket against a fake ARI on loopback', () => {
  let ari: FakeAriServer | undefined;
  let socket: { close(): Promise<void>; connected(): boolean } | undefined;
  afterEach(async () => {
    await socket?.close();
    await ari?.close();
    socket = ari = undefined;
  });

  const start = (server: FakeAriServer, over: Partial<AriEventSocketOptions> = {}) => {
    const rec = recorder();
    socket = startAriEventSocket(
      { url: server.url, user: 'switchboard', password: 'pw', app: 'switchboard', logger: silentLogger(), backoffBaseMs: 10, backoffCapMs: 20, ...over },
      rec.handlers,
    );
    return rec;
  };

  it('given ARI is up, when the socket starts, then it connects to /ari/events with app= and Basic auth, and reports a first connect', async () => {
    ari = await startFakeAri();
    const rec = start(ari);
    await ari.nextSocket();
    await waitFor(() => rec.connected.length === 1, 2_000, 'onConnected');
    const upgrade = ari.upgrades[0];
    expect(upgrade?.url.pathname).toBe('/ari/events');
    expect(upgrade?.url.searchParams.get('app')).toBe('switchboard,switchboard-endpoints');
    expect(upgrade?.url.searchParams.has('api_key')).toBe(false);
    expect(upgrade?.headers.authorization).toBe('Basic ' + Buffer.from('switchboard:pw').toString('base64'));
    expect(rec.connected[0]?.reconnect).toBe(false);
    expect(socket?.connected()).toBe(true);
  });

  it('given a connected socket, when ARI sends known events, junk frames and unknown types, then only the known events are delivered, in order', async () => {
    ari = await startFakeAri();
    const rec = start(ari);
    const server = await ari.nextSocket();
    server.send(stasisEnd('c1'));
    server.send('this is not json');
    server.send(JSON.stringify({ type: 'SomethingFromAsterisk23', application: 'switchboard' }));
    server.send(JSON.stringify({ no: 'type' }));
    server.send('[1,2,3]');
    server.send(stasisEnd('c2'));
    await waitFor(() => rec.events.length === 2, 2_000, 'two events');
    expect(rec.events.map((e) => (e as { channel: { id: string } }).channel.id)).toEqual(['c1', 'c2']);
    expect(rec.disconnected).toEqual([]);
    expect(socket?.connected()).toBe(true);
  });

  it('given a handler that throws, when events arrive, then the socket stays up and keeps delivering', async () => {
    ari = await startFakeAri();
    const rec = start(ari);
    rec.throwOnEvent = true;
    const server = await ari.nextSocket();
    server.send(stasisEnd('c1'));
    server.send(stasisEnd('c2'));
    await waitFor(() => rec.events.length === 2, 2_000, 'two events');
    expect(socket?.connected()).toBe(true);
  });

  it('given a connected socket, when ARI closes the connection, then it reports the disconnect, reconnects by itself and reports reconnect=true', async () => {
    ari = await startFakeAri();
    const rec = start(ari);
    const first = await ari.nextSocket();
    await waitFor(() => rec.connected.length === 1, 2_000, 'first connect');
    first.close(1001, 'Asterisk restarting');
    const second = await ari.nextSocket();
    await waitFor(() => rec.connected.length === 2, 2_000, 'reconnect');
    expect(rec.disconnected).toEqual(['closed 1001']);
    expect(rec.connected[1]?.reconnect).toBe(true);
    expect(rec.connected[1]?.downtimeMs).toBeGreaterThanOrEqual(0);
    second.send(stasisEnd('after'));
    await waitFor(() => rec.events.length === 1, 2_000, 'event after reconnect');
  });

  it('given ARI is not listening yet, when it comes up, then the socket keeps retrying and connects', async () => {
    const { createServer } = await import('node:net');
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const rec = recorder();
    socket = startAriEventSocket(
      // A bare websocket server answers no REST: leave the endpoint subscription out.
      { url: `http://127.0.0.1:${port}`, user: 'u', password: 'p', app: 'switchboard', logger: silentLogger(), backoffBaseMs: 10, backoffCapMs: 20, watchEndpoints: false },
      rec.handlers,
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(rec.connected).toEqual([]);
    expect(socket.connected()).toBe(false);
    // Bring a server up on the port the client keeps dialling.
    const { createServer: createHttp } = await import('node:http');
    const { WebSocketServer } = await import('ws');
    const http = createHttp();
    const wss = new WebSocketServer({ server: http });
    await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
    try {
      await waitFor(() => rec.connected.length === 1, 3_000, 'connect once ARI is up');
      expect(rec.connected[0]?.reconnect).toBe(false);
    } finally {
      await socket.close();
      socket = undefined;
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
  });

  it('given ARI stops answering pings, when the pong timeout passes, then the client drops the socket and reconnects', async () => {
    ari = await startFakeAri({ autoPong: false });
    const rec = start(ari, { pingIntervalMs: 40, pongTimeoutMs: 80 });
    const first = await ari.nextSocket();
    let pings = 0;
    first.on('ping', () => pings++);
    await waitFor(() => rec.connected.length === 1, 2_000, 'first connect');
    await ari.nextSocket();
    await waitFor(() => rec.connected.length === 2, 2_000, 'reconnect after missed pong');
    expect(pings).toBeGreaterThanOrEqual(1);
    expect(rec.disconnected).toHaveLength(1);
    expect(rec.connected[1]?.reconnect).toBe(true);
  });

  it('given ARI answers pings, when several ping intervals pass, then the socket stays connected', async () => {
    ari = await startFakeAri({ autoPong: true });
    const rec = start(ari, { pingIntervalMs: 30, pongTimeoutMs: 60 });
    await ari.nextSocket();
    await new Promise((r) => setTimeout(r, 300));
    expect(rec.connected).toHaveLength(1);
    expect(rec.disconnected).toEqual([]);
  });

  it('given ARI refuses the credentials (401), when the socket starts, then it never reports a connection and keeps retrying until ARI accepts', async () => {
    ari = await startFakeAri();
    ari.refuseUpgrades = 401;
    const rec = start(ari);
    const server = ari;
    await waitFor(() => server.upgrades.length >= 3, 2_000, 'several refused attempts');
    expect(rec.connected).toEqual([]);
    expect(rec.disconnected).toEqual([]);
    server.refuseUpgrades = null;
    await waitFor(() => rec.connected.length === 1, 2_000, 'connect once accepted');
    expect(rec.connected[0]?.reconnect).toBe(false);
  });

  it('given a connected socket, when closed by the owner, then it does not reconnect', async () => {
    ari = await startFakeAri();
    const rec = start(ari);
    await ari.nextSocket();
    await waitFor(() => rec.connected.length === 1, 2_000, 'connect');
    await socket?.close();
    expect(socket?.connected()).toBe(false);
    await new Promise((r) => setTimeout(r, 100));
    expect(ari.upgrades).toHaveLength(1);
  });

  describe('endpoint state events', () => {
    const endpointStateChange = (application: string) =>
      JSON.stringify({
        type: 'EndpointStateChange',
        application,
        timestamp: '2026-11-23T02:57:26.626+0000',
        endpoint: { technology: 'PJSIP', resource: '1001', state: 'online', channel_ids: [] },
      });
    const sent = (server: FakeAriServer) => server.requests.map((r) => `${r.method} ${r.rawPath}?${r.query.toString()}`);

    it('given a connect, when the socket opens, then the companion app gets its EndpointStateChange-only filter, then endpoint:PJSIP, before onConnected', async () => {
      ari = await startFakeAri();
      const server = ari;
      let requestsAtConnect = -1;
      const rec = start(server);
      const original = rec.handlers.onConnected;
      rec.handlers.onConnected = (info) => {
        requestsAtConnect = server.requests.length;
        original(info);
      };
      await server.nextSocket();
      await waitFor(() => rec.connected.length === 1, 2_000, 'onConnected');
      expect(sent(server)).toEqual([
        'PUT /ari/applications/switchboard-endpoints/eventFilter?',
        'GET /ari/applications/switchboard-endpoints?',
        'POST /ari/applications/switchboard-endpoints/subscription?eventSource=endpoint%3APJSIP',
      ]);
      expect(JSON.parse(server.requests[0]!.body)).toEqual({ allowed: [{ type: 'EndpointStateChange' }] });
      expect(requestsAtConnect).toBe(3);
    });

    it('given the companion is still subscribed (Asterisk kept it across the reconnect), when the socket opens, then it does not subscribe again (subscriptions are counted)', async () => {
      ari = await startFakeAri({
        handler: (req, res) => {
          if (req.method === 'GET') return json(res, 200, { name: 'switchboard-endpoints', endpoint_ids: ['PJSIP'], channel_ids: [], bridge_ids: [], device_names: [], events_allowed: [], events_disallowed: [] });
          res.writeHead(204).end();
        },
      });
      const server = ari;
      const rec = start(server);
      await server.nextSocket();
      await waitFor(() => rec.connected.length === 1, 2_000, 'onConnected');
      expect(server.requests.map((r) => r.method)).toEqual(['PUT', 'GET']);
    });

    it('given a reconnect, when the socket opens again, then the filter and subscription are set again (Asterisk may have restarted)', async () => {
      ari = await startFakeAri();
      const rec = start(ari);
      const first = await ari.nextSocket();
      await waitFor(() => rec.connected.length === 1, 2_000, 'first connect');
      first.close(1001, 'restart');
      await ari.nextSocket();
      await waitFor(() => rec.connected.length === 2, 2_000, 'reconnect');
      expect(ari.requests.map((r) => r.method)).toEqual(['PUT', 'GET', 'POST', 'PUT', 'GET', 'POST']);
    });

    it('given events of both apps, when they arrive, then the companion only contributes EndpointStateChange', async () => {
      ari = await startFakeAri();
      const rec = start(ari);
      const server = await ari.nextSocket();
      server.send(endpointStateChange('switchboard-endpoints'));
      server.send(stasisEnd('leaked-duplicate').replace('"application":"switchboard"', '"application":"switchboard-endpoints"'));
      server.send(stasisEnd('c1'));
      await waitFor(() => rec.events.length === 2, 2_000, 'two events');
      await new Promise((r) => setTimeout(r, 50));
      expect(rec.events.map((e) => `${e.application} ${e.type}`)).toEqual(['switchboard-endpoints EndpointStateChange', 'switchboard StasisEnd']);
    });

    it('given the filter is refused, when the socket opens, then it does not subscribe (that would duplicate channel events), reports the connect and retries', async () => {
      let refusals = 1;
      ari = await startFakeAri({
        handler: (req, res) => {
          if (req.method === 'PUT' && refusals > 0) {
            refusals--;
            res.writeHead(500).end('{"message":"boom"}');
            return;
          }
          res.writeHead(204).end();
        },
      });
      const server = ari;
      const rec = start(server, { endpointRetryMs: 20 });
      await server.nextSocket();
      await waitFor(() => rec.connected.length === 1, 2_000, 'onConnected despite the failure');
      await waitFor(() => server.requests.length === 4, 2_000, 'the retry');
      expect(server.requests.map((r) => r.method)).toEqual(['PUT', 'PUT', 'GET', 'POST']);
      await new Promise((r) => setTimeout(r, 100));
      expect(server.requests).toHaveLength(4); // no retry once it worked
      expect(rec.connected).toHaveLength(1);
    });

    it('given a connected socket, when closed by the owner, then the companion app is unsubscribed so that Asterisk can drop it', async () => {
      ari = await startFakeAri();
      const server = ari;
      const rec = start(server);
      await server.nextSocket();
      await waitFor(() => rec.connected.length === 1, 2_000, 'connect');
      await socket?.close();
      expect(sent(server).at(-1)).toBe('DELETE /ari/applications/switchboard-endpoints/subscription?eventSource=endpoint%3APJSIP');
    });

    it('given a predecessor left several subscriptions, when closed, then it unsubscribes until none is left', async () => {
      let left = 3;
      ari = await startFakeAri({
        handler: (req, res) => {
          if (req.method === 'DELETE') left--;
          if (req.method === 'DELETE' || req.method === 'GET') {
            return json(res, 200, { name: 'switchboard-endpoints', endpoint_ids: left > 0 ? ['PJSIP'] : [], channel_ids: [], bridge_ids: [], device_names: [], events_allowed: [], events_disallowed: [] });
          }
          res.writeHead(204).end();
        },
      });
      const server = ari;
      const rec = start(server);
      await server.nextSocket();
      await waitFor(() => rec.connected.length === 1, 2_000, 'connect');
      await socket?.close();
      expect(server.requests.filter((r) => r.method === 'DELETE')).toHaveLength(3);
    });

    it('given watchEndpoints false, when the socket connects, then it registers only the app and sends no request', async () => {
      ari = await startFakeAri();
      const rec = start(ari, { watchEndpoints: false });
      await ari.nextSocket();
      await waitFor(() => rec.connected.length === 1, 2_000, 'onConnected');
      expect(ari.upgrades[0]?.url.searchParams.get('app')).toBe('switchboard');
      expect(ari.requests).toEqual([]);
    });
  });
});
