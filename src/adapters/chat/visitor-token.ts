import { createHmac, timingSafeEqual } from 'node:crypto';

// The customer's credential for one conversation: v1.<payload>.<signature>, both base64url, the
// signature an HMAC-SHA256 of "v1.<payload>" under a server secret. Stateless (nothing to look up
// per connection) and bound to one conversation and one widget, so a leaked token opens only that
// chat, and only until it expires. It travels in the query string because a browser's WebSocket
// cannot set headers: keep expiries short and redact `token` from request logs.

export interface VisitorClaims {
  conversationId: string;
  visitorId: string;
  /** Selects the Origin allow-list. */
  widgetId: string;
  /** ms since the epoch. */
  expiresAt: number;
}

export interface VisitorTokens {
  sign(claims: VisitorClaims): string;
  /** The claims of a well-signed, unexpired token; undefined otherwise (the reason is not told to the client). */
  verify(token: string, now: number): VisitorClaims | undefined;
}

const PREFIX = 'v1.';

export function visitorTokens(secret: string | Buffer): VisitorTokens {
  if (Buffer.byteLength(secret) < 32) throw new Error('the chat visitor token secret needs at least 32 bytes');
  const mac = (payload: string) => createHmac('sha256', secret).update(PREFIX + payload).digest();
  return {
    sign(claims) {
      const payload = Buffer.from(JSON.stringify({ c: claims.conversationId, s: claims.visitorId, w: claims.widgetId, e: claims.expiresAt })).toString('base64url');
      return `${PREFIX}${payload}.${mac(payload).toString('base64url')}`;
    },
    verify(token, now) {
      if (!token.startsWith(PREFIX)) return undefined;
      const [payload, signature, extra] = token.slice(PREFIX.length).split('.');
      if (!payload || !signature || extra !== undefined) return undefined;
      const expected = mac(payload);
      const given = Buffer.from(signature, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      try {
        const { c, s, w, e } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
        if (typeof c !== 'string' || typeof s !== 'string' || typeof w !== 'string' || typeof e !== 'number') return undefined;
        if (e <= now) return undefined;
        return { conversationId: c, visitorId: s, widgetId: w, expiresAt: e };
      } catch {
        return undefined;
      }
    },
  };
}
