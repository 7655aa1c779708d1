// Subject token [#<ref>]: the third threading signal, for replies from clients or gateways that drop
// both our reply address and In-Reply-To/References (Jira, ServiceNow: zammad#3022, #3695). Being
// guessable, it is never trusted alone: thread.ts still requires the sender to belong to the
// conversation.

const REF = '[A-Za-z0-9][A-Za-z0-9-]{0,23}';
const REF_PATTERN = new RegExp(`^${REF}$`);
const TOKEN_PATTERN = new RegExp(`\\[#(${REF})\\]`, 'g');

// Reply and forward prefixes of the mail clients we meet: English, German (AW, WG), Nordic (SV, VS,
// VB), Dutch (Antw), French (TR), Italian (R, RIF), Polish (Odp), Spanish/Portuguese (RV, ENC, RES),
// Chinese. A counter (Re[2]:, Re(2):, Re^2:) and a full-width colon also occur. Only whole words
// before a colon are taken, so "Tr: ..." is stripped but "Training: ..." is kept.
const PREFIX = new RegExp(
  '^\\s*(?:(?:re|fwd?|aw|wg|sv|vs|vb|antw|tr|rif|r|odp|rv|enc|res|回复|答复|转发)' +
    '\\s*(?:\\[\\d+\\]|\\(\\d+\\)|\\^\\d+)?\\s*[:：]\\s*)+',
  'iu',
);

export function isSubjectRef(ref: string): boolean {
  return REF_PATTERN.test(ref);
}

export function stripReplyPrefixes(subject: string): string {
  return subject.replace(PREFIX, '').trim();
}

/** Every [#ref] in the subject, in order; thread.ts tries them one by one. */
export function findSubjectRefs(subject: string): string[] {
  return [...subject.matchAll(TOKEN_PATTERN)].map((m) => m[1] as string);
}

export function removeSubjectRefs(subject: string): string {
  return subject.replace(TOKEN_PATTERN, ' ').replace(/\s+/g, ' ').trim();
}

/** The subject without prefixes or tokens, for "did the topic change" comparisons. */
export function subjectBase(subject: string): string {
  // Prefixes can sit on both sides of an old token ("Re: [#a1] AW: Order"), hence strip twice.
  return stripReplyPrefixes(removeSubjectRefs(stripReplyPrefixes(subject)));
}

export function addSubjectRef(subject: string, ref: string): string {
  if (!REF_PATTERN.test(ref)) throw new RangeError(`subject ref must match ${REF_PATTERN}: ${ref}`);
  if (findSubjectRefs(subject).includes(ref)) return subject.trim();
  const trimmed = subject.trim();
  return trimmed ? `${trimmed} [#${ref}]` : `[#${ref}]`;
}

/** Subject of our reply: one "Re:", the customer's topic, exactly one token (ours). */
export function replySubject(original: string, ref: string): string {
  const base = subjectBase(original);
  return addSubjectRef(base ? `Re: ${base}` : 'Re:', ref);
}
