// Raw RFC 5322 bytes → ParsedMail, through postal-mime (maintained, no dependencies, streams
// nothing to disk). The caller has stored the raw bytes before calling this, so a message that does
// not parse is never lost: we return the reason instead of throwing, and the raw copy can be parsed
// again by a fixed version.

import { createHash } from 'node:crypto';
import PostalMime, { type Address, type Attachment, type Email, type Header } from 'postal-mime';
import { firstMessageId, parseMessageIds } from '../../core/email/message-id.js';
import {
  KEPT_HEADERS,
  type DeliveryReport,
  type DeliveryStatus,
  type MailAddress,
  type MailAttachment,
  type ParsedMail,
} from '../../core/email/parsed-mail.js';
import { fieldValue, parseHeaderGroups, parseHeaderSection } from './header-block.js';

export type ParseMessageResult =
  | { ok: true; mail: ParsedMail; warnings: string[] }
  | { ok: false; reason: string };

// RFC 5322 field names: printable ASCII except the colon. A first "header" outside that is not mail.
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;

// Report parts that carry the bounced message's headers (RFC 3462, RFC 6533 for the global ones).
const RETURNED_MESSAGE_TYPES = new Set(['message/rfc822', 'text/rfc822-headers', 'message/global', 'message/global-headers']);
const DELIVERY_STATUS_TYPES = new Set(['message/delivery-status', 'message/global-delivery-status']);

const utf8 = new TextDecoder('utf-8', { fatal: false });

function bytesOf(content: Attachment['content']): Uint8Array {
  if (typeof content === 'string') return new TextEncoder().encode(content);
  return content instanceof Uint8Array ? content : new Uint8Array(content);
}

function mailboxes(list: readonly Address[] | undefined): MailAddress[] {
  const out: MailAddress[] = [];
  for (const entry of list ?? []) {
    // Groups ("undisclosed-recipients:;" or "Team: a@x, b@y;") are flattened to their members.
    const members = entry.group ?? [entry];
    for (const m of members) if (m.address) out.push({ name: m.name ?? '', address: m.address });
  }
  return out;
}

export function parseContentType(value: string | undefined): ParsedMail['contentType'] {
  if (!value) return { value: 'text/plain', params: {} };
  const [type = '', ...rest] = value.split(';');
  const params: Record<string, string> = {};
  for (const m of rest.join(';').matchAll(/([^=\s;]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/g)) {
    const raw = (m[2] ?? '').trim();
    params[(m[1] as string).toLowerCase()] = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
  }
  return { value: type.trim().toLowerCase(), params };
}

function keptHeaders(headers: readonly Header[]): Record<string, string[]> {
  const kept: Record<string, string[]> = {};
  const wanted = new Set<string>(KEPT_HEADERS);
  for (const h of headers) if (wanted.has(h.key)) (kept[h.key] ??= []).push(h.value);
  return kept;
}

/** '' for the null sender <>, null when there is no Return-Path at all. */
function returnPathOf(headers: readonly Header[]): string | null {
  // The top-most one is what the final MTA recorded; older ones may have been forged upstream.
  const value = headers.find((h) => h.key === 'return-path')?.value;
  if (value === undefined) return null;
  return value.replace(/[<>\s]/g, '');
}

function stripBrackets(id: string | undefined): string | null {
  if (!id) return null;
  const inner = id.trim().replace(/^<|>$/g, '').trim();
  return inner || null;
}

/**
 * Inline only when the HTML references the part by cid:. A part marked inline that nothing shows
 * (Apple Mail attaches photos that way, chatwoot#14633) would otherwise vanish from the agent's view.
 */
function attachmentOf(att: Attachment, html: string | null): MailAttachment {
  const content = bytesOf(att.content);
  const contentId = stripBrackets(att.contentId);
  const referenced = contentId !== null && html !== null && html.toLowerCase().includes(`cid:${contentId.toLowerCase()}`);
  return {
    filename: att.filename,
    mimeType: att.mimeType.toLowerCase(),
    disposition: referenced ? 'inline' : 'attachment',
    contentId,
    size: content.byteLength,
    sha256: createHash('sha256').update(content).digest('hex'),
    content,
  };
}

function deliveryStatuses(text: string): DeliveryStatus[] {
  // The first group is about the whole message (Reporting-MTA); each later one is one recipient.
  return parseHeaderGroups(text)
    .filter((g) => fieldValue(g, 'final-recipient') !== null || fieldValue(g, 'action') !== null)
    .map((g) => {
      const recipient = fieldValue(g, 'final-recipient') ?? fieldValue(g, 'original-recipient');
      return {
        // "rfc822; user@example.com": the address type before ';' is not part of the address.
        recipient: recipient ? recipient.replace(/^[^;]*;/, '').trim() || null : null,
        action: fieldValue(g, 'action')?.toLowerCase() ?? null,
        status: fieldValue(g, 'status')?.split(/\s/)[0] ?? null,
        diagnostic: fieldValue(g, 'diagnostic-code'),
      };
    });
}

function deliveryReportOf(email: Email, contentType: ParsedMail['contentType']): DeliveryReport | null {
  if (contentType.value !== 'multipart/report') return null;
  let originalMessageId: string | null = null;
  const recipients: DeliveryStatus[] = [];
  for (const att of email.attachments) {
    const type = att.mimeType.toLowerCase();
    if (DELIVERY_STATUS_TYPES.has(type)) recipients.push(...deliveryStatuses(utf8.decode(bytesOf(att.content))));
    if (RETURNED_MESSAGE_TYPES.has(type) && originalMessageId === null) {
      originalMessageId = firstMessageId(fieldValue(parseHeaderSection(utf8.decode(bytesOf(att.content))), 'message-id'));
    }
  }
  return { originalMessageId, recipients };
}

export async function parseMessage(raw: Uint8Array | string): Promise<ParseMessageResult> {
  if (raw.length === 0) return { ok: false, reason: 'empty input' };
  let email: Email;
  try {
    email = await PostalMime.parse(raw, { attachmentEncoding: 'arraybuffer' });
  } catch (error) {
    return { ok: false, reason: `parser failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!email.headers.some((h) => FIELD_NAME.test(h.key))) return { ok: false, reason: 'no header section' };

  const contentType = parseContentType(email.headers.find((h) => h.key === 'content-type')?.value);
  const html = email.html ?? null;
  const warnings: string[] = [];
  if (contentType.value.startsWith('multipart/') && !contentType.params['boundary']) {
    warnings.push('multipart without boundary: body not readable, see the raw message');
  }
  const from = mailboxes(email.from ? [email.from] : [])[0] ?? null;
  if (!from) warnings.push('no From address');
  const messageId = firstMessageId(email.messageId) ?? stripBrackets(email.messageId);
  if (!messageId) warnings.push('no Message-ID');

  const mail: ParsedMail = {
    messageId,
    inReplyTo: firstMessageId(email.inReplyTo),
    references: parseMessageIds(email.references),
    subject: email.subject ?? '',
    from,
    to: mailboxes(email.to),
    cc: mailboxes(email.cc),
    replyTo: mailboxes(email.replyTo),
    deliveredTo: email.deliveredTo ?? email.headers.find((h) => h.key === 'x-original-to')?.value.trim() ?? null,
    returnPath: returnPathOf(email.headers),
    date: email.date ?? null,
    contentType,
    headers: keptHeaders(email.headers),
    text: email.text ?? null,
    html,
    attachments: email.attachments.map((att) => attachmentOf(att, html)),
    deliveryReport: deliveryReportOf(email, contentType),
  };
  return { ok: true, mail, warnings };
}
