import type { Logger } from 'pino';
import WebSocket from 'ws';
import { ARI_EVENT_TYPES, type AriEvent } from './ari-types.generated.js';

export interface AriEventSocketOptions {
  url: string;
  user: string;
  password: string;
  app: string;
  logger: Logger;
  /** Ping interval; a socket that misses a pong for pongTimeoutMs is torn down and redialled. */
  pingIntervalMs?: number;
  pongTimeoutMs?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
}

export interface AriEventSocketHandlers {
  onEvent(event: AriEvent): void;
  /** Called on every (re)connect, after the app is registered: the place to reconcile. */
  onConnected(info: { reconnect: boolean; downtimeMs: number }): void;
  onDisconnected(reason: string): void;
}

const KNOWN_EVENTS = new Set<string>(ARI_EVENT_TYPES);

// ARI drops every event while the app is disconnected and sends no StasisStart for channels already
// in the app when it comes back, so this socket never gives up (unlike ari-client, which stops
// after ~43 s) and reports each reconnect so the owner can reconcile.
export function startAriEventSocket(options: AriEventSocketOptions, handlers: AriEventSocketHandlers): { close(): Promise<void>; connected(): boolean } {
  const log = options.logger;
  const pingIntervalMs = options.pingIntervalMs ?? 15_000;
  const pongTimeoutMs = options.pongTimeoutMs ?? 10_000;
  const base = options.backoffBaseMs ?? 250;
  const cap = options.backoffCapMs ?? 15_000;
  const wsUrl = new URL(options.url.replace(/\/+$/, '') + '/ari/events');
  wsUrl.protocol = wsUrl.protocol === 'https:' ? 'wss:' : 'ws:';
  wsUrl.searchParams.set('app', options.app);
  const authorization = 'Basic ' + Buffer.from(`${options.user}:${options.password}`).toString('base64');

  let socket: WebSocket | null = null;
  let closed = false;
  let isOpen = false;
  let attempt = 0;
  let everConnected = false;
  let downSince = Date.now();
  let retryTimer: NodeJS.Timeout | null = null;
  let pingTimer: NodeJS.Timeout | null = null;
  let pongTimer: NodeJS.Timeout | null = null;

  const clearTimers = () => {
    if (pingTimer) clearInterval(pingTimer);
    if (pongTimer) clearTimeout(pongTimer);
    pingTimer = pongTimer = null;
  };

  const scheduleReconnect = () => {
    if (closed || retryTimer) return;
    // Full jitter: a fleet of servers reconnecting to a restarted Asterisk spreads out.
    const delay = Math.round(Math.random() * Math.min(cap, base * 2 ** Math.min(attempt, 16)));
    attempt++;
    log.debug({ delay, attempt }, 'ari: reconnecting');
    retryTimer = setTimeout(() => {
      retryTimer = null;
      connect();
    }, delay);
  };

  const connect = () => {
    if (closed) return;
    const ws = new WebSocket(wsUrl, { headers: { authorization }, handshakeTimeout: 5_000 });
    socket = ws;
    ws.on('open', () => {
      isOpen = true;
      attempt = 0;
      const downtimeMs = Date.now() - downSince;
      log.info({ app: options.app, reconnect: everConnected, downtimeMs }, 'ari: connected');
      pingTimer = setInterval(() => {
        if (pongTimer) return;
        pongTimer = setTimeout(() => {
          log.warn('ari: no pong, dropping the event socket');
          ws.terminate();
        }, pongTimeoutMs);
        ws.ping();
      }, pingIntervalMs);
      handlers.onConnected({ reconnect: everConnected, downtimeMs });
      everConnected = true;
    });
    ws.on('pong', () => {
      if (pongTimer) clearTimeout(pongTimer);
      pongTimer = null;
    });
    ws.on('message', (data) => {
      let event: { type?: unknown };
      try {
        event = JSON.parse(data.toString()) as { type?: unknown };
      } catch {
        log.warn({ frame: data.toString().slice(0, 200) }, 'ari: ignoring a frame that is not JSON');
        return;
      }
      if (typeof event.type !== 'string' || !KNOWN_EVENTS.has(event.type)) {
        // A newer Asterisk may send events this build does not know: log, never throw.
        log.info({ type: event.type }, 'ari: unknown event type ignored');
        return;
      }
      try {
        handlers.onEvent(event as AriEvent);
      } catch (err) {
        log.error({ err, type: event.type }, 'ari: event handler failed');
      }
    });
    ws.on('unexpected-response', (_req, res) => {
      log.warn({ status: res.statusCode }, res.statusCode === 401 ? 'ari: credentials refused (401)' : 'ari: websocket upgrade refused');
      ws.terminate();
    });
    ws.on('error', (err) => {
      log.debug({ err: err.message }, 'ari: socket error');
    });
    ws.on('close', (code, reason) => {
      clearTimers();
      if (socket === ws) socket = null;
      if (isOpen) {
        isOpen = false;
        downSince = Date.now();
        log.warn({ code, reason: reason.toString() }, 'ari: disconnected');
        handlers.onDisconnected(`closed ${code}`);
      }
      scheduleReconnect();
    });
  };

  connect();

  return {
    connected: () => isOpen,
    close: () =>
      new Promise<void>((resolve) => {
        closed = true;
        if (retryTimer) clearTimeout(retryTimer);
        clearTimers();
        const ws = socket;
        if (!ws || ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.close();
        setTimeout(() => {
          ws.terminate();
          resolve();
        }, 1_000).unref();
      }),
  };
}
