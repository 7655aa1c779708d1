import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { RawData, WebSocket } from 'ws';
import '@fastify/websocket';
import { EventFrame, type ServerFrame } from '../../core/chat/chat-envelope-schema.js';
import type { ChatParticipant, NewChatEvent, StoredChatEvent } from '../../core/chat/chat-events.js';
import { parseClientFrame } from '../../core/chat/chat-frame-parser.js';
import type { ConversationHistory } from '../../core/chat/chat-history.js';
import { DEFAULT_CHAT_LIMITS, type ChatLimits } from '../../core/chat/chat-limits.js';
import { newRateLimiter, takeToken } from '../../core/chat/chat-rate-limiter.js';
import { afterAppend, errorFrame, newSocketSession, step, toEventFrame, type ChatEffect } from '../../core/chat/chat-session.js';
import type { ChatStore } from '../../ports/chat-store.js';
import type { VisitorClaims, VisitorTokens } from './visitor-token.js';

// The customer side of chat over WebSocket, and the same history over REST. The protocol itself
// is decided in core/chat; this file authenticates the upgrade, feeds frames to the core and
// carries out its effects. @fastify/websocket must be registered once on the root instance (its
// upgrade listener is per server), with options.maxPayload as the hard cap on any frame.

export interface ChatGatewayDeps {
  store: ChatStore;
  tokens: Pick<VisitorTokens, 'verify'>;
  /** Origins (scheme://host[:port]) whose pages may open this widget's chats. */
  allowedOrigins: (widgetId: string) => readonly string[];
  now: () => number;
  limits?: Partial<ChatLimits>;
  /** Protocol-level ping interval; a socket that misses two pongs is terminated. Default 25 s. */
  keepaliveMs?: number;
  /** Until conversations are wired in, every conversation is open. */
  conversationStatus?: (conversationId: string) => 'open' | 'closed';
}

export interface ChatGateway {
  /** Register with { prefix: '/api/v1' }. */
  routes: FastifyPluginAsyncTypebox;
  /** For services (agent messages, agent_joined, transfer, status, closed): stores and shows to every socket. */
  publish(conversationId: string, event: NewChatEvent): StoredChatEvent;
  /** Open sockets of a conversation. */
  connectionCount(conversationId: string): number;
}

const WsQuery = Type.Object({ conversation: Type.String({ minLength: 1 }), token: Type.String({ minLength: 1 }) });
const HistoryParams = Type.Object({ id: Type.String({ minLength: 1 }) });
const HistoryQuery = Type.Object({
  after: Type.Integer({ minimum: 0, default: 0 }),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 200 }),
  token: Type.Optional(Type.String({ minLength: 1, description: 'The visitor token, when not sent as Authorization: Bearer' })),
});
const HistoryReply = Type.Object({
  conversationId: Type.String(),
  events: Type.Array(EventFrame),
  lastSeq: Type.Integer(),
  /** More events follow: ask again with after = the last seq returned. */
  hasMore: Type.Boolean(),
});
const ErrorReply = Type.Object({ code: Type.String(), message: Type.String() });

const CLOSE_POLICY = 1008;
const CLOSE_TOO_BIG = 1009;

const normalizeOrigin = (origin: string) => origin.trim().toLowerCase().replace(/\/+$/, '');

