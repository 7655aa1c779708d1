// Signed reply addresses: support+c_<conversationId>.<sig>@domain goes in Reply-To of every mail we
// send, so a customer's reply finds its conversation even when their client drops In-Reply-To and
// the subject. The HMAC stops anyone from guessing an address and posting into someone else's
// conversation (the ticket-number hijack of zammad#5064).
//
// Case: RFC 5321 says local parts are case-sensitive, but mail systems and users do change their
// case (Outlook address books, some gateways uppercase, people retype). The token therefore uses
// only lowercase characters — conversation ids limited to [a-z0-9-] and a lowercase base32
// signature — and verification lowercases the whole address first. Folding case loses nothing, so
// a case-changed address verifies, and no two different tokens fold to the same one.
//
// node:crypto is used for HMAC only: pure computation, no I/O, so it is allowed under core.

import { createHmac, timingSafeEqual } from 'node:crypto';

export interface ReplyTokenConfig {
  /** Local part before the '+', e.g. 'support'. */
  localBase: string;
  domain: string;
  /**
   * The first secret signs; all are accepted on verify, so a secret can be rotated without breaking
   * replies to mail sent before the rotation.
   */
  secrets: readonly string[];
}

export type ReplyTokenResult =
  | { ok: true; conversationId: string }
  | { ok: false; reason: 'not a reply address' | 'malformed' | 'bad signature' };

const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;
// 16 base32 characters = 80 bits: guessing takes ~2^79 mails, far beyond any rate limit.
const SIG_LENGTH = 16;
const SIG_PATTERN = /^[a-z2-7]{16}$/;
const TAG = 'c_';
// A version in the signed data lets a future format coexist with old tokens.
const SIGNED_PREFIX = 'switchboard-reply-v1:';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

function sign(secret: string, conversationId: string): string {
  const mac = createHmac('sha256', secret).update(SIGNED_PREFIX + conversationId).digest();
  return base32(mac).slice(0, SIG_LENGTH);
}

export function isTokenableConversationId(id: string): boolean {
  return ID_PATTERN.test(id);
}

/** Throws on a conversation id that could not survive case folding: ids are ours, so that is a bug. */
export function createReplyAddress(conversationId: string, config: ReplyTokenConfig): string {
  const secret = config.secrets[0];
  if (!secret) throw new Error('reply token: no secret configured');
  if (!ID_PATTERN.test(conversationId)) {
    throw new RangeError(`reply token: conversation id must match ${ID_PATTERN}: ${conversationId}`);
  }
  return `${config.localBase.toLowerCase()}+${TAG}${conversationId}.${sign(secret, conversationId)}@${config.domain.toLowerCase()}`;
}

export function verifyReplyAddress(address: string, config: ReplyTokenConfig): ReplyTokenResult {
  const folded = address.trim().toLowerCase();
  const at = folded.lastIndexOf('@');
  if (at < 0 || folded.slice(at + 1) !== config.domain.toLowerCase()) return { ok: false, reason: 'not a reply address' };
  const prefix = `${config.localBase.toLowerCase()}+${TAG}`;
  const local = folded.slice(0, at);
  if (!local.startsWith(prefix)) return { ok: false, reason: 'not a reply address' };
  const rest = local.slice(prefix.length);
  const dot = rest.lastIndexOf('.');
  const conversationId = rest.slice(0, dot);
  const signature = rest.slice(dot + 1);
  if (dot < 0 || !ID_PATTERN.test(conversationId) || !SIG_PATTERN.test(signature)) {
    return { ok: false, reason: 'malformed' };
  }
  const given = Buffer.from(signature);
  // Check every secret without returning early, so the time taken says nothing about which matched.
  let valid = false;
  for (const secret of config.secrets) {
    valid = timingSafeEqual(given, Buffer.from(sign(secret, conversationId))) || valid;
  }
  return valid ? { ok: true, conversationId } : { ok: false, reason: 'bad signature' };
}

/** The first recipient address carrying a valid token, or null. */
export function findReplyToken(addresses: readonly string[], config: ReplyTokenConfig): string | null {
  for (const address of addresses) {
    const result = verifyReplyAddress(address, config);
    if (result.ok) return result.conversationId;
  }
  return null;
}
