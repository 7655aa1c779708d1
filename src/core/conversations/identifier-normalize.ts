import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { Identifier, IdentifierKind } from './contact-types.js';

export type { CountryCode };

// What trunks put in the caller id when the caller hides it. Asterisk itself reports an empty
// number or 'anonymous'; carriers add their own words. None of them is a person: never link.
const WITHHELD = new Set(['', 'anonymous', 'unknown', 'restricted', 'private', 'unavailable', 'withheld', 'blocked']);

export function isWithheldNumber(raw: string | null | undefined): boolean {
  return WITHHELD.has((raw ?? '').trim().toLowerCase());
}

// Below this many national digits the number is far more likely an internal extension ('1001'
// parses as a valid German number) than a customer; such numbers never link.
const MIN_NATIONAL_DIGITS = 6;

/** E.164 (+4930123456), or null for withheld, unparsable, impossible or extension-like input. */
export function normalizePhone(raw: string | null | undefined, defaultRegion?: CountryCode): string | null {
  if (isWithheldNumber(raw)) return null;
  const text = raw!.trim();
  // A SIP URI or a name is not a number: libphonenumber would read letters as a vanity number
  // (1-800-FLOWERS). Only an extension marker ('ext', 'x') may carry letters; the extension is dropped.
  if (/[a-z]/i.test(text.replace(/ext\.?|x/gi, ''))) return null;
  const parsed = parsePhoneNumberFromString(text, defaultRegion);
  if (!parsed || !parsed.isPossible() || parsed.nationalNumber.length < MIN_NATIONAL_DIGITS) return null;
  return parsed.number;
}

/**
 * The forms a trunk may have sent for an E.164 number (caller_number is stored as received):
 * +E.164, without '+', with the 00 (or NANP 011) international prefix, the national form with its
 * trunk prefix, and the bare national number. A candidate list for an indexed IN (...); rows found
 * are confirmed by normalizing them, so an extra variant costs nothing but an index probe.
 */
export function phoneVariants(e164: string): string[] {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return [e164];
  const digits = e164.slice(1);
  const nsn = parsed.nationalNumber;
  const national = parsed.formatNational().replace(/\D/g, '');
  const out = new Set([e164, digits, `00${digits}`, national, nsn]);
  if (parsed.countryCallingCode === '1') out.add(`011${digits}`);
  return [...out];
}

/** Lowercased and trimmed; angle brackets and a mailto: dropped; an IDN domain in punycode. */
export function normalizeEmail(raw: string | null | undefined): string | null {
  let text = (raw ?? '').trim();
  if (text.startsWith('<') && text.endsWith('>')) text = text.slice(1, -1).trim();
  if (/^mailto:/i.test(text)) text = text.slice(7);
  const at = text.lastIndexOf('@');
  if (at <= 0 || at === text.length - 1 || /\s/.test(text)) return null;
  const local = text.slice(0, at);
  let domain = text.slice(at + 1).toLowerCase();
  if (local.includes('@') && !/^".*"$/.test(local)) return null;
  if (/[^\x00-\x7f]/.test(domain)) {
    // WHATWG URL parsing applies IDNA: 'münchen.de' and 'xn--mnchen-3ya.de' become one identifier.
    try {
      domain = new URL(`http://${domain}`).hostname;
    } catch {
      return null;
    }
  }
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain)) return null;
  // The local part is case-sensitive by RFC 5321, but no mailbox provider we meet treats it so,
  // and customers type it in any case: one person, one identifier.
  return `${local.toLowerCase()}@${domain}`;
}

/** The visitor id our widget issued: opaque and case-sensitive, so only trimmed and checked. */
export function normalizeChatVisitor(raw: string | null | undefined): string | null {
  const text = (raw ?? '').trim();
  return /^[A-Za-z0-9_-]{8,128}$/.test(text) ? text : null;
}

/**
 * `<system>:<id>` (crm:4711): the system part lowercased so two CRMs' ids never collide, the id
 * kept as is (ids in other systems are often case-sensitive).
 */
export function normalizeExternalId(raw: string | null | undefined): string | null {
  const text = (raw ?? '').trim();
  const colon = text.indexOf(':');
  if (colon <= 0) return null;
  const system = text.slice(0, colon).toLowerCase();
  const id = text.slice(colon + 1).trim();
  if (!/^[a-z0-9][a-z0-9_.-]{0,39}$/.test(system) || id.length === 0 || id.length > 200 || /[\x00-\x1f\x7f]/.test(id)) return null;
  return `${system}:${id}`;
}

export function normalizeIdentifier(kind: IdentifierKind, raw: string, defaultRegion?: CountryCode): string | null {
  switch (kind) {
    case 'phone':
      return normalizePhone(raw, defaultRegion);
    case 'email':
      return normalizeEmail(raw);
    case 'chat':
      return normalizeChatVisitor(raw);
    case 'external':
      return normalizeExternalId(raw);
  }
}

const KINDS: readonly IdentifierKind[] = ['phone', 'email', 'chat', 'external'];

/**
 * A search box value: `kind:value` (email:a@b.c, phone:030 1234567, chat:..., external:crm:4711),
 * or a bare value read as an email when it has an '@', else as a phone number.
 */
export function parseIdentifierQuery(text: string, defaultRegion?: CountryCode): Identifier | null {
  const colon = text.indexOf(':');
  const prefix = colon > 0 ? text.slice(0, colon).trim().toLowerCase() : '';
  if ((KINDS as readonly string[]).includes(prefix)) {
    const kind = prefix as IdentifierKind;
    const value = normalizeIdentifier(kind, text.slice(colon + 1), defaultRegion);
    return value === null ? null : { kind, value };
  }
  const kind: IdentifierKind = text.includes('@') ? 'email' : 'phone';
  const value = normalizeIdentifier(kind, text, defaultRegion);
  return value === null ? null : { kind, value };
}
