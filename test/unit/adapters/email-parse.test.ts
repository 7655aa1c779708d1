import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../../src/adapters/email/parse-message.js';
import { classifyMail } from '../../../src/core/email/classify.js';
import type { ParsedMail } from '../../../src/core/email/parsed-mail.js';
import { findReplyToken } from '../../../src/core/email/reply-token.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/email/${name}`, import.meta.url));

async function parsed(name: string): Promise<ParsedMail> {
  const result = await parseMessage(fixture(name));
  if (!result.ok) throw new Error(`${name} did not parse: ${result.reason}`);
  return result.mail;
}

describe('parsing received mail with postal-mime', () => {
  it('given a plain quoted-printable mail, when parsed, then addresses, ids, subject and text are decoded', async () => {
    const mail = await parsed('plain.eml');
    expect(mail.messageId).toBe('20250114091201.4711@mail.example.org');
    expect(mail.from).toEqual({ name: 'Anna Müller-Berger', address: 'Anna.Berger@Example.org' });
    expect(mail.to).toEqual([{ name: 'Support', address: 'support@help.example.com' }]);
    expect(mail.subject).toBe('Rechnung für Januar');
    expect(mail.text).toContain('Rechnung für Januar ist doppelt');
    expect(mail.html).toBeNull();
    expect(mail.returnPath).toBe('anna.berger@example.org');
    expect(mail.deliveredTo).toBe('support@help.example.com');
    expect(mail.contentType).toEqual({ value: 'text/plain', params: { charset: 'UTF-8' } });
    expect(mail.references).toEqual([]);
    expect(mail.inReplyTo).toBeNull();
    expect(mail.deliveryReport).toBeNull();
  });

  it('given multipart/alternative, when parsed, then both bodies, Cc and Reply-To are kept and the HTML stays raw', async () => {
    const mail = await parsed('alternative.eml');
    expect(mail.text).toContain('I cannot log in since yesterday.');
    expect(mail.html).toContain('<script>');
    expect(mail.cc).toEqual([{ name: 'Carol, Finance', address: 'carol@example.net' }]);
    expect(mail.replyTo).toEqual([{ name: 'Bob at home', address: 'bob.home@example.net' }]);
    expect(mail.messageId).toBe('CAF=abc123@mail.gmail.example');
    expect(mail.attachments).toEqual([]);
  });

  it('given a cid-referenced image, an unreferenced inline photo and a PDF, then only the referenced image is inline', async () => {
    const mail = await parsed('inline-and-attachment.eml');
    const byName = Object.fromEntries(mail.attachments.map((a) => [a.filename, a]));
    expect(byName['screen.png']).toMatchObject({ disposition: 'inline', contentId: 'screen-1@example.com', mimeType: 'image/png' });
    // Apple Mail style: marked inline, shown nowhere; an attachment or the agent never sees it.
    expect(byName['photo.jpg']).toMatchObject({ disposition: 'attachment', contentId: 'unreferenced-photo@example.com' });
    const pdf = byName['invoice.pdf'];
    expect(pdf).toMatchObject({ disposition: 'attachment', contentId: null, mimeType: 'application/pdf' });
    expect(pdf?.size).toBe(pdf?.content.byteLength);
    expect(pdf?.sha256).toBe(createHash('sha256').update(pdf?.content ?? new Uint8Array()).digest('hex'));
    expect(Buffer.from(pdf?.content ?? []).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('given a Postfix bounce with the returned message, then the report gives the original id and the failed recipient', async () => {
    const mail = await parsed('bounce-postfix.eml');
    expect(mail.returnPath).toBe('');
    expect(mail.contentType).toMatchObject({ value: 'multipart/report', params: { 'report-type': 'delivery-status' } });
    expect(mail.deliveryReport).toEqual({
      originalMessageId: 'conv-42.msg-7@mail.help.example.com',
      recipients: [
        {
          recipient: 'nobody@customer.example',
          action: 'failed',
          status: '5.1.1',
          diagnostic: expect.stringContaining('550 5.1.1 <nobody@customer.example>: Recipient address rejected'),
        },
      ],
    });
    expect(mail.headers['auto-submitted']).toEqual(['auto-replied']);
  });

  it('given a bounce returning only headers (text/rfc822-headers, folded Message-ID), then the original id is found', async () => {
    const mail = await parsed('bounce-headers-only.eml');
    expect(mail.deliveryReport?.originalMessageId).toBe('conv-43.msg-2@mail.help.example.com');
    expect(mail.deliveryReport?.recipients).toEqual([
      { recipient: 'gone@customer.example', action: 'failed', status: '5.2.1', diagnostic: expect.stringContaining('disabled') },
    ]);
  });

  it('given an out-of-office reply, then the automation headers are kept for classification', async () => {
    const mail = await parsed('auto-reply.eml');
    expect(mail.headers).toMatchObject({
      'auto-submitted': ['auto-replied'],
      'x-autoreply': ['yes'],
      'x-auto-response-suppress': ['All'],
    });
    expect(mail.subject).toBe('Autosvar: SV: Your order [#K7Q2]');
    expect(mail.inReplyTo).toBe('conv-42.msg-7@mail.help.example.com');
  });

  it('given a list mail, then List-Id, List-Unsubscribe and Precedence are kept', async () => {
    const mail = await parsed('list.eml');
    expect(mail.headers['list-id']).toEqual(['Example News <news.lists.example.com>']);
    expect(mail.headers['list-unsubscribe']).toHaveLength(1);
    expect(mail.headers['precedence']).toEqual(['list']);
  });

  it('given a reply, then In-Reply-To, the folded References chain in order, the token address and Thread-Index are kept', async () => {
    const mail = await parsed('reply.eml');
    expect(mail.inReplyTo).toBe('conv-42.msg-7@mail.help.example.com');
    expect(mail.references).toEqual([
      '20250114091201.4711@mail.example.org',
      'conv-42.msg-5@mail.help.example.com',
      'conv-42.msg-7@mail.help.example.com',
    ]);
    expect(mail.subject).toBe('RE: AW: Your order [#K7Q2]');
    expect(mail.to[0]?.address).toBe('SUPPORT+C_CONV-42.ACYIJ3XHZKJGWI5G@HELP.EXAMPLE.COM');
    expect(mail.headers['thread-index']).toHaveLength(1);
  });

  it('given broken MIME (unterminated multipart, bad base64), when parsed, then it does not throw and keeps what is readable', async () => {
    const result = await parseMessage(fixture('broken.eml'));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.mail.text).toContain('visible part');
    expect(result.mail.messageId).toBe('broken-1@example.org');
  });

  it('given a multipart without boundary, then it parses with a warning that the body is unreadable', async () => {
    const result = await parseMessage('From: a@example.org\r\nContent-Type: multipart/mixed\r\n\r\nbody\r\n');
    expect(result).toMatchObject({ ok: true, warnings: expect.arrayContaining([expect.stringContaining('multipart without boundary'), 'no Message-ID']) });
  });

  it.each([
    ['empty input', new Uint8Array(), 'empty input'],
    ['binary garbage', new Uint8Array([0, 1, 2, 255, 254, 10, 13, 0]), 'no header section'],
    ['text that is not mail', '\u0000 this is not a mail at all', 'no header section'],
  ])('given %s, when parsed, then an error with the reason is returned instead of a throw', async (_name, raw, reason) => {
    await expect(parseMessage(raw)).resolves.toEqual({ ok: false, reason });
  });

  // The fixtures through the core rules: what the parser yields is what the rules expect.
  const own = { messageIdDomains: ['mail.help.example.com'], marker: 'sb-main', systemAddresses: ['support@help.example.com'] };

  it.each([
    ['plain.eml', { automated: false, bounce: false, ours: false }],
    ['reply.eml', { automated: false, bounce: false, ours: false }],
    ['auto-reply.eml', { automated: true, automatedReasons: ['auto-submitted', 'autoreply-header', 'auto-response-suppress'] }],
    ['list.eml', { automated: true, automatedReasons: ['precedence', 'list'] }],
    ['bounce-postfix.eml', { automated: true, bounce: true, ours: false }],
    ['bounce-headers-only.eml', { automated: true, bounce: true, automatedReasons: ['null-sender', 'daemon-sender', 'bounce'] }],
  ])('given %s, when classified, then %j', async (name, expected) => {
    expect(classifyMail(await parsed(name), own)).toMatchObject(expected);
  });

  it('given reply.eml, whose mail system upper-cased our reply address, then its token still names the conversation', async () => {
    const mail = await parsed('reply.eml');
    const config = { localBase: 'support', domain: 'help.example.com', secrets: ['test-secret-1'] };
    expect(findReplyToken(mail.to.map((a) => a.address), config)).toBe('conv-42');
  });
});
