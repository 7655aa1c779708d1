import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface RecordedRequest {
  method: string;
  /** Path without the query string, as sent (still percent-encoded). */
  rawPath: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface RecordedUpgrade {
  url: URL;
  headers: IncomingMessage['headers'];
}

export type FakeHandler = (req: RecordedRequest, res: ServerResponse) => void;

/**
 * An in-process stand-in for Asterisk's ARI on 127.0.0.1: REST requests are recorded and answered
 * by `handler`; /ari/events upgrades go to a `ws` server whose pong behaviour the test chooses.
 */
export interface FakeAriServer {
  url: string;
  requests: RecordedRequest[];
  upgrades: RecordedUpgrade[];
  /** Server-side sockets of the event connections, newest last. */
  sockets: WebSocket[];
  handler: FakeHandler;
  /** When set, /ari/events upgrades are refused with this HTTP status (401: bad credentials). */
  refuseUpgrades: number | null;
  /** Resolves with the next event socket not yet handed out, waiting for one to connect if needed. */
  nextSocket(): Promise<WebSocket>;
  close(): Promise<void>;
}

export async function startFakeAri(options: { autoPong?: boolean; handler?: FakeHandler } = {}): Promise<FakeAriServer> {
  const waiting: ((ws: WebSocket) => void)[] = [];
  const pending: WebSocket[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = req.url ?? '/';
      const q = raw.indexOf('?');
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        rawPath: q === -1 ? raw : raw.slice(0, q),
        query: new URLSearchParams(q === -1 ? '' : raw.slice(q + 1)),
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      fake.requests.push(recorded);
      fake.handler(recorded, res);
    });
  });
  const wss = new WebSocketServer({ noServer: true, autoPong: options.autoPong ?? true });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    fake.upgrades.push({ url, headers: req.headers });
    if (url.pathname !== '/ari/events') {
      socket.destroy();
      return;
    }
    if (fake.refuseUpgrades !== null) {
      socket.end(`HTTP/1.1 ${fake.refuseUpgrades} Refused\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      fake.sockets.push(ws);
      const resolve = waiting.shift();
      if (resolve) resolve(ws);
      else pending.push(ws);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const fake: FakeAriServer = {
    url: `http://127.0.0.1:${port}`,
    requests: [],
    upgrades: [],
    sockets: [],
    refuseUpgrades: null,
    handler:
      options.handler ??
      ((_req, res) => {
        res.writeHead(204).end();
      }),
    nextSocket: () => {
      const ws = pending.shift();
      return ws ? Promise.resolve(ws) : new Promise((resolve) => waiting.push(resolve));
    },
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}

export const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

/** Polls until the predicate holds or the timeout passes. */
export async function waitFor(predicate: () => boolean, timeoutMs = 2_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