export function createChatGateway(deps: ChatGatewayDeps): ChatGateway {
  const limits: ChatLimits = { ...DEFAULT_CHAT_LIMITS, ...deps.limits };
  const keepaliveMs = deps.keepaliveMs ?? 25_000;
  const rooms = new Map<string, Set<WebSocket>>();
  const claimsOf = new WeakMap<FastifyRequest, VisitorClaims>();

  const historyOf = (conversationId: string): ConversationHistory => ({
    lastSeq: () => deps.store.lastSeq(conversationId),
    byClientMsgId: (author, id) => deps.store.findByClientMsgId(conversationId, author, id),
    after: (seq) => deps.store.eventsAfter(conversationId, seq),
    readMarks: () => deps.store.readMarks(conversationId),
  });

  const sendTo = (socket: WebSocket, frame: ServerFrame) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
  };
  const broadcast = (conversationId: string, frame: ServerFrame, except?: WebSocket) => {
    for (const socket of rooms.get(conversationId) ?? []) if (socket !== except) sendTo(socket, frame);
  };

  // Runs synchronously: the store is synchronous, so a frame's append, ack and broadcast happen in
  // one turn of the event loop and no other frame of the conversation can come in between (that is
  // what keeps acks and events in seq order on every socket).
  const run = (conversationId: string, socket: WebSocket, effects: ChatEffect[]) => {
    for (const effect of effects) {
      switch (effect.type) {
        case 'send':
          sendTo(socket, effect.frame);
          break;
        case 'broadcast':
          broadcast(conversationId, effect.frame, socket);
          break;
        case 'markRead':
          deps.store.markRead(conversationId, effect.participant, effect.upToSeq);
          break;
        case 'append': {
          const { event, created } = deps.store.append(conversationId, effect.event);
          run(conversationId, socket, afterAppend(event, created));
          break;
        }
      }
    }
  };

  /** null when the request may go on; otherwise the reply has been sent. */
  const authorize = (request: FastifyRequest, reply: FastifyReply, conversationId: string, token: string | undefined): VisitorClaims | null => {
    const claims = token ? deps.tokens.verify(token, deps.now()) : undefined;
    if (!claims) {
      void reply.code(401).send({ code: 'unauthorized', message: 'a valid, unexpired visitor token is required' });
      return null;
    }
    if (claims.conversationId !== conversationId) {
      void reply.code(403).send({ code: 'forbidden', message: 'the token is for another conversation' });
      return null;
    }
    // The Origin check is what stops another site's page from opening a socket with the visitor's
    // token (cross-site WebSocket hijacking: browsers apply no same-origin rule to WebSockets). A
    // browser always sends Origin on a WebSocket; a request without one is not from our widget.
    const origin = request.headers.origin;
    const allowed = deps.allowedOrigins(claims.widgetId).map(normalizeOrigin);
    if (origin === undefined ? request.ws : !allowed.includes(normalizeOrigin(origin))) {
      void reply.code(403).send({ code: 'origin_not_allowed', message: `origin ${origin ?? '(none)'} may not open this widget's chats` });
      return null;
    }
    return claims;
  };

  const onSocket = (socket: WebSocket, conversationId: string, claims: VisitorClaims, log: FastifyRequest['log']) => {
    const participant: ChatParticipant = { id: claims.visitorId, role: 'customer' };
    let session = newSocketSession();
    let limiter = newRateLimiter(limits, deps.now());
    let missedPongs = 0;

    let room = rooms.get(conversationId);
    if (!room) rooms.set(conversationId, (room = new Set()));
    room.add(socket);

    // Handlers are attached before anything is awaited: frames that arrive meanwhile would be lost.
    socket.on('message', (data: RawData, isBinary: boolean) => {
      const now = deps.now();
      const taken = takeToken(limiter, limits, now);
      limiter = taken.state;
      if (taken.verdict === 'close') return socket.close(CLOSE_POLICY, 'rate limit exceeded');
      if (taken.verdict === 'reject') return sendTo(socket, errorFrame('rate_limited', `more than ${limits.ratePerSec} frames per second; this one was dropped`));
      if (isBinary) return sendTo(socket, errorFrame('invalid_frame', 'frames are JSON text, not binary'));
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
      const parsed = parseClientFrame(bytes.toString('utf8'), bytes.length, limits.maxFrameBytes);
      if (!parsed.ok) {
        sendTo(socket, errorFrame(parsed.error.code, parsed.error.message, parsed.error.details ? { details: parsed.error.details } : {}));
        if (parsed.error.code === 'too_large') socket.close(CLOSE_TOO_BIG, 'frame too large');
        return;
      }
      try {
        const status = deps.conversationStatus?.(conversationId) ?? 'open';
        const result = step(session, { conversationId, participant, status, now, limits }, historyOf(conversationId), parsed.frame);
        session = result.session;
        run(conversationId, socket, result.effects);
      } catch (err) {
        // A failed append is safe to retry: the clientMsgId makes the retry idempotent.
        log.error({ err, conversationId }, 'chat frame failed');
        sendTo(socket, errorFrame('internal', 'the server could not handle this frame; retry it'));
      }
    });

    // Browsers answer protocol pings on their own; a peer that stops answering (sleeping laptop,
    // dead NAT mapping) is cut so its room entry does not linger and the client reconnects.
    const keepalive = setInterval(() => {
      if (missedPongs >= 2) return socket.terminate();
      missedPongs += 1;
      socket.ping();
    }, keepaliveMs);
    keepalive.unref();
    socket.on('pong', () => void (missedPongs = 0));
    socket.on('close', () => {
      clearInterval(keepalive);
      room.delete(socket);
      if (room.size === 0 && rooms.get(conversationId) === room) rooms.delete(conversationId);
    });
  };

  const routes: FastifyPluginAsyncTypebox = async (app) => {
    app.get(
      '/chat/ws',
      {
        websocket: true,
        // Public to the API-key check: the visitor token is the credential here.
        config: { public: true },
        schema: { querystring: WsQuery },
        // Runs before the upgrade, so a refusal is a plain HTTP 401/403 instead of an open-then-close.
        preHandler: async (request, reply) => {
          const claims = authorize(request, reply, request.query.conversation, request.query.token);
          if (claims) claimsOf.set(request, claims);
          return reply.sent ? reply : undefined;
        },
      },
      (socket, request) => {
        const claims = claimsOf.get(request);
        if (!claims) return socket.close(CLOSE_POLICY, 'unauthorized');
        onSocket(socket, claims.conversationId, claims, request.log);
      },
    );

    app.get(
      '/chat/conversations/:id/messages',
      {
        config: { public: true },
        schema: {
          tags: ['chat'],
          summary: "A conversation's stored events after a seq: the same event frames a WebSocket replay sends",
          params: HistoryParams,
          querystring: HistoryQuery,
          response: { 200: HistoryReply, 400: ErrorReply, 401: ErrorReply, 403: ErrorReply },
        },
      },
      async (request, reply) => {
        const header = request.headers.authorization;
        const token = header?.toLowerCase().startsWith('bearer ') ? header.slice(7).trim() : request.query.token;
        if (!authorize(request, reply, request.params.id, token)) return reply;
        const { id } = request.params;
        // One more than asked tells whether another page follows without a count query.
        const page = deps.store.eventsAfter(id, request.query.after, request.query.limit + 1);
        const events = page.slice(0, request.query.limit).map(toEventFrame);
        return { conversationId: id, events, lastSeq: deps.store.lastSeq(id), hasMore: page.length > request.query.limit };
      },
    );
  };

  return {
    routes,
    publish(conversationId, event) {
      const { event: stored, created } = deps.store.append(conversationId, event);
      if (created) broadcast(conversationId, toEventFrame(stored));
      return stored;
    },
    connectionCount: (conversationId) => rooms.get(conversationId)?.size ?? 0,
  };
}
