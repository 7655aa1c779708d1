// The core's view of one received email. The adapter (adapters/email/parse-message.ts) builds it
// from raw RFC 5322 bytes; everything under core/email reasons about this shape only, so the rules
// are table-testable without a MIME parser.

export interface MailAddress {
  name: string;
  /** As written by the sender; compare with sameAddress(), never with ===. */
  address: string;
}

export interface MailAttachment {
  filename: string | null;
  mimeType: string;
  /**
   * 'inline' only when the HTML body really shows it (a cid: reference to its Content-ID). Apple
   * Mail and others mark parts inline that nothing references; showing those nowhere would lose
   * them, so they count as attachments.
   */
  disposition: 'inline' | 'attachment';
  /** Without angle brackets. */
  contentId: string | null;
  size: number;
  /** Hex SHA-256 of the decoded content: the storage key, so a re-sent file is stored once. */
  sha256: string;
  content: Uint8Array;
}

/** One per-recipient block of a message/delivery-status part (RFC 3464). */
export interface DeliveryStatus {
  /** Final-Recipient without the address type ("rfc822;"). */
  recipient: string | null;
  /** failed, delayed, delivered, relayed, expanded. */
  action: string | null;
  /** Enhanced status code, e.g. 5.1.1: class 5 is permanent, 4 is transient. */
  status: string | null;
  diagnostic: string | null;
}

export interface DeliveryReport {
  /** Message-ID of the mail that bounced, from its returned message/rfc822 or text/rfc822-headers part. */
  originalMessageId: string | null;
  recipients: DeliveryStatus[];
}

export interface ParsedMail {
  /** Without angle brackets; null when the sender gave none (it happens, and dedup must cope). */
  messageId: string | null;
  inReplyTo: string | null;
  /** Oldest first, as RFC 5322 orders them: the last one is the direct parent. */
  references: string[];
  subject: string;
  from: MailAddress | null;
  to: MailAddress[];
  cc: MailAddress[];
  replyTo: MailAddress[];
  /** The envelope recipient the MTA delivered to (Delivered-To / X-Original-To), when present. */
  deliveredTo: string | null;
  /**
   * The envelope sender from Return-Path: '' is the null sender <> that bounces and many
   * automatic mails use; null means the header is absent.
   */
  returnPath: string | null;
  date: string | null;
  /** Top-level Content-Type, lowercased value plus parameters (report-type for DSNs). */
  contentType: { value: string; params: Record<string, string> };
  /** Only the headers the rules read, lowercased names, every occurrence kept in order. */
  headers: Record<string, string[]>;
  text: string | null;
  /** Untrusted and unsanitized: store it, never render it without sanitize-html.ts. */
  html: string | null;
  attachments: MailAttachment[];
  deliveryReport: DeliveryReport | null;
}

/**
 * Headers kept on ParsedMail.headers: loop and bounce detection, threading and our own marker.
 * Everything else stays in the raw message the caller stored before parsing.
 */
export const KEPT_HEADERS = [
  'auto-submitted',
  'precedence',
  'list-id',
  'list-unsubscribe',
  'x-loop',
  'x-autoreply',
  'x-autorespond',
  'x-autoresponder',
  'x-auto-response-suppress',
  'x-failed-recipients',
  'return-path',
  'thread-index',
  'thread-topic',
  'x-switchboard',
] as const;

/** Local parts are case-sensitive by RFC but no real mailbox treats them so; domains never are. */
export function normalizeAddress(address: string): string {
  return address.trim().toLowerCase();
}

export function sameAddress(a: string, b: string): boolean {
  return normalizeAddress(a) === normalizeAddress(b);
}

export function headerValues(mail: Pick<ParsedMail, 'headers'>, name: string): string[] {
  return mail.headers[name.toLowerCase()] ?? [];
}
