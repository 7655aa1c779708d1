import type { Logger } from 'pino';
import WebSocket from 'ws';
import { createAriHttp } from './ari-http.js';
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
  /**
   * Also deliver EndpointStateChange for every PJSIP endpoint (softphone registrations), through
   * the companion app `<app>-endpoints` on the same socket. Default true.
   */
  watchEndpoints?: boolean;
  /** Retry interval when setting up the endpoint subscription fails. */
  endpointRetryMs?: number;
}

/** The app that carries endpoint state events next to `app` (see setUpEndpointEvents). */
export const endpointEventsApp = (app: string) => `${app}-endpoints`;

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
  const watchEndpoints = options.watchEndpoints ?? true;
  const companion = endpointEventsApp(options.app);
  // One websocket can register several apps (comma-separated).
  wsUrl.searchParams.set('app', watchEndpoints ? `${options.app},${companion}` : options.app);
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

  let endpointTimer: NodeJS.Timeout | null = null;
  /** onConnected was called for the current socket: only then does its close report onDisconnected. */
  let announced = false;
  const clearTimers = () => {
    if (pingTimer) clearInterval(pingTimer);
    if (pongTimer) clearTimeout(pongTimer);
    if (endpointTimer) clearTimeout(endpointTimer);
    pingTimer = pongTimer = endpointTimer = null;
  };

  const request = createAriHttp({ url: options.url, user: options.user, password: options.password, timeoutMs: 3_000 });
  // Subscribing our app to endpoint:PJSIP would also subscribe it to every PJSIP channel: foreign
  // channels' events, and each event of our own channels twice (seen on Asterisk 22: two
  // ChannelDestroyed per leg). So a companion app takes the subscription, with an event filter
  // that lets only EndpointStateChange through. The filter goes first: without it the
  // subscription would duplicate channel events. Both last until Asterisk restarts (they survive
  // a websocket reconnect). Subscriptions are counted (each POST needs its own DELETE), so an
  // existing one is not added to.
  const setUpEndpointEvents = async (): Promise<boolean> => {
    try {
      await request('applications.filter', { applicationName: companion }, { body: { allowed: [{ type: 'EndpointStateChange' }] } });
      const current = await request('applications.get', { applicationName: companion });
      if (!current?.endpoint_ids.includes('PJSIP')) await request('applications.subscribe', { applicationName: companion, eventSource: 'endpoint:PJSIP' });
      return true;
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'ari: endpoint state subscription failed; retrying');
      return false;
    }
  };
  const retryEndpointEvents = (ws: WebSocket) => {
    endpointTimer = setTimeout(() => {
      endpointTimer = null;
      if (socket !== ws || !isOpen) return;
      void setUpEndpointEvents().then((ok) => {
        if (!ok && socket === ws && isOpen) retryEndpointEvents(ws);
      });
    }, options.endpointRetryMs ?? 5_000);
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
      // onConnected after the subscription, so that a reconcile reading endpoint states misses
      // no change; a failed setup is retried in the background.
      const ready = watchEndpoints ? setUpEndpointEvents() : Promise.resolve(true);
      void ready.then((ok) => {
        if (socket !== ws || !isOpen) return;
        if (!ok) retryEndpointEvents(ws);
        announced = true;
        handlers.onConnected({ reconnect: everConnected, downtimeMs });
        everConnected = true;
      });
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
      // The companion app's filter should let nothing else through; if it did, these would be
      // duplicates of our own channels' events.
      if ((event as { application?: unknown }).application === companion && event.type !== 'EndpointStateChange') return;
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
        log.warn({ code, reason: reason.toString() }, 'ari: disconnected');
        if (announced) {
          announced = false;
          downSince = Date.now();
          handlers.onDisconnected(`closed ${code}`);
        }
      }
      scheduleReconnect();
    });
  };

  connect();

  return {
    connected: () => isOpen,
    close: async () => {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      clearTimers();
      // An app that is gone but still subscribed stays in Asterisk and logs "Inactive Stasis app
      // … missed message" for every endpoint event; without subscriptions it is dropped.
      // Counted subscriptions: a crashed predecessor may have left several.
      for (let i = 0; watchEndpoints && isOpen && i < 10; i++) {
        const app = await request('applications.unsubscribe', { applicationName: companion, eventSource: 'endpoint:PJSIP' }).catch(() => undefined);
        if (!app?.endpoint_ids.includes('PJSIP')) break;
      }
      return new Promise<void>((resolve) => {
        const ws = socket;
        if (!ws || ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.close();
        setTimeout(() => {
          ws.terminate();
          resolve();
        }, 1_000).unref();
      });
    },
  };
}
