// Loop and bounce classification of a received mail. Every help desk that skipped one of these
// signals ended up in a mail loop with an autoresponder, a no-reply address or itself (chatwoot#5131,
// zammad#731, #1131, #2923, #4941). Automated mail is still stored; this only decides what it may
// trigger (no auto-reply, no reopen, no survey) and whether it is our own mail coming back.

import { messageIdDomain } from './message-id.js';
import { headerValues, normalizeAddress, type ParsedMail } from './parsed-mail.js';

export type AutomatedReason =
  | 'auto-submitted'
  | 'precedence'
  | 'list'
  | 'x-loop'
  | 'autoreply-header'
  | 'auto-response-suppress'
  | 'null-sender'
  | 'daemon-sender'
  | 'bounce';

export type OursReason = 'marker' | 'message-id-domain' | 'system-from';

export interface OwnIdentity {
  /**
   * Domains we mint Message-IDs on. Use a dedicated one (e.g. mail.switchboard.example.com): a
   * domain other systems also mint ids on would make their mail look like ours and be dropped.
   */
  messageIdDomains: readonly string[];
  /** Value of the X-Switchboard header and X-Loop marker on every mail we send. */
  marker: string;
  /** Addresses we send from (support@, noreply@): mail claiming to come from them is ours or forged. */
  systemAddresses: readonly string[];
}

export interface MailClassification {
  automated: boolean;
  automatedReasons: AutomatedReason[];
  bounce: boolean;
  ours: boolean;
  oursReasons: OursReason[];
}

// RFC 3834 allows parameters after the keyword ("auto-replied; owner-email=..."), so only the
// keyword counts.
const keyword = (value: string) => (value.split(';')[0] ?? '').trim().toLowerCase();

// auto_reply is not in any RFC but Exchange and several autoresponders send it.
const AUTOMATED_PRECEDENCE = new Set(['bulk', 'junk', 'list', 'auto_reply']);

// Bounce and system senders; matched on the local part so every domain's daemon counts.
const DAEMON_LOCAL_PARTS = new Set(['mailer-daemon', 'postmaster']);

const localPart = (address: string) => normalizeAddress(address).split('@')[0] ?? '';

/** multipart/report; report-type=delivery-status is the one standard bounce shape (RFC 3464). */
export function isBounce(mail: Pick<ParsedMail, 'contentType'>): boolean {
  return (
    mail.contentType.value === 'multipart/report' &&
    (mail.contentType.params['report-type'] ?? '').toLowerCase() === 'delivery-status'
  );
}

export function automatedReasons(mail: ParsedMail): AutomatedReason[] {
  const reasons: AutomatedReason[] = [];
  const has = (name: string) => headerValues(mail, name).length > 0;

  if (headerValues(mail, 'auto-submitted').some((v) => keyword(v) !== '' && keyword(v) !== 'no')) {
    reasons.push('auto-submitted');
  }
  if (headerValues(mail, 'precedence').some((v) => AUTOMATED_PRECEDENCE.has(keyword(v)))) {
    reasons.push('precedence');
  }
  if (has('list-id') || has('list-unsubscribe')) reasons.push('list');
  // Any X-Loop, not only ours: ticket systems (RT, OTRS, Zammad) add it to their automatic mails,
  // and answering another system's automatic mail is exactly how two help desks loop.
  if (has('x-loop')) reasons.push('x-loop');
  if (has('x-autoreply') || has('x-autorespond') || has('x-autoresponder')) reasons.push('autoreply-header');
  if (headerValues(mail, 'x-auto-response-suppress').some((v) => /\ball\b/i.test(v))) {
    reasons.push('auto-response-suppress');
  }
  if (mail.returnPath === '') reasons.push('null-sender');
  const senders = [mail.from?.address, mail.returnPath].filter((a): a is string => !!a);
  if (senders.some((a) => DAEMON_LOCAL_PARTS.has(localPart(a)))) reasons.push('daemon-sender');
  if (isBounce(mail)) reasons.push('bounce');
  return reasons;
}

/**
 * Either signal is enough: gateways such as Amazon SES rewrite Message-ID, and some relays strip
 * unknown X- headers, so requiring both would let our own mail back in. Forging either only makes
 * the forger's own mail dropped.
 */
export function oursReasons(mail: ParsedMail, own: OwnIdentity): OursReason[] {
  const reasons: OursReason[] = [];
  const marker = own.marker.trim().toLowerCase();
  if (headerValues(mail, 'x-switchboard').some((v) => v.trim().toLowerCase() === marker)) reasons.push('marker');
  const domain = mail.messageId ? messageIdDomain(mail.messageId) : null;
  if (domain && own.messageIdDomains.some((d) => d.toLowerCase() === domain)) reasons.push('message-id-domain');
  const from = mail.from?.address;
  if (from && own.systemAddresses.some((a) => normalizeAddress(a) === normalizeAddress(from))) {
    reasons.push('system-from');
  }
  return reasons;
}

export function classifyMail(mail: ParsedMail, own: OwnIdentity): MailClassification {
  const automated = automatedReasons(mail);
  const ours = oursReasons(mail, own);
  return {
    automated: automated.length > 0,
    automatedReasons: automated,
    bounce: isBounce(mail),
    ours: ours.length > 0,
    oursReasons: ours,
  };
}
