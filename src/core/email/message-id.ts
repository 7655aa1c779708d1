// Message-ID handling shared by parsing, threading and outbound headers. Ids are kept without the
// angle brackets everywhere inside the system and compared exactly: RFC 5322 makes them opaque,
// and lowercasing would merge ids that some systems do distinguish.

/**
 * All ids in an In-Reply-To or References value. Bracketed ids win; a value without brackets
 * (some gateways drop them) is split on whitespace. Comments and junk between ids are ignored.
 */
export function parseMessageIds(value: string | null | undefined): string[] {
  if (!value) return [];
  const bracketed = [...value.matchAll(/<([^<>\s]+)>/g)].map((m) => m[1] as string);
  if (bracketed.length > 0) return bracketed;
  return value
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s.includes('@'));
}

/** The first id of a single-id header (Message-ID, In-Reply-To), or null. */
export function firstMessageId(value: string | null | undefined): string | null {
  return parseMessageIds(value)[0] ?? null;
}

export function messageIdDomain(id: string): string | null {
  const at = id.lastIndexOf('@');
  return at >= 0 && at < id.length - 1 ? id.slice(at + 1).toLowerCase() : null;
}

export function bracket(id: string): string {
  return `<${id}>`;
}
